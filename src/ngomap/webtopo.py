"""A folium layer that ships its areas as TopoJSON and decodes them in the page.

Shared borders travel once and coordinates as small integers, so Mali's 701 communes
reach the browser in well under 200 KB. The decoder is a few lines of JavaScript written
into the map's own script: nothing is fetched from elsewhere, and HTML exports draw offline.
Styles are computed in Python (like ``folium.GeoJson``'s ``style_function``) and sent once
per distinct style, each area carrying the index of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

import geopandas as gpd
from folium.map import Layer
from jinja2 import Template
from markupsafe import Markup

from ngomap.geometry import DEFAULT_DECIMALS, to_topology

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


def compact_json(value: Any) -> Markup:
    """JSON without spaces, safe inside a <script> element (<, >, & and ' escaped)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


class TopoGeoJson(Layer):
    """Polygons sent as TopoJSON, drawn as a Leaflet GeoJSON layer (tooltips bind as usual).

    ``features`` is a GeoDataFrame whose non-geometry columns become the properties;
    ``style_function`` and ``highlight_function`` take a GeoJSON-like feature (with
    ``properties``) and return a Leaflet path style, as for ``folium.GeoJson``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.decoder }}
        var {{ this.get_name() }}_styles = {{ this.styles|tojson }};
        var {{ this.get_name() }}_highlight = {{ this.highlight|tojson }};
        var {{ this.get_name() }} = L.geoJson(
            ngomapTopoFeatures({{ this.topology_json }}, "areas"),
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
    ) -> None:
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
        frame = features.assign(**{STYLE_PROPERTY: indexes})
        self.styles = styles
        self.highlight = (
            highlight_function({"type": "Feature", "properties": {}})
            if highlight_function
            else None
        )
        self.topology = to_topology(
            frame, properties=[*columns, STYLE_PROPERTY], decimals=decimals, ids=False
        )
        self.topology_json = compact_json(self.topology)
        self.decoder = DECODER

    def _get_self_bounds(self) -> list[list[float | None]]:
        minx, miny, maxx, maxy = self.topology["bbox"]
        return [[miny, minx], [maxy, maxx]]
