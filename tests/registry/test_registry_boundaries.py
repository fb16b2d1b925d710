"""Boundary sets kept in the registry: seen by every process sharing it, geometry included."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import create_engine

from ngomap.errors import BoundaryError
from ngomap.registry import boundary_sets, db
from ngomap.registry.setup import init


def _two_areas(tmp_path: Path, *, utm_without_prj: bool = False) -> tuple[str, bytes]:
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
    if not utm_without_prj:
        path = tmp_path / "cercles.geojson"
        frame.to_file(path)
        return "../cercles.geojson", path.read_bytes()
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_crs(32630).to_file(folder / "cercles.shp")
    out = tmp_path / "cercles_utm.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for file in folder.iterdir():
            if file.suffix != ".prj":
                archive.write(file, file.name)
    return "cercles_utm.zip", out.read_bytes()


def test_kept_only_when_readable_and_read_back_by_another_engine(
    db_url: str, tmp_path: Path
) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    with pytest.raises(BoundaryError, match="not valid JSON"):
        boundary_sets.keep(engine, [("broken.geojson", b"{")])
    assert boundary_sets.stored(engine) == []
    entry, bounds = boundary_sets.keep(engine, [_two_areas(tmp_path)], by="alice")
    assert bounds.codes() == ["XX0101", "XX0102"]
    # Another process sees it: a fresh engine on the same URL.
    other = create_engine(db.database_url(db_url))
    (kept,) = boundary_sets.stored(other)
    assert (kept.id, kept.name, kept.source, kept.levels) == (
        entry.id,
        "cercles.geojson",
        "COD-AB",
        ("adm1", "adm2"),
    )
    assert boundary_sets.load(other, kept.id).codes() == ["XX0101", "XX0102"]
    areas = boundary_sets.areas(other, kept.id).set_index("pcode")
    assert areas.loc["XX0102", "parent"] == "XX01"
    assert areas.loc["XX0101"].geometry.equals(shapely.box(0, 0, 1, 1))
    assert areas.loc["XX01"].geometry.area == pytest.approx(2.0)  # the derived region
    # The same upload again is kept once.
    boundary_sets.keep(engine, [_two_areas(tmp_path)])
    assert len(boundary_sets.stored(engine)) == 1
    with pytest.raises(BoundaryError, match="No kept boundaries"):
        boundary_sets.load(engine, "nothing")
    other.dispose()


def test_the_stated_system_is_kept(db_url: str, tmp_path: Path) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    upload = _two_areas(tmp_path, utm_without_prj=True)
    with pytest.raises(BoundaryError, match=r"no \.prj"):
        boundary_sets.keep(engine, [upload])
    entry, _ = boundary_sets.keep(engine, [upload], crs="EPSG:32630")
    (kept,) = boundary_sets.stored(engine)
    assert kept.crs == entry.crs == "EPSG:32630"
    again = boundary_sets.load(engine, kept.id)
    assert again.codes() == ["XX0101", "XX0102"]
    west = boundary_sets.areas(engine, kept.id).set_index("pcode").loc["XX0101"].geometry
    assert west.bounds == pytest.approx((0, 0, 1, 1), abs=1e-6)  # back in longitude, latitude
    own, _ = boundary_sets.keep(engine, [_two_areas(tmp_path)], crs="32630")
    assert own.crs is None  # the file said its own system: nothing to remember


def test_files_come_back_under_the_users_names(db_url: str, tmp_path: Path) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    entry, _ = boundary_sets.keep(engine, [_two_areas(tmp_path)])
    paths = boundary_sets.files(engine, entry.id, tmp_path / "cache")
    assert [Path(p).name for p in paths] == ["cercles.geojson"]
    assert Path(paths[0]).parent == tmp_path / "cache" / entry.id
    again = boundary_sets.files(engine, entry.id, tmp_path / "cache")  # written once
    assert again == paths
