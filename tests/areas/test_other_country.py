"""A 3W of any country: its own areas without boundary files, one sentence against another's."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from import_helpers import code_boundaries
from typer.testing import CliRunner

from ngomap import analysis
from ngomap import schema as s
from ngomap.areas.file_areas import areas_from_columns, codes_country
from ngomap.cli import cli
from ngomap.coded import Coded
from ngomap.importer.threew import read_3w_areas

runner = CliRunner()

# A tiny Nigeria 3W: state codes written NGA..., LGA codes NG...; one LGA code in the state
# column on the last row.
NIGERIA = """Organisation,Sector,State,State Pcode,LGA,LGA PCode
Alpha,EDU,Borno,NGA008,Maiduguri,NG008021
Alpha,EDU,Borno,NGA008,Jere,NG008014
Beta,EDU,Borno,NGA008,Jere,NG008014
Beta,WASH,Adamawa,NGA002,Yola North,NG002020
Gamma,Santé,Niger,NGA027,Bida,NG027005
Delta,EDU,Nigeria,,,
Eps,EDU,Borno,NG008014,Jere,NG008014
"""


def write(tmp_path: Path, text: str = NIGERIA) -> Path:
    path = tmp_path / "nga.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_files_country_and_areas_from_its_own_codes() -> None:
    frame = pd.read_csv(io.StringIO(NIGERIA), dtype=str).fillna("")
    columns = {
        s.ADM1_NAME: Coded.of(frame["State"]),
        s.ADM1_CODE: Coded.of(frame["State Pcode"]),
        s.ADM2_NAME: Coded.of(frame["LGA"]),
        s.ADM2_CODE: Coded.of(frame["LGA PCode"]),
    }
    assert codes_country(columns) == ("NG", 12)
    areas = areas_from_columns(columns)
    assert areas is not None
    assert areas.levels == ["adm1", "adm2"]
    assert areas.codes("adm1") == ["NG008", "NG002", "NG027"]  # not the LGA code NG008014
    assert areas.name("NG008014") == "Jere"
    assert areas.parent("NG008014") == "NG008"
    assert areas.parent("NG027005") == "NG027"


def cells_of(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    keys = zip(table[s.AREA_CODE], table[s.SECTOR], strict=True)
    return dict(zip(keys, table["actors"], strict=True))


def test_without_boundaries_tables_by_the_files_own_areas(tmp_path: Path) -> None:
    records, report, areas = read_3w_areas(write(tmp_path))
    assert areas.levels == ["adm1", "adm2"]
    assert report.by_kind("area.from_file")
    assert not report.by_kind("area.other_country")
    assert report.rows_rejected == 0
    national = records.loc[records[s.NATIONAL], s.ORG_NAME].tolist()
    assert national == ["Delta"]  # "Nigeria" is nationwide; Niger State is not
    by_state = analysis.summary(records, areas, level="adm1")
    cells = cells_of(by_state)
    assert cells[("NG008", "EDU")] == 3  # Alpha, Beta, Eps (its LGA code in the state column)
    assert cells[("NG027", "HEA")] == 1  # Gamma in Niger State
    assert cells[("", "EDU")] == 1  # Delta, nationwide
    by_lga = analysis.summary(records, areas, level="adm2")
    lga = cells_of(by_lga)
    assert lga[("NG008014", "EDU")] == 3
    assert lga[("NG008021", "EDU")] == 1


def test_summary_counts_without_boundary_files(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["summary", str(write(tmp_path)), "--level", "adm2"])
    assert result.exit_code == 0, result.output
    assert "NG008014,Jere,adm2,EDU,3," in result.stdout
    states = runner.invoke(cli, ["summary", str(write(tmp_path)), "--format", "json"])
    assert states.exit_code == 0, states.output
    table = json.loads(states.stdout)
    assert {row["level"] for row in table} == {"adm2", "national"}  # the file's finest level


def test_another_countrys_boundaries_said_in_one_sentence(tmp_path: Path) -> None:
    path = write(tmp_path)
    mali = tmp_path / "mali.geojson"
    regions = code_boundaries(
        pd.DataFrame([("ML01", "Kayes"), ("ML05", "Mopti")], columns=["c", "n"]),
        {"adm1": ("c", "n")},
        "Mali",
    )
    from shapely.geometry import box

    frame = regions.areas.reset_index().rename(
        columns={s.AREA_CODE: "ADM1_PCODE", "name_fr": "ADM1_FR"}
    )[["ADM1_PCODE", "ADM1_FR"]]
    import geopandas as gpd

    gpd.GeoDataFrame(frame, geometry=[box(0, 10, 1, 11), box(1, 10, 2, 11)], crs=4326).to_file(
        mali, driver="GeoJSON"
    )
    sentence = (
        "These boundaries are Mali's; the file's codes are Nigeria's (NG...): load Nigeria's "
        "boundaries (COD-AB) to draw the map."
    )
    summary = runner.invoke(cli, ["summary", str(path), "--boundaries", str(mali), "--lang", "en"])
    assert summary.exit_code == 1
    assert summary.stdout == ""
    assert sentence in summary.output
    validate = runner.invoke(
        cli, ["validate", str(path), "--boundaries", str(mali), "--lang", "en"]
    )
    assert validate.exit_code == 1
    assert sentence in validate.stdout
    assert "rows 2" not in validate.stdout  # row by row only with --details
    detailed = runner.invoke(
        cli, ["validate", str(path), "--boundaries", str(mali), "--lang", "en", "--details"]
    )
    assert "row" in detailed.stdout.split(sentence)[1]
    export = runner.invoke(
        cli,
        ["export", str(path), "--boundaries", str(mali), "--out", str(tmp_path / "t.csv")],
    )
    assert export.exit_code == 1
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("command", ["summary", "export"])
def test_a_sector_filter_that_matches_nothing_exits_1(tmp_path: Path, command: str) -> None:
    args = [command, str(write(tmp_path)), "--sector", "LOG", "--lang", "en"]
    if command == "export":
        args += ["--out", str(tmp_path / "out.csv")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "No record in sector(s) LOG; the file's sectors: EDU, HEA, WSH." in result.output


def test_levels_named_but_not_coded_get_codes_from_finer_pcodes() -> None:
    """Burkina's 5W codes communes only (BF520203); regions and provinces come as names.
    Their codes are the prefixes that give each one name (BF52, BF5202)."""
    rows = [
        ("Est", "Gourma", "Fada N'Gourma", "BF520203"),
        ("Est", "Gourma", "Diapangou", "BF520202"),
        ("Est", "Tapoa", "Diapaga", "BF520501"),
        ("Nord", "Yatenga", "Ouahigouya", "BF540307"),
        ("Nord", "Yatenga", "Seguenega", "BF540310"),
        ("Nord", "Loroum", "Titao", "BF540104"),
    ]
    columns = {
        field: Coded.of([row[i] for row in rows])
        for i, field in enumerate((s.ADM1_NAME, s.ADM2_NAME, s.ADM3_NAME, s.ADM3_CODE))
    }
    areas = areas_from_columns(columns)
    assert areas is not None
    assert areas.levels == ["adm1", "adm2", "adm3"]
    assert sorted(areas.codes("adm1")) == ["BF52", "BF54"]
    assert areas.name("BF5202") == "Gourma"
    assert areas.parent("BF540307") == "BF5403"
    assert areas.parent("BF5403") == "BF54"
    # names that no prefix keeps apart give no level (never a made-up one)
    mixed = dict(columns)
    mixed[s.ADM1_NAME] = Coded.of(["Est", "Nord", "Est", "Nord", "Est", "Nord"])
    loose = areas_from_columns(mixed)
    assert loose is not None
    assert loose.levels == ["adm2", "adm3"]
