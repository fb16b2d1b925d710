"""The offline HTML map stays light: Leaflet as text, geometry on its coarsest useful grid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import shapely
from area_helpers import topology_features
from helpers import map_properties

from ngomap import analysis as a
from ngomap.areas.basemap import countries
from ngomap.areas.files import load_boundaries
from ngomap.areas.geometry import grid_decimals, light_areas
from ngomap.export import formats as e
from ngomap.importer.threew import load_sample
from ngomap.render.webassets import inline_leaflet

ADM3 = "boundaries/mali-codab-2021/mli_admbnda_adm3_1m_gov_20211220.geojson"
GOAL_BYTES = 350_000


def test_the_grid_is_a_tenth_of_the_simplification() -> None:
    assert grid_decimals("adm1") == 4  # tolerance 0.003: a 0.0001 grid
    assert grid_decimals("adm3") == 3  # tolerance 0.01: a 0.001 grid (about 110 m)
    assert grid_decimals("adm3", tolerance=0.1) == 2
    assert grid_decimals("adm9", tolerance=1e-9) == 4  # never finer than the page's grid


def test_leaflet_goes_in_as_text_that_cannot_close_its_element() -> None:
    block = inline_leaflet()
    assert block.startswith("<style>")
    assert block.count("</script>") == 1
    assert block.count("</style>") == 1
    assert "sourceMappingURL" not in block


def test_the_basemap_is_natural_earth_around_mali() -> None:
    data = countries()
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"Mali", "Niger", "Burkina Faso", "Senegal", "Algeria", "Mauritania"} <= names
    assert "Natural Earth" in data["source"]
    for feature in data["features"]:
        assert shapely.geometry.shape(feature["geometry"]).is_valid, feature["properties"]


def test_communes_export_under_350_kb_and_true_to_the_page(shared_data: Path) -> None:
    boundaries = load_boundaries([shared_data / ADM3], level="adm3")
    snap = e.Snapshot.of(load_sample(boundaries), boundaries, a.ViewOptions(level="adm3"), "fr")
    page = e.export(snap, "html").decode("utf-8")
    assert len(page.encode("utf-8")) <= GOAL_BYTES
    properties = map_properties(page)
    assert properties is not None
    assert len(properties) == len(boundaries.level_areas("adm3"))
    assert {"name", "count", "color", "no_data"} <= set(properties[0])
    assert "code" not in properties[0]  # no click to answer offline
    assert "ngomapBasemap" in page  # the neighbouring countries, under the areas
    assert '"Burkina Faso"' in page
    found = re.search(r"ngomapTopoFeatures\((\{\"type\":\"Topology\".*?\}), \"areas\"\)", page)
    assert found is not None
    drawn = topology_features(json.loads(found.group(1)))
    page_areas = light_areas(boundaries, "adm3")  # what the page draws (4 decimals)
    for shape, light in zip(drawn.geometry, page_areas.geometry, strict=True):
        if light.is_empty:
            continue
        # no vertex is more than a grid step (0.001°) from the page's own light shape
        assert shapely.hausdorff_distance(shape, light) < 0.0015
