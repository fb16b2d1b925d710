"""Boundary files in: real COD-AB and geoBoundaries files, and every kind of bad file."""

from __future__ import annotations

import json
import zipfile
from functools import cache
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from area_helpers import inspect_boundary_file

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import (
    LayerFields,
    at_level,
    load_boundaries,
    recognise_fields,
)
from ngomap.areas.geometry import to_topology
from ngomap.errors import BoundaryError
from ngomap.importer.threew import load_sample, read_3w

CODAB = "boundaries/mali-codab-2021"
GEOB = "boundaries/mali-geoboundaries"
ADM = {n: f"{CODAB}/mli_admbnda_adm{n}_1m_gov_20211220.geojson" for n in (1, 2, 3)}
ADM2_ZIP = f"{CODAB}/mli_admbnda_adm2_1m_gov_20211220.shp.zip"
MALI_5W = "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"


@cache
def _load(*paths: Path, level: str | None = None) -> Boundaries:
    return load_boundaries(list(paths), level=level)


def two_areas(crs: int | str = 4326) -> gpd.GeoDataFrame:
    """Two neighbouring cercles with COD-AB fields, in ``crs``."""
    frame = gpd.GeoDataFrame(
        {
            "ADM2_PCODE": ["XX0101", "XX0102"],
            "ADM2_FR": ["Est", "Ouest"],
            "ADM1_PCODE": ["XX01", "XX01"],
            "ADM1_FR": ["Centre", "Centre"],
        },
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs=4326,
    )
    return frame.to_crs(crs)


# --- real files -----------------------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("path", "level", "counts"),
    [
        (ADM[1], "adm1", {"adm1": 10}),
        (ADM[2], "adm2", {"adm1": 10, "adm2": 53}),
        (ADM2_ZIP, "adm2", {"adm1": 10, "adm2": 53}),
        (ADM[3], "adm3", {"adm1": 10, "adm2": 53, "adm3": 701}),
    ],
)
def test_codab_files_give_their_level_and_the_coarser_ones(
    shared_data: Path, path: str, level: str, counts: dict[str, int]
) -> None:
    bounds = _load(shared_data / path)
    assert bounds.level == level
    assert {lvl: len(bounds.codes(lvl)) for lvl in bounds.levels} == counts
    assert bounds.areas.crs.to_epsg() == 4326
    assert bounds.areas.is_valid.all()
    assert bounds.name("ML09") == "Bamako"
    assert bounds.codes_for_name("Ménaka", "adm1") == ["ML10"]
    assert bounds.version == "2021-12-20"
    if level != "adm1":
        assert bounds.parent("ML0101") == "ML01"
        assert bounds.name("ML0101") == "Bafoulabe"
    if level == "adm3":
        assert bounds.parent("ML010101") == "ML0101"
        assert bounds.ancestor("ML010101", "adm1") == "ML01"


@pytest.mark.shared_data
def test_three_codab_files_read_together(shared_data: Path) -> None:
    bounds = _load(*(shared_data / ADM[n] for n in (1, 2, 3)), level="adm2")
    assert bounds.level == "adm2"
    assert bounds.levels == ["adm1", "adm2", "adm3"]
    assert len(bounds.codes()) == 53
    assert not [n for n in bounds.notes if n.kind == "level.derived"]  # all three were given
    assert at_level(bounds, "adm3").codes() == bounds.codes("adm3")


@pytest.mark.shared_data
def test_dissolved_regions_match_the_official_ones(shared_data: Path) -> None:
    derived = _load(shared_data / ADM2_ZIP).level_areas("adm1")
    official = _load(shared_data / ADM[1]).level_areas("adm1")
    assert list(derived.index) == list(official.index)
    assert list(derived["name_fr"]) == list(official["name_fr"])
    for code in official.index:
        a, b = derived.geometry[code], official.geometry[code]
        assert a.symmetric_difference(b).area < 0.001 * b.area, code


@pytest.mark.shared_data
def test_invalid_shapes_are_repaired_and_reported(shared_data: Path) -> None:
    bounds = _load(shared_data / ADM[1])
    repaired = [n for n in bounds.notes if n.kind == "repaired"]
    assert len(repaired) == 1
    assert "Mopti" in repaired[0].en
    assert "réparée" in repaired[0].message("fr")


@pytest.mark.shared_data
def test_fields_recognised_in_the_zipped_shapefile(shared_data: Path) -> None:
    (info,) = inspect_boundary_file(shared_data / ADM2_ZIP)
    assert info.features == 53
    assert info.fields is not None
    assert (info.fields.level, info.fields.code, info.fields.name) == (
        "adm2",
        "ADM2_PCODE",
        "ADM2_FR",
    )
    assert info.fields.parent == "ADM1_PCODE"
    assert info.fields.alt_name == "ADM2_REF"


@pytest.mark.shared_data
def test_sample_joins_codab_regions_and_menaka_stays_menaka(shared_data: Path) -> None:
    bounds = _load(shared_data / ADM[1])
    dataset = load_sample(bounds)
    kept = dataset.records.loc[dataset.records[s.AREA_CODE].notna(), s.AREA_CODE]
    assert set(kept) <= set(bounds.codes())
    assert "ML10" in set(kept)  # Ménaka exists in COD-AB 2021: never moved to Gao
    assert not [p for p in dataset.report.problems if p.kind == "area.moved"]


SPLIT_OR_UNKNOWN = {"area.split", "area.unknown_code"}


@pytest.mark.shared_data
def test_real_5w_joins_cercles_on_pcodes(shared_data: Path) -> None:
    bounds = _load(shared_data / ADM[2])
    records, report = read_3w(shared_data / MALI_5W, boundaries=bounds)
    assert report.rows_kept > 1000
    levels = records[s.AREA_CODE].dropna().map(bounds.level_of)
    assert len(levels) == report.rows_kept
    assert (levels == "adm2").mean() > 0.98
    coarser = set(records.loc[levels.index[levels != "adm2"], s.ROW])
    said = {r for p in report.problems if p.kind in SPLIT_OR_UNKNOWN for r in p.rows}
    assert coarser <= said  # a row kept at its region is one whose columns disagree, and said
    assert records.loc[records[s.AREA_CODE].notna(), s.AREA_CODE].isin(bounds.areas.index).all()


@pytest.mark.shared_data
def test_geoboundaries_without_pcodes_join_by_name(shared_data: Path, tmp_path: Path) -> None:
    bounds = _load(
        shared_data / GEOB / "geoBoundaries-MLI-ADM1_simplified.geojson",
        shared_data / GEOB / "geoBoundaries-MLI-ADM2_simplified.geojson",
    )
    assert {lvl: len(bounds.codes(lvl)) for lvl in bounds.levels} == {"adm1": 9, "adm2": 50}
    assert {n.kind for n in bounds.notes} >= {"codes.made", "parents.located"}
    koulikouro = bounds.codes_for_name("Koulikouro", "adm1")
    assert koulikouro == ["MLI-ADM1-KOULIKOURO"]
    assert bounds.areas.at[koulikouro[0], "iso_code"] == "ML-2"
    assert bounds.parent(bounds.codes_for_name("Kati", "adm2")[0]) == koulikouro[0]
    data = tmp_path / "names.csv"
    data.write_text(
        "Organisation,Secteur,Région,Cercle\n"
        "Puits Bleus,WSH,Koulikoro,\n"
        "Karité,EDU,Mopti,Bandiagara\n"
        "Dunes,HEA,SEGOU,\n",
        encoding="utf-8",
    )
    records, report = read_3w(data, boundaries=bounds, accept_suggestions=True)
    areas = dict(zip(records[s.ORG_NAME], records[s.AREA_CODE], strict=True))
    assert areas["Puits Bleus"] == "MLI-ADM1-KOULIKOURO"  # misspelt in geoBoundaries
    assert areas["Karité"] == bounds.codes_for_name("Bandiagara", "adm2")[0]
    assert areas["Dunes"] == "MLI-ADM1-SEGOU"
    decisions = [p for p in report.problems if p.row == 2]
    assert any("Koulikouro" in p.message("en") for p in decisions), decisions


# --- formats and bad files ------------------------------------------------------------------


def test_a_geopackage_layer_is_chosen_and_reprojected(tmp_path: Path) -> None:
    gpkg = tmp_path / "admin.gpkg"
    two_areas(3857).to_file(gpkg, layer="cercles")
    gpd.GeoDataFrame({"name": ["well"]}, geometry=[shapely.Point(0, 0)], crs=4326).to_file(
        gpkg, layer="wells"
    )
    bounds = load_boundaries(gpkg)
    assert bounds.codes() == ["XX0101", "XX0102"]
    assert bounds.levels == ["adm1", "adm2"]
    assert bounds.areas.crs.to_epsg() == 4326
    assert bounds.level_areas("adm2").total_bounds == pytest.approx([0, 0, 2, 1], abs=1e-6)
    assert "reprojected" in {n.kind for n in bounds.notes}
    with pytest.raises(BoundaryError, match="wells holds Point"):
        load_boundaries(gpkg, layer="wells")
    with pytest.raises(BoundaryError, match="no layer roads"):
        load_boundaries(gpkg, layer="roads")


def test_topojson_is_read(tmp_path: Path) -> None:
    areas = two_areas().set_index("ADM2_PCODE", drop=False)
    path = tmp_path / "cercles.topojson"
    topo = to_topology(areas, properties=["ADM2_PCODE", "ADM2_FR", "ADM1_PCODE", "ADM1_FR"])
    path.write_text(json.dumps(topo), encoding="utf-8")
    bounds = load_boundaries(path)
    assert bounds.codes() == ["XX0101", "XX0102"]
    assert bounds.name("XX01") == "Centre"


def test_unrecognised_fields_can_be_chosen_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "zones.geojson"
    frame = two_areas().rename(columns={"ADM2_PCODE": "id_zone", "ADM2_FR": "nom"})
    frame[["id_zone", "nom", "geometry"]].to_file(path)
    with pytest.raises(BoundaryError, match="Choose the code, name") as caught:
        load_boundaries(path)
    assert "id_zone" in str(caught.value)
    assert "champs de code" in caught.value.message("fr")
    assert recognise_fields(["id_zone", "nom"]) is None
    bounds = load_boundaries(path, fields=LayerFields(level="adm2", code="id_zone", name="nom"))
    assert bounds.name("XX0102") == "Ouest"
    assert bounds.levels == ["adm2"]


def _shapefile_zip(tmp_path: Path, drop: str | None = None) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    two_areas().to_file(folder / "cercles.shp")
    out = tmp_path / "cercles.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for file in folder.iterdir():
            if file.suffix != drop:
                archive.write(file, file.name)
    return out


def test_zipped_shapefile_is_read_in_a_temporary_folder(tmp_path: Path) -> None:
    path = _shapefile_zip(tmp_path)
    before = set(tmp_path.rglob("*"))
    assert load_boundaries(path).codes() == ["XX0101", "XX0102"]
    assert set(tmp_path.rglob("*")) == before


def test_shapefile_without_prj_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BoundaryError, match=r"no \.prj file") as caught:
        load_boundaries(_shapefile_zip(tmp_path, drop=".prj"))
    assert "ne suppose rien" in caught.value.message("fr")


def test_shapefile_without_prj_reads_in_the_system_the_user_states(tmp_path: Path) -> None:
    folder = tmp_path / "utm"
    folder.mkdir()
    two_areas().to_crs(32630).to_file(folder / "cercles.shp")
    (folder / "cercles.prj").unlink()
    shp = folder / "cercles.shp"
    with pytest.raises(BoundaryError, match="--crs EPSG:32630"):
        load_boundaries(shp)
    bounds = load_boundaries(shp, crs="32630")  # typed as digits: EPSG:32630
    assert bounds.codes() == ["XX0101", "XX0102"]
    expected = two_areas().total_bounds
    assert abs(bounds.areas.total_bounds - expected).max() < 1e-6  # back to degrees
    assert any("EPSG:32630" in note.message("en") for note in bounds.notes)
    with pytest.raises(BoundaryError, match="not longitudes and latitudes") as caught:
        load_boundaries(shp, crs="EPSG:4326")  # metres read as degrees: said, not drawn
    assert "pas le bon" in caught.value.message("fr")
    with pytest.raises(BoundaryError, match="EPSG:32630"):
        load_boundaries(shp, crs="UTM trente")
    with_prj = _shapefile_zip(tmp_path)
    assert not [n for n in load_boundaries(with_prj, crs="EPSG:32630").notes if "32630" in str(n)]


def _utm_zip_without_prj(tmp_path: Path) -> Path:
    folder = tmp_path / "utm_zip"
    folder.mkdir()
    two_areas().to_crs(32630).to_file(folder / "cercles.shp")
    out = tmp_path / "cercles_utm.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for file in folder.iterdir():
            if file.suffix != ".prj":
                archive.write(file, file.name)
    return out


def test_the_command_line_takes_the_system_too(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ngomap.cli import cli

    shapes = _utm_zip_without_prj(tmp_path)
    data = tmp_path / "3w.csv"
    data.write_text("Organisation,Secteur,Code cercle\nEduco,EDU,XX0101\n", encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(cli, ["validate", str(data), "--boundaries", str(shapes)])
    assert refused.exit_code == 1
    assert "--crs" in refused.output
    read = ["validate", str(data), "--boundaries", str(shapes), "--crs", "EPSG:32630"]
    result = runner.invoke(cli, [*read, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "rows_kept=1" in result.stdout


def test_zip_without_shp_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no shapes here")
    with pytest.raises(BoundaryError, match=r"no \.shp"):
        load_boundaries(path)


def test_zip_with_parent_paths_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "inside" / "evil.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../escaped.shp", b"x")
    with pytest.raises(BoundaryError, match="outside its folder"):
        load_boundaries(path)
    assert not (tmp_path / "escaped.shp").exists()


def test_zip_expanding_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.shp", b"\0" * 2_000_000)
    assert path.stat().st_size < 50_000
    with pytest.raises(BoundaryError, match="unpacks to 2 MB, over the 1 MB limit"):
        load_boundaries(path, max_unzipped_bytes=1_000_000)


def test_bad_json_and_not_a_zip_get_one_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "cut.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(BoundaryError, match="not valid JSON"):
        load_boundaries(broken)
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"not a zip")
    with pytest.raises(BoundaryError, match="not a readable zip"):
        load_boundaries(fake)


def test_lines_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "rivers.geojson"
    gpd.GeoDataFrame(
        {"ADM1_PCODE": ["XX01"], "ADM1_FR": ["Fleuve"]},
        geometry=[shapely.LineString([(0, 0), (1, 1)])],
        crs=4326,
    ).to_file(path)
    with pytest.raises(BoundaryError, match="not areas"):
        load_boundaries(path)


def test_levels_the_boundaries_lack_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "cercles.geojson"
    two_areas().to_file(path)
    with pytest.raises(BoundaryError, match="not adm3"):
        load_boundaries(path, level="adm3")
    assert load_boundaries(path, level="adm1").codes() == ["XX01"]
    with pytest.raises(BoundaryError, match="only have regions"):
        load_boundaries(None, level="adm2")
