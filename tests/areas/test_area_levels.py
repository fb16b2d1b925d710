"""The same 3W gives the same counts per region and per cercle, whatever levels are loaded.

Rows are built here with the kinds of disagreement real 3W files carry (a region code from
the wrong line, the code of a same-named commune elsewhere, a cercle code in the region
column, codes in another format); the boundaries are OCHA's COD-AB for Mali, loaded as a
user would: regions alone, cercles alone (regions built from them), or all three levels.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from ngomap import analysis
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import load_boundaries
from ngomap.importer.threew import read_3w
from ngomap.importer.validate import ImportReport

pytestmark = pytest.mark.shared_data

CODAB = Path("boundaries/mali-codab-2021")
FILES = {
    "adm1": ["mli_admbnda_adm1_1m_gov_20211220.geojson"],
    "adm2": ["mli_admbnda_adm2_1m_gov_20211220.geojson"],
    "stack": [f"mli_admbnda_adm{n}_1m_gov_20211220.geojson" for n in (1, 2, 3)],
}
HEADERS = [
    "Organisation",
    "Secteur",
    "admin1Pcode",
    "Région",
    "admin2Pcode",
    "Cercle",
    "admin3Pcode",
    "Commune",
]
ROWS = [
    # every code and name agree
    ("ONG A", "EDU", "ML05", "Mopti", "ML0502", "Bankass", "ML050202", "Baye"),
    ("ONG A", "EDU", "ML05", "Mopti", "ML0502", "Bankass", "ML050201", "Bankass"),
    # the region code typed from the wrong line: Gao's cercle and name, Mopti's code
    ("ONG B", "WSH", "ML05", "Gao", "ML0702", "Bourem", "", ""),
    # the commune code of the other Faraba (Kati, Koulikoro) on a Kéniéba (Kayes) row
    ("ONG C", "HEA", "ML01", "Kayes", "ML0104", "Kéniéba", "ML020414", "Faraba"),
    # the commune code of Bamba in Bourem (Gao) on a Koro (Mopti) row
    ("ONG D", "EDU", "ML05", "Mopti", "ML0505", "Koro", "ML070201", "Bamba"),
    # a region only: area-wide, counted in the region, in no cercle
    ("ONG E", "EDU", "ML07", "Gao", "", "", "", ""),
    # two codes that disagree and nothing else: left out, whatever is loaded
    ("ONG F", "EDU", "ML01", "", "ML0702", "", "", ""),
    # a cercle code in the region column
    ("ONG G", "PRO", "ML0901", "Bamako", "", "", "", ""),
    # codes in the MLI format, trailing spaces
    ("ONG H", "NUT", "MLI04 ", "SEGOU", "MLI0406", "Ségou", "", ""),
    # names only; Baye is a commune of Kéniéba and of Bankass: the cercle tells them apart
    ("ONG I", "EDU", "", "Mopti", "", "Bankass", "", "Baye"),
    ("ONG I", "EDU", "", "Kayes", "", "Kéniéba", "", "Baye"),
]


@cache
def _boundaries(folder: Path, which: str) -> Boundaries:
    return load_boundaries([folder / name for name in FILES[which]])


def _counts(
    records: pd.DataFrame, boundaries: Boundaries, level: str
) -> dict[tuple[str, str], int]:
    table = analysis.summary(records, boundaries, level=level)
    table = table.loc[table[analysis.LEVEL] == level]
    return dict(
        zip(
            zip(table[s.AREA_CODE], table[s.SECTOR], strict=True),
            table[analysis.ACTORS],
            strict=True,
        )
    )


def _read(tmp_path: Path, boundaries: Boundaries) -> tuple[pd.DataFrame, ImportReport]:
    path = tmp_path / "3w.csv"
    pd.DataFrame(ROWS, columns=HEADERS).to_csv(path, index=False)
    return read_3w(path, boundaries=boundaries)


def test_same_counts_whatever_levels_are_loaded(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / CODAB
    regions: dict[str, dict[tuple[str, str], int]] = {}
    cercles: dict[str, dict[tuple[str, str], int]] = {}
    for which in FILES:
        boundaries = _boundaries(folder, which)
        records, report = _read(tmp_path, boundaries)
        assert report.rows_read == len(ROWS)
        assert report.rows_rejected == 1, which  # ONG F, and only it
        (split,) = report.by_kind("area.split")
        assert split.rows == (8,), which  # the CSV's row 8 (header is row 1)
        regions[which] = _counts(records, boundaries, "adm1")
        if "adm2" in boundaries.levels:
            cercles[which] = _counts(records, boundaries, "adm2")
    assert regions["adm1"] == regions["adm2"] == regions["stack"]
    assert cercles["adm2"] == cercles["stack"]
    assert regions["stack"] == {
        ("ML01", "HEA"): 1,  # C, in Kéniéba despite the Faraba of Kati's code
        ("ML01", "EDU"): 1,  # I's Baye of Kéniéba
        ("ML05", "EDU"): 3,  # A, D (Koro despite Bamba of Bourem's code), I
        ("ML07", "WSH"): 1,  # B, in Bourem despite Mopti's region code
        ("ML07", "EDU"): 1,  # E, area-wide
        ("ML09", "PRO"): 1,  # G
        ("ML04", "NUT"): 1,  # H
    }
    assert cercles["stack"] == {
        ("ML0104", "HEA"): 1,
        ("ML0104", "EDU"): 1,
        ("ML0502", "EDU"): 2,  # A (two communes, one actor) and I
        ("ML0505", "EDU"): 1,
        ("ML0702", "WSH"): 1,
        ("ML0901", "PRO"): 1,
        ("ML0406", "NUT"): 1,
    }


def test_communes_found_by_their_name_within_the_cercle(shared_data: Path, tmp_path: Path) -> None:
    boundaries = _boundaries(shared_data / CODAB, "stack")
    records, report = _read(tmp_path, boundaries)
    area = dict(zip(records[s.ROW], records[s.AREA_CODE], strict=True))
    assert area[5] == "ML010406"  # Faraba of Kéniéba, not ML020414
    assert area[6] == "ML050501"  # Bamba of Koro, not ML070201
    assert area[11] == "ML050202"  # the two Baye
    assert area[12] == "ML010401"
    conflicts = {(p.column, p.value) for p in report.by_kind("area.conflict")}
    assert ("admin1Pcode", "ML05") in conflicts
    assert ("admin3Pcode", "ML020414") in conflicts
    assert ("admin3Pcode", "ML070201") in conflicts


def test_the_real_mali_5w_counts_alike_whatever_levels_are_loaded(shared_data: Path) -> None:
    folder = shared_data / CODAB
    path = shared_data / "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"
    regions, cercles = {}, {}
    for which in FILES:
        boundaries = _boundaries(folder, which)
        records, report = read_3w(path, boundaries=boundaries)
        assert report.rows_rejected == 0, which
        regions[which] = _counts(records, boundaries, "adm1")
        if "adm2" in boundaries.levels:
            cercles[which] = _counts(records, boundaries, "adm2")
    assert len(regions["stack"]) == 10
    assert regions["adm1"] == regions["adm2"] == regions["stack"]
    assert len(cercles["stack"]) > 40
    assert cercles["adm2"] == cercles["stack"]
