"""A proposed project from a one-row sheet: fields, sectors, zones, period, budget, errors."""

from __future__ import annotations

import csv
import io
from datetime import date

import geopandas as gpd
import openpyxl
import pytest
from connect_fixtures import strip
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from ngomap import schema as s
from ngomap.advise.project import Project, parse_budget, read_project
from ngomap.areas.boundaries import ISO_CODE, LEVEL, NAME_EN, NAME_FR, PARENT, Boundaries
from ngomap.errors import InputFileError

GOOD = (
    "Organisation,Titre,Secteurs,Zones,Période,Budget,Bailleur,Partenaire local\n"
    "#org+name,,#sector,,,,#org+funding,#org+impl\n"
    'Focal,Puits et santé,"Santé; EHA","Zone C1, C2",2026-2027,"1 200 000 €",AFD,Asso Locale\n'
)


def test_a_good_sheet_with_french_headers_and_an_hxl_row() -> None:
    project = read_project(GOOD.encode(), "projet.csv", strip())
    assert project == Project(
        organisation="Focal",
        sectors=("HEA", "WSH"),
        zones=("C1", "C2"),  # a name and a P-code
        title="Puits et santé",
        start=date(2026, 1, 1),
        end=date(2027, 12, 31),
        budget=1_200_000.0,
        currency="EUR",
        funder="AFD",
        partner="Asso Locale",
        source="projet.csv",
    )


def test_an_xlsx_sheet_with_english_headers_and_start_end_columns() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Organization", "Sectors", "Areas", "Start", "End", "Budget", "Currency"])
    sheet.append(["Focal", "Nutrition", "R1", "03/2026", "2026-09", "250000", "usd"])
    buffer = io.BytesIO()
    book.save(buffer)
    project = read_project(buffer.getvalue(), "project.xlsx", strip())
    assert (project.sectors, project.zones) == (("NUT",), ("R1",))
    assert (project.start, project.end) == (date(2026, 3, 1), date(2026, 9, 30))
    assert (project.budget, project.currency) == (250_000.0, "USD")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 200 000 €", (1_200_000.0, "EUR")),
        ("1,200,000", (1_200_000.0, "")),
        ("1.200.000,50 EUR", (1_200_000.5, "EUR")),
        ("250000,75", (250_000.75, "")),
        ("75 000 000 FCFA", (75_000_000.0, "XOF")),
        ("beaucoup", None),
    ],
)
def test_budgets_as_people_write_them(text: str, expected: tuple[float, str] | None) -> None:
    assert parse_budget(text) == expected


def _error(text: str, name: str = "projet.csv", lang: str = "en") -> str:
    with pytest.raises(InputFileError) as caught:
        read_project(text.encode(), name, strip())
    return caught.value.message(lang)


def test_a_bad_sector_is_one_sentence_naming_file_row_and_column() -> None:
    message = _error("Organisation,Secteurs,Zones\nFocal,Santé maternelle,C1\n")
    assert message.startswith('projet.csv, row 2, column "Secteurs": "Santé maternelle" is not')
    assert message.count(". ") == 0  # one sentence
    french = _error("Organisation,Secteurs,Zones\nFocal,Santé maternelle,C1\n", lang="fr")
    assert french.startswith("projet.csv, ligne 2, colonne « Secteurs » : « Santé maternelle »")


def test_every_problem_is_said_at_once() -> None:
    message = _error("Org,Sectors,Zones,Period\n\nFocal,HEA,Zone C9; Zone C11,2027-2026\n")
    assert 'row 3, column "Zones": "Zone C9" is neither a P-code nor an area name' in message
    assert '"Zone C11"' in message
    assert 'row 3, column "Period": the project ends (2026-12-31) before it starts' in message


def test_missing_columns_empty_cells_and_extra_rows() -> None:
    assert _error("Organisation,Zones\nFocal,C1\n") == (
        'projet.csv: no column for the sectors: add a column "Secteurs" (or "Sectors") to the '
        "header row."
    )
    assert _error("Organisation,Secteurs,Zones\n,HEA,C1\n") == (
        'projet.csv, row 2, column "Organisation": empty cell: give the organisation.'
    )
    assert "rows 3, 4" in _error("Organisation,Secteurs,Zones\nA,HEA,C1\nB,HEA,C1\nC,HEA,C2\n")
    assert "no project under the header (row 1)" in _error("Organisation,Secteurs,Zones\n")
    assert _error("\n\n").startswith("projet.csv: the file is empty")


def _nested() -> Boundaries:
    """Region Mopti holds a cercle Mopti; two cercles named Bamba in different regions."""
    rows = [
        ("R1", "adm1", "Mopti", None, box(0, 0, 2, 1)),
        ("R2", "adm1", "Gao", None, box(2, 0, 4, 1)),
        ("C1", "adm2", "Mopti", "R1", box(0, 0, 1, 1)),
        ("C2", "adm2", "Bamba", "R1", box(1, 0, 2, 1)),
        ("C3", "adm2", "Bamba", "R2", box(2, 0, 4, 1)),
    ]
    areas = gpd.GeoDataFrame(
        {
            s.AREA_CODE: [r[0] for r in rows],
            LEVEL: [r[1] for r in rows],
            NAME_FR: [r[2] for r in rows],
            NAME_EN: [r[2] for r in rows],
            ISO_CODE: None,
            PARENT: [r[3] for r in rows],
        },
        geometry=[r[4] for r in rows],
        crs=4326,
    ).set_index(s.AREA_CODE)
    return Boundaries(areas=areas, level="adm2", source="test")


def test_zone_names_that_nest_or_clash() -> None:
    bounds = _nested()
    sheet = "Organisation,Secteurs,Zones\nFocal,HEA,{}\n"
    project = read_project(sheet.format("Mopti").encode(), "p.csv", bounds)
    assert project.zones == ("R1",)  # the region holding the cercle of the same name
    with pytest.raises(InputFileError, match=r"names several areas.*C2 \(Mopti\), C3 \(Gao\)"):
        read_project(sheet.format("Bamba").encode(), "p.csv", bounds)


CELLS = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=0, max_size=4))
def test_any_sheet_gives_a_project_or_a_sentence_naming_the_file(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    messages: list[str] = []
    try:
        project = read_project(buffer.getvalue().encode("utf-8"), "projet.csv", strip())
    except InputFileError as exc:  # anything else fails the test
        messages = [exc.message("en"), exc.message("fr")]
    else:
        assert project.organisation
        assert project.sectors
        assert project.zones
    assert all(message.startswith("projet.csv") for message in messages)


def test_a_bare_carriage_return_inside_quotes_keeps_every_cell() -> None:
    """Found by the property test above: the careful CSV reader counted the columns with
    str.splitlines, which also breaks at a CR inside quotes, and pandas then took the extra
    leading cell as the index (and crashed on it)."""
    from ngomap.importer.sheets import read_grid

    grid = read_grid(b'a,b\n"x\ry",z,extra\n', "p.csv", score=lambda rows: 0)
    assert grid.head(2) == [["a", "b", ""], ["x y", "z", "extra"]]
    assert list(grid.rows) == [1, 2]
