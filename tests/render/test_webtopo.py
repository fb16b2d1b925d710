"""The TopoJSON map layer: same areas and properties as GeoJSON, fewer bytes, text escaped."""

from __future__ import annotations

import json
import re

import folium
from area_helpers import topology_features
from helpers import make_records, map_properties

from ngomap import analysis
from ngomap import schema as s
from ngomap.areas.basemap import Context
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.geometry import light_areas
from ngomap.render.webmap import MapLabels, choropleth

LABELS = MapLabels(
    area="Région",
    count="Organisations",
    organisations="Noms",
    legend_title="Nombre d'organisations",
    zero="0 (aucune)",
    boundaries_credit="Limites : Natural Earth",
)
XSS = "<img src=x onerror=alert(1)></script>"


def test_topology_map_draws_the_same_areas_in_fewer_bytes(regions: Boundaries) -> None:
    records = make_records(
        [
            {s.ORG_NAME: XSS, s.SECTOR: "HEA", s.AREA_CODE: "ML05"},
            {s.ORG_NAME: "Karité", s.SECTOR: "HEA", s.AREA_CODE: "ML05"},
        ]
    )
    table = analysis.actors_by_area(records, regions)
    light = light_areas(regions)
    html = (
        choropleth(light, table, labels=LABELS, basemap=Context()).get_root().render()
    )  # areas alone
    plain = folium.Map(tiles=None)
    folium.GeoJson(regions.level_areas().__geo_interface__).add_to(plain)
    assert len(html) < len(plain.get_root().render()) / 2  # against folium's own GeoJSON
    assert "<img src=x" not in html
    assert '</script>"' not in html
    found = re.search(r"ngomapTopoFeatures\((\{\"type\":\"Topology\".*?\}), \"areas\"\)", html)
    assert found is not None
    topo = json.loads(found.group(1))
    decoded = topology_features(topo)
    properties = map_properties(html)
    assert properties is not None
    for column in ("code", "count", "names"):
        decoded[column] = [p[column] for p in properties]
    props = decoded.set_index("code")
    assert list(props.index) == regions.codes()
    assert props.at["ML05", "count"] == 2
    assert XSS in props.at["ML05", "names"]  # still there, as text
    assert decoded.geometry.is_valid.all()
    for code, shape in zip(props.index, decoded.geometry, strict=True):
        original = regions.areas.geometry[code]
        assert shape.symmetric_difference(original).area < 0.01 * original.area
