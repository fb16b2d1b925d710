"""Small 3W files built in the test, read by the real importer."""

from __future__ import annotations

import pandas as pd

from ngomap.importer.threew import read_3w

HEADER = "Nom,Sigle,Type d'organisation,Mode de présence,Secteur,Code région,Début,Fin\n"
HASHTAGS = (
    "#org+name,#org+acronym,#org+type,#org+presence,#sector,#adm1+code,#date+start,#date+end\n"
)


def three_w(*rows: str, name: str = "round.csv") -> pd.DataFrame:
    """Records of a CSV with these data rows (name,acronym,type,mode,sector,region,start,end)."""
    text = HEADER + HASHTAGS + "".join(f"{row}\n" for row in rows)
    records, report = read_3w(text.encode(), name=name)
    assert report.rows_rejected == 0, [p.message_en for p in report.problems]
    return records


FIRST = (
    "Aide Sahel,AIS,ONG internationale,Présence directe,Santé,ML01,2024-01-01,2024-12-31",
    "Aide Sahel,AIS,ONG internationale,Présence directe,Éducation,ML02,2024-01-01,2024-12-31",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,EHA,ML03,2024-01-01,",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,EHA,ML04,2024-01-01,",
    "Jardins du Fleuve,JDF,ONG nationale,Présence directe,Agriculture,ML05,,",
)
# The next quarter: Jardins du Fleuve gone; Eau Pour Tous direct in ML03 and gone from ML04;
# Aide Sahel's health work goes on with a new end date; a new organisation; one spelled close
# to a known one, one with a known acronym; Aide Sahel now a national NGO.
SECOND = (
    "Aide Sahel,AIS,ONG nationale,Présence directe,Santé,ML01,2024-01-01,2025-06-30",
    "Aide Sahel,AIS,ONG nationale,Présence directe,Éducation,ML02,2024-01-01,2024-12-31",
    "Eau Pour Tous,EPT,ONG internationale,Présence directe,EHA,ML03,2024-01-01,",
    "Nouveaux Horizons,NHO,ONG internationale,Opérateur,Santé,ML06,,",
    "Eaux Pour Tous,,ONG internationale,Présence directe,EHA,ML07,,",
    "Jardins Fleuve Niger,JDF,ONG nationale,Présence directe,Agriculture,ML08,,",
)
