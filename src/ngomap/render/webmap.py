"""Folium maps for the page and HTML exports; every text from data reaches the browser escaped."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from jinja2 import Template
from markupsafe import Markup

from ngomap import schema as s
from ngomap.analysis import ACTORS, AREA_NAME, ORGANISATIONS
from ngomap.areas.basemap import DECIMALS as BASEMAP_DECIMALS
from ngomap.areas.basemap import Context, context
from ngomap.areas.geometry import DEFAULT_DECIMALS, to_topology
from ngomap.render.classes import Classes, classify_counts
from ngomap.render.webassets import Assets, local_assets
from ngomap.render.webinert import InertMacro, data_json
from ngomap.render.webtopo import TopoGeoJson

# GeoJSON feature properties of a choropleth.
P_CODE = "code"
P_NAME = "name"
P_COUNT = "count"
P_NAMES = "names"
P_COLOR = "color"
P_DETAILS = "details"
P_NO_DATA = "no_data"


@dataclass(frozen=True)
class MapLabels:
    """The words a map shows, in the page's language."""

    area: str
    count: str
    organisations: str
    legend_title: str
    zero: str
    boundaries_credit: str
    more: str = "+{n}"
    details: str = "Details"
    no_data: str = "No data"


class _SafeTooltip(InertMacro):
    """A hover tooltip built with textContent: names show as text, never as HTML.

    It follows the cursor but stands beside the hovered area, not on it: right of the
    area's box when there is room, else left, above or below; over an area that fills the
    view, beside the cursor on the side of the map with more room.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
        group.bindTooltip(function (layer) {
            var props = layer.feature.properties, box = document.createElement("div");
            box.className = "ngomap-tooltip";
            box.style.cssText = "white-space:normal;width:max-content;max-width:340px";
            {{ this.fields }}.forEach(function (field) {
                var value = props[field[0]];
                if (value === null || value === undefined || value === "") { return; }
                var line = document.createElement("div"), label = document.createElement("b");
                label.textContent = field[1] + " : ";
                line.appendChild(label);
                line.appendChild(document.createTextNode(String(value)));
                box.appendChild(line);
            });
            return box;
        }, {sticky: true, direction: "right", offset: [24, 0]});
        group.on("mouseover mousemove", function (e) {
            var tip = group.getTooltip(), map = group._map, pad = 14;
            if (!tip || !map || !e.layer || !e.layer.getBounds || !e.containerPoint) { return; }
            var size = map.getSize(), c = e.containerPoint, box = e.layer.getBounds();
            var nw = map.latLngToContainerPoint(box.getNorthWest());
            var se = map.latLngToContainerPoint(box.getSouthEast());
            var el = tip.getElement(), w = (el && el.offsetWidth) || 240;
            var h = (el && el.offsetHeight) || 80, place;
            if (se.x + pad + w <= size.x) { place = ["right", [se.x - c.x + pad, 0]]; }
            else if (nw.x - pad - w >= 0) { place = ["left", [nw.x - c.x - pad, 0]]; }
            else if (nw.y - pad - h >= 0) { place = ["top", [0, nw.y - c.y - pad]]; }
            else if (se.y + pad + h <= size.y) { place = ["bottom", [0, se.y - c.y + pad]]; }
            else if (c.x < size.x / 2) { place = ["right", [2 * pad, 0]]; }
            else { place = ["left", [-2 * pad, 0]]; }
            tip.options.direction = place[0];
            tip.options.offset = L.point(place[1]);
            if (tip.isOpen()) { tip.update(); }
        });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SafeTooltip"
        self.fields = data_json([list(f) for f in fields])


class _Legend(InertMacro):
    """A categorical legend control (one swatch per class, zero apart) and the credit line."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var box = L.DomUtil.create("div", "ngomap-legend");
                box.style.cssText = "background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;"
                    + "border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3)";
                var title = document.createElement("div");
                title.style.fontWeight = "bold";
                title.textContent = {{ this.title }};
                box.appendChild(title);
                {{ this.items }}.forEach(function (item) {
                    var row = document.createElement("div");
                    var swatch = document.createElement("span");
                    swatch.style.cssText = "display:inline-block;width:14px;height:14px;"
                        + "margin-right:6px;vertical-align:middle;border:1px solid #777;"
                        + "background:" + item[0];
                    row.appendChild(swatch);
                    row.appendChild(document.createTextNode(item[1]));
                    box.appendChild(row);
                });
                return box;
            };
            legend.addTo(map);
            // A long credit (several boundary files) wraps within half the map's width,
            // clear of the scale bar on the left.
            var room = map.attributionControl.getContainer();
            room.style.cssText += ";white-space:normal;line-height:1.3;text-align:right;"
                + "box-sizing:border-box;font-size:11px";
            function fit() { room.style.maxWidth = Math.floor(map.getSize().x / 2) + "px"; }
            fit();
            map.on("resize", fit);
            map.attributionControl.addAttribution({{ this.credit }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: list[tuple[str, str]], credit: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.title = data_json(title)
        self.items = data_json([list(i) for i in items])
        self.credit = data_json(html.escape(credit))  # Leaflet inserts attributions as HTML


class _Note(InertMacro):
    """Lines of text in the bottom-left corner, stacked by Leaflet above the scale bar."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var note = L.control({position: "bottomleft"});
            note.onAdd = function () {
                var box = L.DomUtil.create("div", "ngomap-note");
                // Text only: the pointer goes through to the areas under it (hover, click).
                box.style.cssText = "background:#fffd;padding:3px 6px;font:11px/1.3 sans-serif;"
                    + "max-width:60vw;margin-bottom:4px;pointer-events:none";
                {{ this.lines }}.forEach(function (line) {
                    var row = document.createElement("div");
                    row.textContent = line;
                    box.appendChild(row);
                });
                return box;
            };
            note.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Note"
        self.lines = data_json(list(lines))


class _Basemap(InertMacro):
    """The offline basemap (``areas.basemap.Context``): countries, lakes and rivers under the
    areas in a pane of their own; towns (dots and names) over them, never in the way.

    Nothing here is interactive: the pointer goes through to the areas. Town names are
    placed by importance (the capital first) beside their dot, right, left, above or below,
    and a name that would overlap a dot or a name already placed is left out; they are
    placed again after every zoom.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, data) {
            var pane = map.createPane("ngomapBasemap");
            // Under the areas (overlayPane: 400); under the tiles too when there are tiles
            // (tilePane: 200), so that it shows where they cannot load.
            pane.style.zIndex = data.tiles ? 150 : 350;
            pane.style.pointerEvents = "none";
            function under(style) {
                return {pane: "ngomapBasemap", interactive: false, style: style};
            }
            // The countries travel as TopoJSON (shared borders once), decoded by the areas'
            // decoder (``webtopo``), declared in this same script.
            var countries = ngomapTopoFeatures(data.countries, "areas");
            countries.features.forEach(function (feature, i) {
                feature.properties = {name: data.names[i]};
            });
            L.geoJson(countries, under(
                {color: "#a8a29a", weight: 1, fillColor: "#f3f0ea", fillOpacity: 1})).addTo(map);
            if (data.lakes) {
                L.geoJson(data.lakes, under(
                    {stroke: false, fillColor: "#a9c9e6", fillOpacity: 1})).addTo(map);
            }
            // Rivers: per line, x and y on the 0.01° grid, each after the first as a step.
            var rivers = data.rivers.map(function (flat) {
                var x = 0, y = 0, line = [];
                for (var i = 0; i < flat.length; i += 2) {
                    x += flat[i];
                    y += flat[i + 1];
                    line.push([y / 100, x / 100]);
                }
                return line;
            });
            if (rivers.length) {
                L.polyline(rivers, {pane: "ngomapBasemap", interactive: false,
                    color: "#6f9fcf", weight: 1.2, opacity: 0.9}).addTo(map);
            }
            map.attributionControl.addAttribution(data.credit);
            if (!data.tiles) { map.getContainer().style.background = "#e3ecf4"; }  // the sea
            // Towns: over the areas (the areas' fill would hide them), the pointer through.
            var towns = map.createPane("ngomapTowns");
            towns.style.zIndex = 450;
            towns.style.pointerEvents = "none";
            var looks = [  // by rank: the capital, the regional capitals, abroad
                {radius: 4, fill: "#1b1b1b", font: "bold 12px/1.1 sans-serif", ink: "#1b1b1b"},
                {radius: 2.5, fill: "#3d3d3d", font: "11px/1.1 sans-serif", ink: "#2b2b2b"},
                {radius: 2.5, fill: "#8a8a8a", font: "italic 11px/1.1 sans-serif", ink: "#5a5a5a"}
            ];
            var items = data.towns.map(function (town) {  // [lon, lat, name, rank]
                var at = L.latLng(town[1], town[0]), look = looks[town[3]] || looks[2];
                L.circleMarker(at, {
                    pane: "ngomapTowns", interactive: false, radius: look.radius,
                    color: "#ffffff", weight: 1.2, fillColor: look.fill, fillOpacity: 1
                }).addTo(map);
                var label = L.DomUtil.create("div", "ngomap-town", towns);
                label.textContent = town[2];
                label.style.cssText = "position:absolute;left:0;top:0;white-space:nowrap;"
                    + "font:" + look.font + ";color:" + look.ink + ";text-shadow:"
                    + "0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff";
                return {at: at, label: label};
            });
            function apart(a, b) {
                return a[2] <= b[0] || a[0] >= b[2] || a[3] <= b[1] || a[1] >= b[3];
            }
            function place() {
                var taken = items.map(function (item) {
                    var p = map.latLngToLayerPoint(item.at);
                    return [p.x - 5, p.y - 5, p.x + 5, p.y + 5];
                });
                items.forEach(function (item) {
                    var el = item.label, p = map.latLngToLayerPoint(item.at), gap = 6, spot = null;
                    el.style.display = "";
                    var w = el.offsetWidth, h = el.offsetHeight;
                    [[gap, -h / 2], [-gap - w, -h / 2], [-w / 2, -gap - h], [-w / 2, gap]]
                        .some(function (d) {
                            var box = [p.x + d[0], p.y + d[1], p.x + d[0] + w, p.y + d[1] + h];
                            var free = w > 0 && taken.every(function (o) { return apart(box, o); });
                            if (free) { spot = box; }
                            return free;
                        });
                    el.style.visibility = "";
                    if (!spot) { el.style.display = "none"; return; }
                    L.DomUtil.setPosition(el, L.point(spot[0], spot[1]));
                    taken.push(spot);
                });
            }
            map.on("zoomstart", function () {
                items.forEach(function (item) { item.label.style.visibility = "hidden"; });
            });
            map.on("zoomend viewreset resize", place);
            map.whenReady(function () { place(); setTimeout(place, 300); });
        })({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
        """
    )

    def __init__(self, context: Context, *, tiles: bool = False) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Basemap"
        self.data = _basemap_json(context, tiles)


def _basemap_json(context: Context, tiles: bool) -> Markup:
    """The basemap's JSON, made once per view cut (``Context.view``: bounds and language)
    and tiles switch: a page redraws it every rerun. A context made by hand is not kept."""
    if context.view is None:
        return _basemap_data(context, tiles)
    return _basemap_kept(context.view, tiles)


@lru_cache(maxsize=16)
def _basemap_kept(view: tuple[Any, str], tiles: bool) -> Markup:
    bounds, lang = view
    return _basemap_data(context(bounds=bounds, lang=lang), tiles)


def _basemap_data(context: Context, tiles: bool) -> Markup:
    countries = gpd.GeoDataFrame.from_features(context.countries, crs="EPSG:4326")
    if countries.empty:
        countries = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    return data_json(
        {
            "countries": to_topology(countries, decimals=BASEMAP_DECIMALS, ids=False),
            "names": [str(name) for name in countries["name"]],
            "lakes": context.lakes,
            "rivers": _river_steps(context.rivers),
            # The tiles name their towns: the basemap's would stand on them twice.
            "towns": [] if tiles else [[t.lon, t.lat, t.name, t.rank] for t in context.towns],
            "credit": context.credit,
            "tiles": tiles,
        }
    )


def _river_steps(rivers: Mapping[str, Any] | None) -> list[list[int]]:
    """Each river line as integers on the basemap's grid, each point after the first as
    the step from the one before: [x0, y0, dx1, dy1, ...] (a third of GeoJSON's bytes)."""
    if rivers is None:
        return []
    factor = 10**BASEMAP_DECIMALS
    lines = (
        rivers["coordinates"] if rivers["type"] == "MultiLineString" else [rivers["coordinates"]]
    )
    steps = []
    for line in lines:
        flat: list[int] = []
        x0 = y0 = 0
        for lon, lat in line:
            x, y = round(lon * factor), round(lat * factor)
            flat += [x - x0, y - y0]
            x0, y0 = x, y
        steps.append(flat)
    return steps


def legend_items(classes: Classes, zero_label: str) -> list[tuple[str, str]]:
    """(colour, label) per legend line: zero first, in its neutral colour."""
    items = [(classes.zero_color, zero_label)]
    items += list(zip(classes.colors, classes.labels(), strict=True))
    return items


def _short_list(names: list[str], limit: int, more: str) -> str:
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += " " + more.format(n=len(names) - limit)
    return shown


def _shown(value: float, integer: bool) -> float | int | None:
    if math.isnan(value):
        return None
    return int(value) if integer else round(value, 1)


def choropleth_features(
    areas: gpd.GeoDataFrame,
    table: pd.DataFrame,
    classes: Classes,
    *,
    value_column: str = ACTORS,
    details_column: str | None = None,
    max_names: int = 5,
    more: str = "+{n}",
    area_colors: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """The areas with what the map shows: code, name, value, names, details, colour."""
    codes = [str(code) for code in areas.index]
    keys = list(table[s.AREA_CODE])
    value_of = dict(zip(keys, table[value_column], strict=True))
    names_of = dict(zip(keys, table[ORGANISATIONS], strict=True))
    area_of = dict(zip(keys, table[AREA_NAME], strict=True))
    details_of = dict(zip(keys, table[details_column], strict=True)) if details_column else {}
    values = [float(value_of.get(c, float("nan"))) for c in codes]
    names = [list(names_of.get(c, [])) for c in codes]
    return gpd.GeoDataFrame(
        {
            P_CODE: codes,
            P_NAME: [str(area_of.get(c, c)) for c in codes],
            P_COUNT: [_shown(v, classes.integer) for v in values],
            P_NAMES: [_short_list(n, max_names, more) for n in names],
            P_DETAILS: [str(details_of.get(c, "")) for c in codes],
            P_COLOR: [
                (area_colors or {}).get(c) or classes.color(v)
                for c, v in zip(codes, values, strict=True)
            ],
            P_NO_DATA: [math.isnan(v) for v in values],
        },
        geometry=list(areas.geometry),
        crs=areas.crs,
    )


def choropleth(
    areas: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    labels: MapLabels,
    value_column: str = ACTORS,
    details_column: str | None = None,
    classes: Classes | None = None,
    assets: Assets | None = None,
    tiles: bool = False,
    area_colors: Mapping[str, str] | None = None,
    legend: Sequence[tuple[str, str]] | None = None,
    decimals: int = DEFAULT_DECIMALS,
    note: Sequence[str] = (),
    basemap: Context | None = None,
    codes: bool = True,
    lang: str = "fr",
) -> folium.Map:
    """A map of one value per area: a colour per class, 0 neutral, NaN as "no data".

    ``table`` has one row per area (AREA_CODE, AREA_NAME, ORGANISATIONS and
    ``value_column``), as the views in ``analysis`` return. Leaflet is loaded from
    ``assets`` (local by default). ``tiles``: OpenStreetMap's tiles under the areas (off by
    default: then the map makes no request for them, and the basemap alone gives context).
    ``decimals``: the TopoJSON's grid (``areas`` quantised to it: ``geometry.grid_decimals``).
    ``note``: lines shown bottom left, above the scale bar (an export's sources).
    ``basemap``: countries, rivers, lakes and towns around the areas (default: the shipped
    one, ``areas.basemap.context``, cut to the areas' view, town names in ``lang``;
    ``Context()`` for none). ``codes``: send the areas' codes (the page reads
    the clicked one; an offline file has no use for them).
    The areas travel as TopoJSON (shared borders once) and every text as JSON data that no
    template engine reads (``webinert``): names like ``{{ 7*191 }}`` show as written.
    """
    values = [float(v) for v in table[value_column]]
    classes = classes or classify_counts(values)
    features = choropleth_features(
        areas,
        table,
        classes,
        value_column=value_column,
        details_column=details_column,
        more=labels.more,
        area_colors=area_colors,
    )
    assets = assets or local_assets()
    minx, miny, maxx, maxy = (float(v) for v in features.total_bounds)
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=5,
        tiles=None,
        control_scale=True,
    )
    fmap.default_js = list(assets.js)
    fmap.default_css = list(assets.css)
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(fmap)
    if basemap is None:
        basemap = context(bounds=(minx, miny, maxx, maxy), lang=lang)
    if not basemap.empty:
        fmap.add_child(_Basemap(basemap, tiles=tiles))

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        no_data = feature["properties"][P_NO_DATA]
        return {
            "fillColor": feature["properties"][P_COLOR],
            "color": "#777777" if no_data else "#555555",
            "weight": 1,
            "dashArray": "4 3" if no_data else None,
            "fillOpacity": 0.5 if no_data else 0.8,
        }

    layer = TopoGeoJson(
        features,
        name=labels.legend_title,
        style_function=style,
        highlight_function=lambda _feature: {"weight": 3, "color": "#222222"},
        decimals=decimals,
        style_only=(P_COLOR, P_NO_DATA) if codes else (P_COLOR, P_NO_DATA, P_CODE),
    )
    fields = [(P_NAME, labels.area), (P_COUNT, labels.count)]
    if details_column:
        fields.append((P_DETAILS, labels.details))
    fields.append((P_NAMES, labels.organisations))
    layer.add_child(_SafeTooltip(fields))
    layer.add_to(fmap)
    # ``area_colors`` and ``legend``: a categorical map (one colour per organisation).
    items = list(legend) if legend is not None else legend_items(classes, labels.zero)
    if any(features[P_NO_DATA]):
        items.append((classes.no_data_color, labels.no_data))
    fmap.add_child(_Legend(labels.legend_title, items, labels.boundaries_credit))
    if note:
        fmap.add_child(_Note(note))
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap
