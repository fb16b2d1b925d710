"""Light geometry for the browser: coverage simplification, quantisation, TopoJSON, points.

Admin areas form a coverage (neighbours share borders, no gaps, no overlaps).
``light_areas`` simplifies the coverage as a whole (``shapely.coverage_simplify``), so a
border shared by two areas is simplified once and stays shared, then snaps every vertex to
a grid of ``10**-decimals`` degrees. ``to_topology`` writes the result as TopoJSON: each
shared border is stored once, as integers relative to the previous point, which is what
makes Mali's 701 communes fit in well under 200 KB.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

# Degrees. At zoom 7, where Mali's cercles are readable, a screen pixel is about 0.011
# degree wide. Regions and cercles move by well under a pixel there; communes by about a
# pixel (95% of them, measured by benchmarks/payload_bench.py), the price of 701 communes
# in under 200 KB.
DEFAULT_TOLERANCE: Final[dict[str, float]] = {"adm1": 0.003, "adm2": 0.003, "adm3": 0.01}
FALLBACK_TOLERANCE: Final = 0.005
# 4 decimals: a grid of about 11 m.
DEFAULT_DECIMALS: Final = 4
TOPOLOGY_OBJECT: Final = "areas"


def repair(geometries: Sequence[BaseGeometry | None]) -> tuple[np.ndarray, list[int]]:
    """Valid polygonal geometries, and the positions of those that had to be repaired.

    Self-intersecting rings are rebuilt (``make_valid``, structure method); collapsed
    parts are dropped; what is left is a Polygon or MultiPolygon (empty when nothing is).
    """
    array = np.asarray(geometries, dtype=object)
    present = ~shapely.is_missing(array)
    invalid = present & ~shapely.is_valid(array)
    fixed = array.copy()
    if invalid.any():
        fixed[invalid] = shapely.make_valid(
            array[invalid], method="structure", keep_collapsed=False
        )
    fixed = np.array([polygonal(g) for g in fixed], dtype=object)
    return fixed, [int(i) for i in np.flatnonzero(invalid)]


def polygonal(geometry: BaseGeometry | None) -> BaseGeometry:
    """The polygonal part of a geometry, as a Polygon or MultiPolygon (maybe empty)."""
    if geometry is None or geometry.is_empty:
        return shapely.MultiPolygon()
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [
        part
        for part in shapely.get_parts(shapely.get_parts(geometry))
        if part.geom_type in ("Polygon", "MultiPolygon")
    ]
    if not parts:
        return shapely.MultiPolygon()
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def simplify_coverage(geometries: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """The areas simplified together: shared borders stay shared, no gap or overlap opens.

    ``tolerance`` is in the geometries' units (degrees in EPSG:4326). The outer border of
    the coverage is simplified too.
    """
    values = np.asarray(geometries.values, dtype=object)
    nonempty = ~shapely.is_empty(values)
    out = values.copy()
    if nonempty.any() and tolerance > 0:
        out[nonempty] = shapely.coverage_simplify(values[nonempty], tolerance)
    return gpd.GeoSeries(out, index=geometries.index, crs=geometries.crs)


def quantise(geometries: gpd.GeoSeries, decimals: int = DEFAULT_DECIMALS) -> gpd.GeoSeries:
    """Every vertex snapped to a grid of ``10**-decimals`` units, geometries kept valid."""
    grid = 10.0**-decimals
    snapped = shapely.set_precision(np.asarray(geometries.values, dtype=object), grid)
    return gpd.GeoSeries(
        [polygonal(g) for g in snapped], index=geometries.index, crs=geometries.crs
    )


def lighten(
    areas: gpd.GeoDataFrame,
    *,
    tolerance: float,
    decimals: int = DEFAULT_DECIMALS,
) -> gpd.GeoDataFrame:
    """``areas`` with their geometry simplified as a coverage, then quantised."""
    repaired, _ = repair(list(areas.geometry))
    geometry = gpd.GeoSeries(repaired, index=areas.index, crs=areas.crs)
    light = quantise(simplify_coverage(geometry, tolerance), decimals)
    return areas.set_geometry(light)


def light_areas(
    boundaries: Any,
    level: str | None = None,
    *,
    tolerance: float | None = None,
    decimals: int = DEFAULT_DECIMALS,
) -> gpd.GeoDataFrame:
    """The areas of ``level`` (the map's level by default), light enough for the browser.

    Computed once per (level, tolerance, decimals) and kept on the ``Boundaries`` object,
    which never changes once built: a page rerun or another user gets the cached frame.
    """
    level = level or boundaries.level
    tol = DEFAULT_TOLERANCE.get(level, FALLBACK_TOLERANCE) if tolerance is None else tolerance
    key: Hashable = ("light", level, tol, decimals)
    cache: dict[Hashable, Any] = boundaries.cache
    if key not in cache:
        cache[key] = lighten(boundaries.level_areas(level), tolerance=tol, decimals=decimals)
    frame: gpd.GeoDataFrame = cache[key]
    return frame


def grid_decimals(level: str, tolerance: float | None = None) -> int:
    """The coarsest grid (decimals of a degree) finer than a tenth of the simplification.

    Light areas are simplified by ``tolerance`` (the level's default): a vertex may already
    move that far, so a grid ten times finer adds nothing the eye can see and writes one
    digit less per coordinate (communes: 3 decimals, about 110 m, against 1.1 km).
    """
    tol = DEFAULT_TOLERANCE.get(level, FALLBACK_TOLERANCE) if tolerance is None else tolerance
    return max(0, min(DEFAULT_DECIMALS, math.ceil(-math.log10(tol / 10) - 1e-9)))


@dataclass(frozen=True)
class CoverageDefects:
    """Gaps and overlaps between neighbouring areas, in square degrees and as shares."""

    gap_area: float
    overlap_area: float
    total_area: float

    @property
    def gap_share(self) -> float:
        return self.gap_area / self.total_area if self.total_area else 0.0

    @property
    def overlap_share(self) -> float:
        return self.overlap_area / self.total_area if self.total_area else 0.0


def coverage_defects(geometries: gpd.GeoSeries) -> CoverageDefects:
    """Total overlap (sum of areas minus area of the union) and gap (holes of the union
    that are not holes of any single area) of a set of areas."""
    values = np.asarray(geometries.values, dtype=object)
    union = shapely.union_all(values)
    total = float(shapely.area(values).sum())
    overlap = max(total - float(union.area), 0.0)
    # Holes of the union are gaps, unless some area has the same hole (a real enclave
    # of another country, or a lake the source left out).
    holes = [shapely.Polygon(ring) for poly in shapely.get_parts(union) for ring in poly.interiors]
    own_holes = shapely.union_all(
        [
            shapely.Polygon(ring)
            for geom in values
            for poly in shapely.get_parts(geom)
            for ring in poly.interiors
        ]
    )
    gap = sum(float(shapely.difference(h, own_holes).area) for h in holes)
    return CoverageDefects(gap_area=gap, overlap_area=overlap, total_area=float(union.area))


# --- TopoJSON -------------------------------------------------------------------------------


def _rings(geometry: BaseGeometry) -> list[list[list[tuple[float, float]]]]:
    """Polygons as lists of rings, each ring open (the closing point dropped)."""
    polygons = [] if geometry.is_empty else list(shapely.get_parts(geometry))
    out = []
    for polygon in polygons:
        rings = [polygon.exterior, *polygon.interiors]
        out.append([[(float(x), float(y)) for x, y in ring.coords[:-1]] for ring in rings])
    return out


def _canonical_ring(ring: list[tuple[int, int]]) -> list[tuple[int, int]]:
    start = ring.index(min(ring))
    return ring[start:] + ring[:start]


class _ArcIndex:
    """Arcs stored once; a lookup tells an arc seen forward (i) or backward (~i)."""

    def __init__(self) -> None:
        self.arcs: list[list[tuple[int, int]]] = []
        self._index: dict[tuple[tuple[int, int], ...], int] = {}

    def add(self, arc: list[tuple[int, int]]) -> int:
        key = tuple(arc)
        if key in self._index:
            return self._index[key]
        back = tuple(reversed(arc))
        if back in self._index:
            return ~self._index[back]
        self._index[key] = len(self.arcs)
        self.arcs.append(arc)
        return len(self.arcs) - 1

    def add_closed(self, ring: list[tuple[int, int]]) -> int:
        """A ring that meets no other ring at a junction: stored whole, rotation ignored."""
        forward = _canonical_ring(ring)
        key = (*forward, forward[0])
        if key in self._index:
            return self._index[key]
        backward = _canonical_ring(list(reversed(ring)))
        back = (*backward, backward[0])
        if back in self._index:
            return ~self._index[back]
        return self.add(list(key))


def _dedupe(ring: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def to_topology(
    areas: gpd.GeoDataFrame,
    *,
    properties: Iterable[str] = (),
    decimals: int = DEFAULT_DECIMALS,
    ids: bool = True,
) -> dict[str, Any]:
    """The areas as a TopoJSON topology with one object, ``areas``.

    Coordinates are integers on a grid of ``10**-decimals`` degrees (quantise first so no
    vertex moves here), arcs are delta-encoded, and each border shared by two areas is one
    arc used forward by one and backward by the other. ``properties`` are copied to each
    geometry; the index becomes the geometry's ``id`` unless ``ids`` is False (when a
    property already holds the code, say).
    """
    scale = 10.0**-decimals
    props = list(properties)
    geoms = list(areas.geometry)
    if not geoms or all(g is None or g.is_empty for g in geoms):
        bounds = (0.0, 0.0, 0.0, 0.0)
    else:
        bounds = tuple(float(v) for v in areas.total_bounds)  # type: ignore[assignment]
    x0 = round(bounds[0] / scale) * scale
    y0 = round(bounds[1] / scale) * scale
    polys_int: list[list[list[list[tuple[int, int]]]]] = []
    for shape in geoms:
        polys_int.append(
            [
                [
                    grid_ring
                    for grid_ring in (
                        _dedupe([(round((x - x0) / scale), round((y - y0) / scale)) for x, y in r])
                        for r in float_poly
                    )
                    if len(grid_ring) >= 3
                ]
                for float_poly in _rings(polygonal(shape))
            ]
        )
    # A point is a junction where the borders through it part ways: its neighbours differ
    # from one ring to another (or it is visited twice).
    seen: dict[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]] = {}
    junctions: set[tuple[int, int]] = set()
    for polys in polys_int:
        for poly in polys:
            for ring in poly:
                n = len(ring)
                for i, point in enumerate(ring):
                    a, b = ring[i - 1], ring[(i + 1) % n]
                    pair = (a, b) if a <= b else (b, a)
                    if point in seen:
                        if seen[point] != pair:
                            junctions.add(point)
                    else:
                        seen[point] = pair
    index = _ArcIndex()
    geometries: list[dict[str, Any]] = []
    for row, polys in enumerate(polys_int):
        encoded: list[list[list[int]]] = []
        for poly in polys:
            rings_arcs: list[list[int]] = []
            for ring in poly:
                cuts = [i for i, p in enumerate(ring) if p in junctions]
                if not cuts:
                    rings_arcs.append([index.add_closed(ring)])
                    continue
                rotated = ring[cuts[0] :] + ring[: cuts[0]]
                positions = [c - cuts[0] for c in cuts] + [len(ring)]
                closed = [*rotated, rotated[0]]
                rings_arcs.append(
                    [
                        index.add(closed[start : end + 1])
                        for start, end in itertools.pairwise(positions)
                    ]
                )
            encoded.append(rings_arcs)
        obj: dict[str, Any]
        if not encoded:
            obj = {"type": None}
        elif len(encoded) == 1:
            obj = {"type": "Polygon", "arcs": encoded[0]}
        else:
            obj = {"type": "MultiPolygon", "arcs": encoded}
        if ids:
            obj["id"] = _plain(areas.index[row])
        if props:
            obj["properties"] = {p: _plain(areas.iloc[row][p]) for p in props}
        geometries.append(obj)
    arcs = []
    for arc in index.arcs:
        previous = (0, 0)
        deltas = []
        for x, y in arc:
            deltas.append([x - previous[0], y - previous[1]])
            previous = (x, y)
        arcs.append(deltas)
    return {
        "type": "Topology",
        "bbox": list(bounds),
        "transform": {"scale": [scale, scale], "translate": [x0, y0]},
        "objects": {TOPOLOGY_OBJECT: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


def _plain(value: Any) -> Any:
    """A JSON-ready value: numpy scalars as Python numbers, missing values as None."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    if value is pd.NA or value is None:
        return None
    return value


def locate_points(
    areas: gpd.GeoDataFrame, lon: Sequence[object], lat: Sequence[object]
) -> pd.Series:
    """The index label of the area containing each point (NA outside every area or blank).

    Uses a spatial index (STRtree); a point on a border goes to the first area found.
    """
    x = pd.to_numeric(pd.Series(list(lon), dtype=object), errors="coerce").to_numpy(float)
    y = pd.to_numeric(pd.Series(list(lat), dtype=object), errors="coerce").to_numpy(float)
    ok = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    points = shapely.points(np.where(ok, x, 0.0), np.where(ok, y, 0.0))
    tree = shapely.STRtree(np.asarray(areas.geometry.values, dtype=object))
    hits = tree.query(points, predicate="intersects")
    found: list[object] = [pd.NA] * len(points)
    for point_i, area_i in zip(hits[0], hits[1], strict=True):
        if ok[point_i] and found[point_i] is pd.NA:
            found[point_i] = areas.index[area_i]
    return pd.Series(found, dtype=object)
