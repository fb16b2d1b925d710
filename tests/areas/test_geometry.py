"""Light geometry: coverage simplification keeps borders shared, TopoJSON round trips."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from area_helpers import topology_features

from ngomap.areas import geometry
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import load_boundaries

COMMUNES = "boundaries/mali-codab-2021/mli_admbnda_adm3_1m_gov_20211220.geojson"
# Square degrees: about 120 m² in Mali, for 1.24 million km² of communes.
TOPOLOGY_TOLERANCE = 1e-8


def squares() -> gpd.GeoDataFrame:
    """Two unit squares side by side, and a third one as an enclave inside a ring."""
    ring = shapely.Polygon([(0, 2), (3, 2), (3, 5), (0, 5)], [[(1, 3), (2, 3), (2, 4), (1, 4)]])
    return gpd.GeoDataFrame(
        {"name": ["A", "B", "ring", "enclave"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), ring, shapely.box(1, 3, 2, 4)],
        index=["A", "B", "R", "E"],
        crs=4326,
    )


def test_topology_stores_each_shared_border_once() -> None:
    areas = squares()
    topo = geometry.to_topology(areas, properties=["name"], decimals=0)
    # A|B share one arc; each has one outer arc; the enclave and the ring's hole share one.
    assert len(topo["arcs"]) == 5
    geoms = {g["id"]: g for g in topo["objects"]["areas"]["geometries"]}
    a_arcs = set(geoms["A"]["arcs"][0])
    b_arcs = set(geoms["B"]["arcs"][0])
    shared = [i for i in a_arcs if ~i in b_arcs]
    assert len(shared) == 1, (a_arcs, b_arcs)
    hole = geoms["R"]["arcs"][1][0]
    assert geoms["E"]["arcs"][0] in ([hole], [~hole])
    assert geoms["A"]["properties"] == {"name": "A"}


def test_topology_round_trips_to_the_same_shapes() -> None:
    areas = squares()
    back = topology_features(geometry.to_topology(areas, decimals=0))
    for original, decoded in zip(areas.geometry, back.geometry, strict=True):
        assert original.symmetric_difference(decoded).area < 1e-12
    assert list(back["id"]) == list(areas.index)


def test_locate_points_uses_the_containing_area() -> None:
    areas = squares()
    found = geometry.locate_points(
        areas, lon=[0.5, 1.5, 1.5, 0.5, 9, None, "x"], lat=[0.5, 0.5, 3.5, 2.5, 9, 1, 1]
    )
    assert found.tolist()[:4] == ["A", "B", "E", "R"]
    assert found.iloc[4:].isna().all()  # outside every area, blank, not a number


def test_repair_reports_what_it_fixed() -> None:
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    fixed, positions = geometry.repair([shapely.box(0, 0, 1, 1), bowtie])
    assert positions == [1]
    assert all(shapely.is_valid(fixed))
    assert fixed[1].geom_type == "MultiPolygon"
    assert fixed[1].area == pytest.approx(2.0)


@cache
def _communes(path: Path) -> Boundaries:
    return load_boundaries(path)


@pytest.mark.shared_data
def test_simplified_communes_keep_their_topology(shared_data: Path) -> None:
    communes = _communes(shared_data / COMMUNES)
    light = geometry.light_areas(communes, "adm3")
    assert len(light) == 701
    assert light.is_valid.all()
    before = geometry.coverage_defects(communes.level_areas("adm3").geometry)
    after = geometry.coverage_defects(light.geometry)
    assert after.gap_area < TOPOLOGY_TOLERANCE, after
    assert after.overlap_area < TOPOLOGY_TOLERANCE, after
    assert after.total_area == pytest.approx(before.total_area, rel=1e-3)
    # Fewer points, and 95% of communes moved by at most about a screen pixel at zoom 7
    # (0.011 degree), where cercles are readable.
    points = shapely.get_num_coordinates(light.geometry.values).sum()
    assert points < 0.6 * shapely.get_num_coordinates(communes.areas.geometry.values).sum()
    moved = shapely.hausdorff_distance(
        communes.level_areas("adm3").geometry.values, light.geometry.values
    )
    assert float(pd.Series(moved).quantile(0.95)) < 0.012


@pytest.mark.shared_data
def test_light_communes_are_cached_and_fit_in_200_kb(shared_data: Path) -> None:
    communes = _communes(shared_data / COMMUNES)
    light = geometry.light_areas(communes, "adm3")
    assert geometry.light_areas(communes, "adm3") is light  # computed once
    topo = geometry.to_topology(light.assign(code=light.index), properties=["code"], ids=False)
    size = len(json.dumps(topo, separators=(",", ":")).encode())
    assert size < 200_000, size
    back = topology_features(topo)
    assert len(back) == 701
    diff = shapely.area(shapely.symmetric_difference(back.geometry.values, light.geometry.values))
    assert float(diff.sum()) < 1e-9
