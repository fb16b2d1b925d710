"""The web map's background: the offline basemap by default, OpenStreetMap's tiles on request."""

from __future__ import annotations

import json
import re
from typing import Any

from helpers import make_records

from ngomap import analysis
from ngomap import schema as s
from ngomap.areas.basemap import Context, Town
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.geometry import light_areas
from ngomap.export import formats as ex
from ngomap.importer.threew import load_sample
from ngomap.render.webmap import MapLabels, choropleth

LABELS = MapLabels(
    area="Région",
    count="Organisations",
    organisations="Noms",
    legend_title="Nombre d'organisations",
    zero="0 (aucune)",
    boundaries_credit="Limites : Natural Earth",
)
TILE_URL = "tile.openstreetmap.org"
_BASEMAP = re.compile(r"\}\)\(map_[0-9a-f]+, (\{\"countries\".*?)\);\n", re.S)


def page(regions: Boundaries, **options: Any) -> str:
    records = make_records([{s.ORG_NAME: "Karité", s.SECTOR: "HEA", s.AREA_CODE: "ML05"}])
    table = analysis.actors_by_area(records, regions)
    fmap = choropleth(light_areas(regions), table, labels=LABELS, **options)
    return str(fmap.get_root().render())


def basemap_data(html: str) -> dict[str, Any]:
    found = _BASEMAP.search(html)
    assert found is not None, "no basemap in the map"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_by_default_no_tiles_and_the_basemap_with_rivers_lakes_and_towns(
    regions: Boundaries,
) -> None:
    html = page(regions)
    assert TILE_URL not in html
    assert "L.tileLayer" not in html
    data = basemap_data(html)
    assert data["tiles"] is False
    assert data["countries"]["type"] == "Topology"
    assert {"Mali", "Niger", "Burkina Faso"} <= set(data["names"])
    assert data["rivers"]  # lines of integer steps on the 0.01° grid
    assert all(isinstance(v, int) for line in data["rivers"] for v in line)
    assert data["lakes"]["type"] in {"Polygon", "MultiPolygon"}
    names = [town[2] for town in data["towns"]]
    assert names[0] == "Bamako"
    assert data["towns"][0][3] == 0
    assert {"Tombouctou", "Ségou", "Dakar"} <= set(names)  # French names on a French map
    assert "GeoNames" in data["credit"]  # CC BY: the towns' source is credited


def test_the_switch_on_adds_the_tiles_and_keeps_the_basemap_under_them(
    regions: Boundaries,
) -> None:
    html = page(regions, tiles=True)
    assert TILE_URL in html
    data = basemap_data(html)
    assert data["tiles"] is True  # its pane goes under the tiles: seen where they fail
    assert data["towns"] == []  # the tiles name the towns themselves
    assert data["names"]


def test_english_names_on_an_english_map(regions: Boundaries) -> None:
    names = [town[2] for town in basemap_data(page(regions, lang="en"))["towns"]]
    assert "Timbuktu" in names
    assert "Tombouctou" not in names


def test_a_town_name_is_data_not_markup(regions: Boundaries) -> None:
    hostile = Context(towns=(Town(-8.0, 12.6, "</script><img src=x onerror=alert(1)>", 0),))
    html = page(regions, basemap=hostile)
    assert "<img src=x" not in html
    assert basemap_data(html)["towns"][0][2] == "</script><img src=x onerror=alert(1)>"
    assert "label.textContent = town[2]" in html  # shown as text, never as HTML


def test_no_basemap_at_all_when_asked(regions: Boundaries) -> None:
    assert _BASEMAP.search(page(regions, basemap=Context())) is None


def test_the_html_export_follows_the_switch(regions: Boundaries) -> None:
    snap = ex.Snapshot.of(load_sample(regions), regions, analysis.ViewOptions(), "fr")
    offline = ex.export(snap, "html").decode("utf-8")
    assert TILE_URL not in offline
    assert basemap_data(offline)["towns"]
    tiled = ex.export(
        ex.Snapshot.of(load_sample(regions), regions, analysis.ViewOptions(), "fr", tiles=True),
        "html",
    ).decode("utf-8")
    assert TILE_URL in tiled


def test_the_basemap_json_is_kept_by_the_view_it_was_cut_for() -> None:
    """Kept by content (bounds and language), never by an object's address: a context made
    anew for the same view gives the same text, another view or a hand-made one its own."""
    from ngomap.areas import basemap
    from ngomap.render import webmap

    mali = (-12.3, 10.1, 4.3, 25.0)
    first = webmap._basemap_json(basemap.context(bounds=mali, lang="fr"), False)
    basemap._context.cache_clear()  # a new Context object (its address may be reused)
    again = webmap._basemap_json(basemap.context(bounds=mali, lang="fr"), False)
    assert again == first
    english = webmap._basemap_json(basemap.context(bounds=mali, lang="en"), False)
    assert "Tombouctou" in first
    assert "Timbuktu" in english
    assert "Tombouctou" not in english
    hostile = Context(towns=(Town(-8.0, 12.6, "Ville faite à la main", 0),))
    assert "Ville faite à la main" in webmap._basemap_json(hostile, False)
