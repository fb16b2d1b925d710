"""A folium layer that ships its areas as TopoJSON and decodes them in the page.

Shared borders travel once and coordinates as small integers, so Mali's 701 communes
reach the browser in well under 200 KB. The decoder is a few lines of JavaScript written
into the map's own script: nothing is fetched from elsewhere, and HTML exports draw offline.
Styles are computed in Python (like ``folium.GeoJson``'s ``style_function``) and sent once
per distinct style, each area carrying the index of its own; properties travel by column.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Final

import geopandas as gpd
from folium.map import Layer
from jinja2 import Template
from markupsafe import Markup

from ngomap.areas.geometry import DEFAULT_DECIMALS, to_topology
from ngomap.render.webinert import InertMacro, data_json

STYLE_PROPERTY: Final = "_s"

# Decode a TopoJSON object (quantised, delta-encoded arcs) into a GeoJSON FeatureCollection.
DECODER: Final = """
function ngomapTopoFeatures(topo, name) {
    var t = topo.transform, sx = t.scale[0], sy = t.scale[1], tx = t.translate[0],
        ty = t.translate[1];
    var arcs = topo.arcs.map(function (arc) {
        var x = 0, y = 0;
        return arc.map(function (p) { x += p[0]; y += p[1]; return [x * sx + tx, y * sy + ty]; });
    });
    function ring(ids) {
        var out = [];
        ids.forEach(function (i, k) {
            var arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
            out = out.concat(k ? arc.slice(1) : arc);
        });
        return out;
    }
    function polygon(rings) { return rings.map(ring); }
    return {type: "FeatureCollection", features: topo.objects[name].geometries.map(function (g) {
        return {type: "Feature", id: g.id, properties: g.properties || {}, geometry: g.type ? {
            type: g.type, coordinates: g.type === "Polygon" ? polygon(g.arcs) : g.arcs.map(polygon)
        } : null};
    })};
}
"""


# Topologies of geometry sequences already encoded: the same light areas (cached per
# boundaries and level) are drawn on every rerun with new properties only. The key is the
# identity of the geometry objects, which the entry keeps alive so no id is reused.
_TOPOLOGIES: OrderedDict[tuple[int, ...], tuple[tuple[Any, ...], dict[str, Any], Markup]] = (
    OrderedDict()
)
_TOPOLOGIES_KEPT: Final = 16
_TOPOLOGIES_LOCK: Final = threading.Lock()


def _geometry_topology(features: gpd.GeoDataFrame, decimals: int) -> tuple[dict[str, Any], Markup]:
    """The TopoJSON of ``features``' geometry alone (no properties), and its JSON text."""
    geometries = tuple(features.geometry.values)
    key = (decimals, *map(id, geometries))
    with _TOPOLOGIES_LOCK:  # a Streamlit server runs every user's session in its own thread
        found = _TOPOLOGIES.get(key)
        if found is not None:
            _TOPOLOGIES.move_to_end(key)
            return found[1], found[2]
    plain = gpd.GeoDataFrame(geometry=list(geometries), crs=features.crs)
    topology = to_topology(plain, decimals=decimals, ids=False)
    text = data_json(topology)
    with _TOPOLOGIES_LOCK:
        _TOPOLOGIES[key] = (geometries, topology, text)
        while len(_TOPOLOGIES) > _TOPOLOGIES_KEPT:
            _TOPOLOGIES.popitem(last=False)
    return topology, text


class TopoGeoJson(InertMacro, Layer):
    """Polygons sent as TopoJSON, drawn as a Leaflet GeoJSON layer (tooltips bind as usual).

    ``features`` is a GeoDataFrame whose non-geometry columns become the properties;
    ``style_function`` and ``highlight_function`` take a GeoJSON-like feature (with
    ``properties``) and return a Leaflet path style, as for ``folium.GeoJson``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.decoder }}
        var {{ this.get_name() }}_styles = {{ this.styles_json }};
        var {{ this.get_name() }}_highlight = {{ this.highlight_json }};
        var {{ this.get_name() }}_data = ngomapTopoFeatures({{ this.topology_json }}, "areas");
        var {{ this.get_name() }}_props = {{ this.properties_json }};
        {{ this.get_name() }}_data.features.forEach(function (feature, i) {
            var props = {};
            Object.keys({{ this.get_name() }}_props).forEach(function (key) {
                props[key] = {{ this.get_name() }}_props[key][i];
            });
            feature.properties = props;
        });
        var {{ this.get_name() }} = L.geoJson(
            {{ this.get_name() }}_data,
            {
                style: function (feature) {
                    return {{ this.get_name() }}_styles[feature.properties._s];
                },
                onEachFeature: function (feature, layer) {
                    layer.on({
                        mouseover: function (e) {
                            if ({{ this.get_name() }}_highlight) {
                                e.target.setStyle({{ this.get_name() }}_highlight);
                            }
                        },
                        mouseout: function (e) { {{ this.get_name() }}.resetStyle(e.target); }
                    });
                }
            }
        );
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: gpd.GeoDataFrame,
        *,
        style_function: Callable[[dict[str, Any]], dict[str, Any]],
        highlight_function: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        name: str | None = None,
        decimals: int = DEFAULT_DECIMALS,
        style_only: Sequence[str] = (),
    ) -> None:
        """``style_only``: columns the styles are made from but the browser never reads."""
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "TopoGeoJson"
        columns = [c for c in features.columns if c != features.geometry.name]
        styles: list[dict[str, Any]] = []
        indexes: list[int] = []
        for record in features[columns].to_dict(orient="records"):
            style = style_function({"type": "Feature", "properties": record})
            if style not in styles:
                styles.append(style)
            indexes.append(styles.index(style))
        self.styles_json = data_json(styles)
        self.highlight_json = data_json(
            highlight_function({"type": "Feature", "properties": {}})
            if highlight_function
            else None
        )
        self.topology, self.topology_json = _geometry_topology(features, decimals)
        # A column empty for every area is not sent: the tooltip skips a missing value.
        sent = [
            c
            for c in columns
            if c not in style_only and not features[c].map(lambda v: v is None or v == "").all()
        ]
        properties = features[sent].assign(**{STYLE_PROPERTY: indexes})
        # By column: each property's name travels once, not once per area.
        self.properties_json = data_json(properties.to_dict(orient="list"))
        self.decoder = DECODER

    def _get_self_bounds(self) -> list[list[float | None]]:
        minx, miny, maxx, maxy = self.topology["bbox"]
        return [[miny, minx], [maxy, maxx]]
