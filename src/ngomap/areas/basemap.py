"""The offline basemap: countries, rivers, lakes and towns around Mali, drawn under the areas.

Shipped in ``geo/`` (``geo/README.md`` says where each file comes from,
``scripts/make_basemap.py`` made them):

- ``basemap_naturalearth.geojson``: Mali and its neighbours (Natural Earth, public domain);
- ``basemap_water_naturalearth.geojson``: the main rivers and lakes (Natural Earth);
- ``basemap_towns_geonames.geojson``: Mali's capital, its regional capitals and its
  neighbours' capitals (GeoNames, CC BY 4.0: the map credits it).

Maps need no tiles to show where the areas are. ``context`` cuts the basemap to what a map
of given bounds shows, so an offline file carries only that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Final

import shapely
import shapely.geometry

from ngomap._paths import BASEMAP, BASEMAP_TOWNS, BASEMAP_WATER

# Drawing and labelling order: the capital first, then the regional capitals, then abroad.
TOWN_KINDS: Final = ("capital", "regional_capital", "foreign_capital")
CREDIT: Final = "Natural Earth, GeoNames"
DECIMALS: Final = 2  # the files' grid (about 1 km)
# A map fitted to its areas shows more than their box, more so across (screens are wide):
# these shares of the box's larger side are kept left and right, above and below.
MARGIN_ACROSS: Final = 0.6
MARGIN_UP: Final = 0.35

Bounds = tuple[float, float, float, float]


def _read(path: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def countries() -> dict[str, Any]:
    """The countries as a GeoJSON FeatureCollection (properties ``iso_a3``, ``name``)."""
    return _read(BASEMAP)


@cache
def water() -> dict[str, Any]:
    """Rivers and lakes as a GeoJSON FeatureCollection (property ``kind``: river, lake)."""
    return _read(BASEMAP_WATER)


@cache
def towns() -> dict[str, Any]:
    """Towns as a GeoJSON FeatureCollection of points (``name_fr``, ``name_en``, ``kind``
    among ``TOWN_KINDS``, ``iso_a3``, ``population``)."""
    return _read(BASEMAP_TOWNS)


@dataclass(frozen=True)
class Town:
    """A town to draw: where, its name in the map's language, its rank in ``TOWN_KINDS``."""

    lon: float
    lat: float
    name: str
    rank: int


@dataclass(frozen=True)
class Context:
    """The basemap cut to a map's view: plain GeoJSON geometries, towns by importance."""

    countries: list[dict[str, Any]] = field(default_factory=list)  # GeoJSON features
    lakes: dict[str, Any] | None = None  # a GeoJSON (Multi)Polygon
    rivers: dict[str, Any] | None = None  # a GeoJSON (Multi)LineString
    towns: tuple[Town, ...] = ()
    credit: str = CREDIT
    # What it was cut for (bounds to the files' grid, language): its content's key, set by
    # ``context``; None for a context made by hand (not cached by what draws it).
    view: tuple[Bounds | None, str] | None = None

    @property
    def empty(self) -> bool:
        return not (self.countries or self.lakes or self.rivers or self.towns)


def view_box(bounds: Bounds) -> Bounds:
    """What a map fitted to ``bounds`` (min lon, min lat, max lon, max lat) shows, about."""
    minx, miny, maxx, maxy = bounds
    side = max(maxx - minx, maxy - miny, 1.0)
    across, up = MARGIN_ACROSS * side, MARGIN_UP * side
    return (minx - across, miny - up, maxx + across, maxy + up)


def _cut(geometry: shapely.Geometry, box: shapely.Geometry | None) -> shapely.Geometry:
    if box is None:
        return geometry
    return shapely.set_precision(shapely.intersection(geometry, box), 10.0**-DECIMALS)


def _merged(kind: str, box: shapely.Geometry | None) -> dict[str, Any] | None:
    shapes = [
        shapely.geometry.shape(f["geometry"])
        for f in water()["features"]
        if f["properties"]["kind"] == kind
    ]
    if not shapes:
        return None
    merged = _cut(
        shapely.union_all(shapes)
        if kind == "lake"
        else shapely.multilinestrings(
            [part for shape in shapes for part in getattr(shape, "geoms", [shape])]
        ),
        box,
    )
    if merged.is_empty:
        return None
    mapping: dict[str, Any] = shapely.geometry.mapping(merged)
    return mapping


def context(*, bounds: Bounds | None = None, lang: str = "fr") -> Context:
    """The basemap for a map of ``bounds`` (degrees; None: all of it), names in ``lang``.

    Only what the map shows is kept (``view_box``): an offline file stays small. The same
    bounds (to the files' grid) give the same object, cut once: a page redraws its map on
    every rerun. Treat it as read-only.
    """
    if bounds is not None:
        bounds = (
            round(bounds[0], DECIMALS),
            round(bounds[1], DECIMALS),
            round(bounds[2], DECIMALS),
            round(bounds[3], DECIMALS),
        )
    return _context(bounds, lang)


@lru_cache(maxsize=32)
def _context(bounds: Bounds | None, lang: str) -> Context:
    box = shapely.box(*view_box(bounds)) if bounds is not None else None
    kept = []
    for feature in countries()["features"]:
        shape = _cut(shapely.geometry.shape(feature["geometry"]), box)
        if not shape.is_empty:
            geometry = shapely.geometry.mapping(shape)
            kept.append(
                {"type": "Feature", "properties": feature["properties"], "geometry": geometry}
            )
    name_key = "name_fr" if lang == "fr" else "name_en"
    shown = []
    for feature in towns()["features"]:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        if box is not None and not box.contains(shapely.Point(lon, lat)):
            continue
        shown.append(
            (TOWN_KINDS.index(props["kind"]), -int(props["population"]), lon, lat, props[name_key])
        )
    shown.sort()
    return Context(
        countries=kept,
        lakes=_merged("lake", box),
        rivers=_merged("river", box),
        towns=tuple(Town(lon, lat, str(name), rank) for rank, _, lon, lat, name in shown),
        view=(bounds, lang),
    )
