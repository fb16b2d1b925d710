import json
import re

import pandas as pd
from helpers import make_records, map_properties

from ngomap import analysis
from ngomap import schema as s
from ngomap.analysis import ACTORS, AREA_NAME, ORGANISATIONS
from ngomap.areas.boundaries import Boundaries, embedded_regions
from ngomap.i18n import t
from ngomap.render.classes import classify_counts
from ngomap.render.webassets import local_assets
from ngomap.render.webmap import (
    P_CODE,
    P_NAMES,
    MapLabels,
    choropleth,
    choropleth_features,
    legend_items,
)

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


def test_a_tooltip_lists_at_most_five_names_then_how_many_more() -> None:
    areas = embedded_regions().level_areas()
    codes = [str(c) for c in areas.index]
    names = [f"Org {i}" for i in range(7)]
    table = pd.DataFrame(
        {
            s.AREA_CODE: codes,
            AREA_NAME: codes,
            ACTORS: [7] + [0] * (len(codes) - 1),
            ORGANISATIONS: [names] + [[]] * (len(codes) - 1),
        }
    )
    features = choropleth_features(
        areas, table, classify_counts([7.0]), more=t("more", "fr")
    ).set_index(P_CODE)
    assert features.at[codes[0], P_NAMES] == "Org 0, Org 1, Org 2, Org 3, Org 4 + 2 autres"
    assert features.at[codes[1], P_NAMES] == ""
