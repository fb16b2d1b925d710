"""The importer on real OCHA files (../shared/data): scored against HDX, every row accounted for."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from import_helpers import code_boundaries, mali_codab

from ngomap import schema as s
from ngomap import vocab
from ngomap.importer.threew import read_3w
from ngomap.importer.validate import ImportReport
from ngomap.normalise import norm_text

pytestmark = pytest.mark.shared_data

NIGERIA = Path("3w/nigeria-apr-jun-2023")
MALI = Path("3w/mali-5w-mar2022/mali_5w_mar2022.xlsx")
BURKINA = Path("3w/burkina-5w-janfev2022")


def accounted(report: ImportReport) -> None:
    assert report.rows_read == report.rows_kept + report.rows_duplicate + report.rows_rejected
    rejected_rows = {r for p in report.problems if p.severity == "error" for r in p.rows}
    assert len(rejected_rows) == report.rows_rejected  # each rejected row says why
    duplicate_rows = {r for p in report.by_kind("row.duplicate") for r in p.rows}
    assert len(duplicate_rows) == report.rows_duplicate


def test_nigeria_matches_hdx_normalised_output(shared_data: Path) -> None:
    """Distinct (organisation, sector, LGA P-code) triples against HDX HAPI's own output.

    The LGA and state codes are matched with boundaries built from the P-code pairs found in
    HDX's file (no geometry). Organisations are compared by ngomap's key (names, with the
    alias file); where HDX renamed an organisation, by its acronym. Every HDX triple not
    found is put in a category, and the categories are asserted.
    """
    hdx = pd.read_csv(shared_data / NIGERIA / "hdx_hapi_normalised_nga_apr_jun_2023.csv", dtype=str)
    boundaries = code_boundaries(
        hdx,
        {"adm1": ("admin1_code", "admin1_name"), "adm2": ("admin2_code", "admin2_name")},
        "HDX HAPI P-codes",
    )
    records, report = read_3w(
        shared_data / NIGERIA / "nga_3w_apr_jun_2023.xlsx", boundaries=boundaries
    )
    accounted(report)
    assert report.rows_read == 5740
    assert report.rows_rejected == 0
    assert set(records[s.AREA_LEVEL]) == {"adm2"}  # NGA036 / NG036014 unified, LGA kept
    assert not [p for p in report.problems if p.kind.startswith("sectors.")]

    aliases = vocab.organisation_aliases()

    def key(name: str) -> str:
        match = aliases.lookup(name)
        return norm_text(match.code if match else name)

    ours = set(zip(records[s.ORG_KEY], records[s.SECTOR], records[s.AREA_CODE], strict=True))
    ours_org_sector = {(o, sec) for o, sec, _ in ours}
    by_acronym: dict[str, set[str]] = {}
    for org_key, acronym in zip(records[s.ORG_KEY], records[s.ORG_ACRONYM], strict=True):
        for part in str(acronym).replace("/", " ").split():
            by_acronym.setdefault(norm_text(part), set()).add(org_key)
    theirs = set(zip(hdx.org_name, hdx.org_acronym, hdx.sector_code, hdx.admin2_code, strict=True))
    categories: Counter[str] = Counter()
    examples: dict[str, set[str]] = {}
    for name, acronym, sector, lga in theirs:
        orgs = {key(name)} | by_acronym.get(norm_text(acronym), set())
        if (key(name), sector, lga) in ours:
            category = "same triple"
        elif any((o, sector, lga) in ours for o in orgs):
            category = "organisation renamed by HDX, same acronym"
        elif not orgs & set(records[s.ORG_KEY]):
            category = "organisation absent from our records"
        elif any((o, sector) in ours_org_sector for o in orgs):
            category = "LGA differs"
        else:
            category = "sector differs"
        categories[category] += 1
        examples.setdefault(category, set()).add(f"{name} ({acronym})")
    print(f"\nHDX triples: {len(theirs)}; ours: {len(ours)}")
    for category, count in categories.most_common():
        print(
            f"  {category}: {count} ({100 * count / len(theirs):.1f}%)",
            f"e.g. {sorted(examples[category])[:3]}",
        )
    found = categories["same triple"] + categories["organisation renamed by HDX, same acronym"]
    assert found / len(theirs) >= 0.98
    assert categories["same triple"] / len(theirs) >= 0.95
    # What is left is HDX's own organisation renaming (Caritas), not sectors or areas.
    assert set(categories) <= {
        "same triple",
        "organisation renamed by HDX, same acronym",
        "organisation absent from our records",
    }
    assert categories["organisation absent from our records"] <= 5


def test_mali_every_row_accounted_and_codes_unified(shared_data: Path) -> None:
    records, report = read_3w(shared_data / MALI, boundaries=mali_codab(shared_data))
    accounted(report)
    assert report.sheet == "ML_5W"  # among four sheets, three hidden
    assert report.rows_read == 22805
    # ML05 and MLI05 are one region: no row lost to the code format.
    assert report.rows_rejected == 0
    assert not records[s.AREA_CODE].str.startswith("MLI").any()
    assert set(records[s.AREA_CODE].str[:4]) <= {f"ML{i:02d}" for i in range(1, 11)}
    # MLI11 does not exist: reported with what the row was attached to.
    (unknown,) = report.by_kind("area.unknown_code")
    assert unknown.value == "MLI11"
    assert unknown.column == "admin1Pcod"
    assert "Menaka (ML10)" in unknown.message_en  # its cercle code and name disagree:
    assert "Menaka" in unknown.message_fr  # the row stays in the region, and says why
    assert unknown.row in {r for p in report.by_kind("area.split") for r in p.rows}
    # A cercle code in the region column.
    (wrong,) = report.by_kind("area.wrong_column")
    assert wrong.value == "ML0901"
    assert wrong.column == "admin1Pcod"
    assert wrong.count == 38
    assert wrong.suggestion == "adm2_code = ML0901"
    # Case variants of one organisation are one key; duplicates counted, not lost.
    assert report.rows_duplicate > 20000
    assert report.organisations == records[s.ORG_KEY].nunique()
    assert report.by_kind("sector.missing")  # the trimmed file has no sector column


def test_burkina_two_hashtag_rows_and_french_headers(shared_data: Path) -> None:
    lookup = pd.read_csv(shared_data / BURKINA / "burkina_5w_OU_pcode_lookup.csv", dtype=str)
    lookup = lookup.dropna(subset=["Commune Pcode"])
    boundaries = code_boundaries(
        lookup,
        {
            "adm1": ("Région Pcode", "Région"),
            "adm2": ("Province Pcode", "Province.2"),
            "adm3": ("Commune Pcode", "Commune.1"),
        },
        "Burkina 5W P-code lookup",
    )
    records, report = read_3w(
        shared_data / BURKINA / "burkina_5w_janfev2022_public.csv", boundaries=boundaries
    )
    accounted(report)
    assert report.header_row == 1
    assert int(records[s.ROW].min()) == 4  # two hashtag rows skipped, rows as in the sheet
    assert report.columns["Secteur/Cluster*"] == s.SECTOR
    assert report.columns["Région *"] == s.ADM1_NAME
    assert report.columns["Partenaire de mise en œuvre"] == s.PARTNER
    assert "Ville/village" in report.unmapped
    first = records.loc[records[s.ROW] == 4].iloc[0]
    assert (first[s.SECTOR_RAW], first[s.SECTOR]) == ("Abris/AME", "SHL")
    assert not records[s.SECTOR].str.startswith("other").any()
    assert report.rows_rejected == 0
    assert set(records[s.AREA_LEVEL]) == {"adm3"}
    # Misspelt provinces are suggested, never applied unasked.
    suggestions = {p.suggestion for p in report.by_kind("area.suggestion")}
    assert "Koulpelgo → Koulpelogo ?" in suggestions
