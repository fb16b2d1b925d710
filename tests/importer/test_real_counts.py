"""The proof: counts per region x sector and per cercle x sector on every real 3W in
../shared/data, against an independent pandas computation, every difference explained.

The independent side reads each file with pandas, keys organisations by its own
normalisation (accents, case, punctuation) and the organisation alias file, sectors by the
sector alias file, and areas by the P-codes alone (ISO3 prefixes made ISO2, a finer code's
parent from a lookup or from the code itself). ngomap's side is ``read_3w_areas`` and the
analysis. A distinct (organisation, sector, area) triple found on one side only must come
from rows that ngomap reported (an area whose columns disagree, a code in the wrong column,
an unknown code) or left out: anything else fails the test. The figures are printed
(pytest -s) for the report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from import_helpers import code_boundaries

from ngomap import analysis
from ngomap import schema as s
from ngomap._paths import VOCAB_DIR
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import load_boundaries
from ngomap.importer.threew import read_3w_areas

pytestmark = pytest.mark.shared_data

LEVELS = ("adm1", "adm2")
# Kinds of problem that explain why a row's area differs from its codes read naively.
AREA_KINDS = {
    "area.conflict",
    "area.split",
    "area.wrong_column",
    "area.unknown_code",
    "area.unknown",
    "area.suggestion",
    "area.unknown_name",
    "area.ambiguous",
    "area.moved",
}


def key(text: object) -> str:
    """The test's own key: no accents, no case, punctuation as spaces."""
    if not isinstance(text, str):
        return ""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


@cache
def org_aliases() -> dict[str, str]:
    table = pd.read_csv(VOCAB_DIR / "organisations_aliases.csv", dtype=str)
    return {key(a): key(n) for a, n in zip(table["alias"], table["name"], strict=True)}


@cache
def sector_aliases() -> dict[str, str]:
    table = pd.read_csv(VOCAB_DIR / "sectors_aliases.csv", dtype=str)
    return {key(a): c for a, c in zip(table["alias"], table["code"], strict=True)}


def org(name: object) -> str:
    found = key(name)
    return org_aliases().get(found, found)


def sector(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    return sector_aliases().get(key(value), "other: " + " ".join(value.split()))


ISO3 = {"MLI": "ML", "NGA": "NG", "BFA": "BF"}


def pcode(value: object) -> str:
    if not isinstance(value, str):
        return ""
    code = value.strip().upper()
    if code[:3] in ISO3 and code[3:4].isdigit():
        code = ISO3[code[:3]] + code[3:]
    return code


@dataclass
class Case:
    """One real file: how to read it with pandas, and its areas by level, row by row."""

    name: str
    path: Path
    boundaries: Callable[[Path], Boundaries | None]
    independent: Callable[[Path], pd.DataFrame]  # copy, row, org, sector, adm1, adm2


def _mali(data: Path) -> pd.DataFrame:
    raw = pd.read_excel(
        data / "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx",
        sheet_name="ML_5W",
        dtype=str,
        engine="openpyxl",
    ).iloc[1:]  # the hashtag row
    cercle = raw["admin2Pcod"].map(pcode)
    return pd.DataFrame(
        {
            "copy": raw.duplicated().to_numpy(),
            "row": raw.index + 2,
            "org": raw["Organisation Accronyme"].map(org),
            "sector": "",
            "adm1": cercle.str[:4],  # a P-code starts with its parent's
            "adm2": cercle,
        }
    )


def _nigeria_raw(data: Path) -> pd.DataFrame:
    raw = pd.read_excel(
        data / "3w/nigeria-apr-jun-2023/nga_3w_apr_jun_2023.xlsx", dtype=str, engine="openpyxl"
    ).iloc[1:]
    name = raw["Organization"].where(raw["Organization"].notna(), raw["Org. Acronym"])
    return pd.DataFrame(
        {
            "copy": raw.duplicated().to_numpy(),
            "row": raw.index + 2,
            "org": name.map(org),
            "sector": raw["Project Sector"].map(sector),
            "adm1": raw["State Pcode"].map(pcode),
            "adm2": raw["LGA PCode"].map(pcode),
        }
    )


def _nigeria_hdx(data: Path) -> pd.DataFrame:
    raw = pd.read_csv(
        data / "3w/nigeria-apr-jun-2023/hdx_hapi_normalised_nga_apr_jun_2023.csv", dtype=str
    )
    return pd.DataFrame(
        {
            "copy": raw.duplicated().to_numpy(),
            "row": raw.index + 2,
            "org": raw["org_name"].map(org),
            "sector": raw["sector_code"].map(sector),
            "adm1": raw["admin1_code"].map(pcode),
            "adm2": raw["admin2_code"].map(pcode),
        }
    )


def _burkina_lookup(data: Path) -> pd.DataFrame:
    lookup = pd.read_csv(
        data / "3w/burkina-5w-janfev2022/burkina_5w_OU_pcode_lookup.csv", dtype=str
    )
    return lookup.dropna(subset=["Commune Pcode"])


def _burkina(data: Path) -> pd.DataFrame:
    raw = pd.read_csv(
        data / "3w/burkina-5w-janfev2022/burkina_5w_janfev2022_public.csv", dtype=str
    ).iloc[2:]  # two hashtag rows
    lookup = _burkina_lookup(data)
    province = dict(zip(lookup["Commune Pcode"], lookup["Province Pcode"], strict=True))
    region = dict(zip(lookup["Commune Pcode"], lookup["Région Pcode"], strict=True))
    commune = raw["HNO Commune Pcode (Automatic)"].map(pcode)
    return pd.DataFrame(
        {
            "copy": raw.duplicated().to_numpy(),
            "row": raw.index + 2,
            "org": raw["Organisation *"].map(org),
            "sector": raw["Secteur/Cluster*"].map(sector),
            "adm1": commune.map(region),
            "adm2": commune.map(province),
        }
    )


def _mali_codab(data: Path) -> Boundaries:
    folder = data / "boundaries/mali-codab-2021"
    return load_boundaries(
        [folder / f"mli_admbnda_adm{n}_1m_gov_20211220.geojson" for n in (1, 2, 3)]
    )


def _burkina_boundaries(data: Path) -> Boundaries:
    return code_boundaries(
        _burkina_lookup(data),
        {
            "adm1": ("Région Pcode", "Région"),
            "adm2": ("Province Pcode", "Province.2"),
            "adm3": ("Commune Pcode", "Commune.1"),
        },
        "Burkina 5W P-code lookup",
    )


CASES = [
    Case(
        "Mali 5W 2022 (COD-AB adm1+adm2+adm3)",
        Path("3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"),
        _mali_codab,
        _mali,
    ),
    Case(
        "Nigeria 3W 2023 (no boundary file)",
        Path("3w/nigeria-apr-jun-2023/nga_3w_apr_jun_2023.xlsx"),
        lambda _data: None,
        _nigeria_raw,
    ),
    Case(
        "Nigeria HDX HAPI 2023 (no boundary file)",
        Path("3w/nigeria-apr-jun-2023/hdx_hapi_normalised_nga_apr_jun_2023.csv"),
        lambda _data: None,
        _nigeria_hdx,
    ),
    Case(
        "Burkina 5W 2022 (P-code lookup)",
        Path("3w/burkina-5w-janfev2022/burkina_5w_janfev2022_public.csv"),
        _burkina_boundaries,
        _burkina,
    ),
]


def _cells(triples: set[tuple[str, str, str]]) -> dict[tuple[str, str], int]:
    frame = pd.DataFrame(sorted(triples), columns=["org", "sector", "area"])
    counts = frame.groupby(["area", "sector"])["org"].nunique().reset_index()
    keys = zip(counts["area"].astype(str), counts["sector"].astype(str), strict=True)
    return dict(zip(keys, counts["org"].astype(int).tolist(), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_counts_match_an_independent_computation(shared_data: Path, case: Case) -> None:
    records, report, boundaries = read_3w_areas(
        shared_data / case.path, boundaries=case.boundaries(shared_data)
    )
    assert report.rows_read == report.rows_kept + report.rows_duplicate + report.rows_rejected
    theirs = case.independent(shared_data)
    assert len(theirs) == report.rows_read
    assert theirs["row"].min() == records[s.ROW].min() or report.rows_rejected
    explained = {r for p in report.problems if p.kind in AREA_KINDS for r in p.rows}
    rejected = {r for p in report.problems if p.severity == "error" for r in p.rows}
    line = [
        f"{case.name}: rows read {report.rows_read}, exact copies {int(theirs['copy'].sum())}, "
        f"same record as another row {report.rows_duplicate}, kept {report.rows_kept}, "
        f"rejected {report.rows_rejected}"
    ]
    for level in LEVELS:
        ours_area = analysis.at_level(records, boundaries, level)
        ours = records.assign(area=ours_area).dropna(subset=["area"])
        ours_triples = set(zip(ours[s.ORG_KEY], ours[s.SECTOR], ours["area"], strict=True))
        mine = theirs.loc[theirs[level].fillna("") != ""]
        mine_triples = set(zip(mine["org"], mine["sector"], mine[level], strict=True))
        rows_of = mine.groupby(["org", "sector", level])["row"].agg(set).to_dict()
        ours_rows = ours.groupby([s.ORG_KEY, s.SECTOR, "area"])[s.ROW].agg(set).to_dict()
        unexplained = []
        for triple in mine_triples - ours_triples:
            if not rows_of[triple] <= explained | rejected:
                unexplained.append(("pandas only", triple, sorted(rows_of[triple])[:5]))
        for triple in ours_triples - mine_triples:
            if not ours_rows[triple] & explained:
                unexplained.append(("ngomap only", triple, sorted(ours_rows[triple])[:5]))
        assert not unexplained, unexplained[:10]
        a, b = _cells(ours_triples), _cells(mine_triples)
        compared = set(a) | set(b)
        equal = sum(a.get(c) == b.get(c) for c in compared)
        line.append(
            f"  {level}: presences {len(ours_triples)} (rows merged into them at this level "
            f"{report.rows_kept - len(ours_triples)}), cells compared {len(compared)}, "
            f"equal {equal}; triples only in pandas {len(mine_triples - ours_triples)}, "
            f"only in ngomap {len(ours_triples - mine_triples)}, all from rows ngomap reported"
        )
        # Most cells are equal: a difference is the exception a report names.
        assert equal >= 0.9 * len(compared)
    print("\n" + "\n".join(line))


def test_nigeria_raw_file_counts_as_hdx_normalised_it(shared_data: Path) -> None:
    """Two files, one truth: the raw workbook and HDX's normalised output of it, both read
    without boundary files, give the same actors in every state x sector and LGA x sector."""
    folder = shared_data / "3w/nigeria-apr-jun-2023"
    tables = []
    for name in ("nga_3w_apr_jun_2023.xlsx", "hdx_hapi_normalised_nga_apr_jun_2023.csv"):
        records, _report, boundaries = read_3w_areas(folder / name)
        tables.append(
            {level: analysis.summary(records, boundaries, level=level) for level in LEVELS}
        )
    for level in LEVELS:
        raw, hdx = (t[level].set_index([s.AREA_CODE, s.SECTOR])["actors"] for t in tables)
        assert len(raw) > 20
        pd.testing.assert_series_equal(raw.sort_index(), hdx.sort_index())
