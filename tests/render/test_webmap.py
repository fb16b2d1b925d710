import json
import re

import pandas as pd
from helpers import make_records, map_properties

from ngomap import analysis
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.render.classes import classify_counts
from ngomap.render.webassets import local_assets
from ngomap.render.webmap import MapLabels, choropleth, legend_items

LABELS = MapLabels(
    area="Région",
    count="Organisations",
    organisations="Noms",
    legend_title="Nombre d'organisations",
    zero="0 (aucune)",
    boundaries_credit="Limites : Natural Earth",
)
XSS = "<img src=x onerror=alert(1)></script>"


def render(regions: Boundaries, names: list[str]) -> tuple[str, pd.DataFrame]:
    records = make_records(
        [{s.ORG_NAME: n, s.SECTOR: "HEA", s.AREA_CODE: "ML05"} for n in names]
        + [{s.ORG_NAME: "Karité", s.SECTOR: "HEA", s.AREA_CODE: "ML07"}]
    )
    table = analysis.actors_by_area(records, regions)
    return choropleth(regions.areas, table, labels=LABELS).get_root().render(), table


def features(html: str) -> list[dict]:  # type: ignore[type-arg]
    properties = map_properties(html)
    assert properties is not None
    return [{"properties": p} for p in properties]


def test_map_loads_leaflet_locally_only(regions: Boundaries) -> None:
    html, _ = render(regions, ["Puits Bleus"])
    sources = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    local = local_assets()
    assert sources, "the map loads no script at all"
    assert set(sources) == {local.js[0][1], local.css[0][1]}


def test_features_carry_counts_names_and_class_colours(regions: Boundaries) -> None:
    html, table = render(regions, ["Puits Bleus", "Dunes & Sources"])
    props = {f["properties"]["code"]: f["properties"] for f in features(html)}
    assert len(props) == 9
    assert props["ML05"]["count"] == 2
    assert props["ML05"]["names"] == "Dunes & Sources, Puits Bleus"
    classes = classify_counts(list(table[analysis.ACTORS]))
    assert props["ML05"]["color"] == classes.color(2)
    assert props["ML01"]["color"] == classes.zero_color
    for colour, label in legend_items(classes, LABELS.zero):
        assert colour in html
        assert json.dumps(label, separators=(",", ":"), ensure_ascii=False) in html


def test_organisation_names_cannot_inject_html(regions: Boundaries) -> None:
    html, _ = render(regions, [XSS])
    assert "<img src=x" not in html
    assert '</script>"' not in html
    assert XSS in [f["properties"]["names"] for f in features(html)]  # still there, as text
    assert "textContent" in html  # tooltip and legend write text, not HTML
