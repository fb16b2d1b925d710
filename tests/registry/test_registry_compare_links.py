"""The pre-apply comparison and the diff of two rounds list partner and funder changes."""

from __future__ import annotations

import pandas as pd

from ngomap.importer.threew import read_3w
from ngomap.registry import db
from ngomap.registry.compare import Comparison
from ngomap.registry.rounds import RoundInfo, apply_round, compare_file, diff
from ngomap.registry.setup import init

HEADER = (
    "Nom,Sigle,Type d'organisation,Mode de présence,Partenaires,Bailleurs,Secteur,Code région\n"
    "#org+name,#org+acronym,#org+type,#org+presence,#org+impl,#org+funding,#sector,#adm1+code\n"
)
FIRST = (
    "Aide Sahel,AIS,ONG internationale,Via partenaires locaux,Jeunesse Active; AMAS,AFD,Santé,ML01",
    "Aide Sahel,AIS,ONG internationale,Via partenaires locaux,Jeunesse Active,AFD | ECHO,"
    "Éducation,ML02",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,AIS,Fonds propres,EHA,ML03",
    "Jardins du Fleuve,JDF,ONG nationale,Présence directe,,,Agriculture,ML05",
)
# The next quarter: the same partner in capitals, a funder more, a partner more.
SECOND = (
    "Aide Sahel,AIS,ONG internationale,Via partenaires locaux,JEUNESSE ACTIVE,AFD; UNICEF,"
    "Santé,ML01",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,AIS,,EHA,ML03",
    "Jardins du Fleuve,JDF,ONG nationale,Via partenaires locaux,Eau Pour Tous,,Agriculture,ML05",
)


def _records(*rows: str, name: str) -> pd.DataFrame:
    records, report = read_3w((HEADER + "".join(f"{r}\n" for r in rows)).encode(), name=name)
    assert report.rows_rejected == 0, [p.message_en for p in report.problems]
    return records


def _info(name: str) -> RoundInfo:
    return RoundInfo(file_name=name, sha256="0" * 64, by="tester")


def _by(comparison: Comparison) -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(c.name, c.kind): (c.added, c.removed) for c in comparison.links_changed}


def test_the_comparison_lists_partners_and_funders_a_round_adds(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    first = compare_file(engine, _records(*FIRST, name="q1.csv"))
    found = _by(first)
    assert found[("Aide Sahel", "partners")] == (("Jeunesse Active", "AMAS"), ())
    assert found[("Aide Sahel", "funders")] == (("AFD", "ECHO"), ())
    assert ("Eau Pour Tous", "funders") not in found  # "Fonds propres" names no funder
    counts = first.as_dict()
    assert (counts["partners_added"], counts["funders_added"]) == (3, 2)
    assert counts["partners_removed"] == counts["funders_removed"] == 0
    applied = apply_round(engine, _records(*FIRST, name="q1.csv"), _info("q1.csv"))
    assert applied.as_dict()["partners_added"] == 3

    second = compare_file(engine, _records(*SECOND, name="q2.csv"))
    found = _by(second)
    # The same partner in capitals is no change; the new funder and the new partner are.
    assert ("Aide Sahel", "partners") not in found
    assert found[("Aide Sahel", "funders")] == (("UNICEF",), ())
    assert found[("Jardins du Fleuve", "partners")] == (("Eau Pour Tous",), ())
    apply_round(engine, _records(*SECOND, name="q2.csv"), _info("q2.csv"))
    assert compare_file(engine, _records(*SECOND, name="q2.csv")).links_changed == []

    between = _by(diff(engine, "R1", "R2"))
    assert between[("Aide Sahel", "funders")] == (("UNICEF",), ())
    assert between[("Jardins du Fleuve", "partners")] == (("Eau Pour Tous",), ())
    backwards = _by(diff(engine, "R2", "R1"))
    assert backwards[("Aide Sahel", "funders")] == ((), ("UNICEF",))
    assert backwards[("Jardins du Fleuve", "partners")] == ((), ("Eau Pour Tous",))
