"""``ngomap summary --level adm3`` on data at cercle (LGA) level, with only the finest
boundary file given: it says the data's level in the country's words and what to run,
as the page's grey-map warning does."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from typer.testing import CliRunner

from ngomap.cli import cli

runner = CliRunner()


def _adm3_file(folder: Path, prefix: str) -> Path:
    """Four wards/communes in two LGAs/cercles of one state/region: adm3 only, with the
    codes of the levels above as COD-AB gives them."""
    one, two = f"{prefix}01", f"{prefix}02"
    out = folder / f"{prefix.lower()}_adm3.geojson"
    gpd.GeoDataFrame(
        {
            "ADM3_PCODE": [f"{one}01", f"{one}02", f"{two}01", f"{two}02"],
            "ADM3_FR": ["Alpha", "Bravo", "Charlie", "Delta"],
            "ADM2_PCODE": [one, one, two, two],
            "ADM2_FR": ["Est", "Est", "Ouest", "Ouest"],
            "ADM1_PCODE": [prefix] * 4,
            "ADM1_FR": ["Centre"] * 4,
        },
        geometry=[shapely.box(x, 0, x + 1, 1) for x in range(4)],
        crs=4326,
    ).to_file(out)
    return out


@pytest.mark.parametrize(
    ("prefix", "data_level", "asked_level"),
    [
        ("NG036", "zones de gouvernement local (LGA)", "circonscriptions (wards)"),
        ("ML05", "cercles", "communes"),
    ],
)
def test_summary_at_a_level_finer_than_the_data_says_the_data_s_level(
    tmp_path: Path, prefix: str, data_level: str, asked_level: str
) -> None:
    boundaries = _adm3_file(tmp_path, prefix)
    data = tmp_path / "3w.csv"
    data.write_text(
        f"Organisation,Secteur,Admin2 Pcode\nA,WASH,{prefix}01\nB,Santé,{prefix}02\n",
        encoding="utf-8",
    )
    args = ["summary", str(data), "--boundaries", str(boundaries), "--level", "adm3"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    said = result.stderr
    assert f"Ces données sont au niveau des {data_level} (adm2)" in said, said
    assert f"aucune ligne n'est au niveau des {asked_level} (adm3)" in said, said
    assert "--level adm2" in said
    assert "essayez un niveau plus large" not in said
    assert result.stdout == ""
    counted = runner.invoke(cli, [*args[:-1], "adm2"])
    assert counted.exit_code == 0, counted.output
    assert "Est" in counted.stdout
    assert "Ouest" in counted.stdout


def test_no_row_anywhere_near_still_says_try_a_coarser_level(tmp_path: Path) -> None:
    boundaries = _adm3_file(tmp_path, "NG036")
    data = tmp_path / "3w.csv"
    data.write_text("Organisation,Secteur,State Pcode\nA,WASH,NG036\n", encoding="utf-8")
    args = ["summary", str(data), "--boundaries", str(boundaries), "--level", "adm3", "--lang"]
    result = runner.invoke(cli, [*args, "en"])
    assert result.exit_code == 1, result.output
    # the state is coarser too: said in Nigeria's words
    assert "These data are by states (adm1): no row is by wards (adm3)" in result.stderr


def test_an_export_at_a_level_finer_than_the_data_says_why_its_map_is_grey(
    tmp_path: Path,
) -> None:
    boundaries = _adm3_file(tmp_path, "ML05")
    data = tmp_path / "3w.csv"
    data.write_text("Organisation,Secteur,Admin2 Pcode\nA,WASH,ML0501\n", encoding="utf-8")
    out = tmp_path / "communes.csv"
    args = ["export", str(data), "--boundaries", str(boundaries), "--out", str(out)]
    result = runner.invoke(cli, [*args, "--level", "adm3", "--table", "view"])
    assert result.exit_code == 0, result.output  # the file is still written, as asked
    assert out.exists()
    assert "Ces données sont au niveau des cercles (adm2)" in result.stderr, result.stderr
    assert "--level adm2" in result.stderr
    counted = runner.invoke(cli, [*args, "--level", "adm2", "--table", "view"])
    assert counted.exit_code == 0, counted.output
    assert "Ces données sont au niveau" not in counted.stderr  # drawn: nothing to explain
