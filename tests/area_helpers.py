"""Area helpers only the tests use: decode a TopoJSON as the browser does, place a frame's
records in one call, list a boundary file's layers (the library keeps none of them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import (
    MAX_UNZIPPED_BYTES,
    LayerFields,
    _layers,
    _read_frame,
    _unreadable,
    _vector_files,
    recognise_fields,
)
from ngomap.areas.geometry import TOPOLOGY_OBJECT
from ngomap.areas.matching import AreaDecision, decision_columns, match_areas
from ngomap.coded import Coded


def topology_features(topology: dict[str, Any], name: str = TOPOLOGY_OBJECT) -> gpd.GeoDataFrame:
    """A TopoJSON object back as a GeoDataFrame (what the browser's decoder draws)."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        x = y = 0.0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(dx), float(dy)))
        arcs.append(points)

    def ring(ids: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for k, i in enumerate(ids):
            arc = arcs[~i][::-1] if i < 0 else arcs[i]
            out.extend(arc if k == 0 else arc[1:])
        return out

    def polygon(rings: list[list[int]]) -> shapely.Polygon:
        shells = [ring(r) for r in rings]
        return shapely.Polygon(shells[0], shells[1:])

    rows = []
    shapes = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            shapes.append(polygon(geometry["arcs"]))
        elif kind == "MultiPolygon":
            shapes.append(shapely.MultiPolygon([polygon(p) for p in geometry["arcs"]]))
        else:
            shapes.append(shapely.MultiPolygon())
        rows.append({"id": geometry.get("id"), **geometry.get("properties", {})})
    return gpd.GeoDataFrame(rows, geometry=shapes, crs=4326)


# --- points ---------------------------------------------------------------------------------


def assign_areas(
    records: pd.DataFrame, boundaries: Boundaries, *, accept_suggestions: bool = False
) -> tuple[pd.DataFrame, list[AreaDecision]]:
    """Add AREA_CODE, AREA_LEVEL, AREA_RULE and NATIONAL to each record of a frame.

    Returns the frame, with a private ``_area`` column giving each row's position in the
    returned list of decisions (see ``match_areas``).
    """
    admin = {f for pair in s.ADMIN_LEVELS.values() for f in pair if f in records}
    columns = {f: Coded.of(records[f].fillna("").astype(str).to_numpy()) for f in admin}
    combo_ids, decisions = match_areas(
        columns, len(records), boundaries, accept_suggestions=accept_suggestions
    )
    out = records.copy()
    out["_area"] = combo_ids
    for column, values in decision_columns(decisions, combo_ids).items():
        out[column] = values
    return out, decisions


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a boundary file, what it holds and how its fields were recognised."""

    path: Path
    layer: str
    geometry_type: str
    features: int
    columns: tuple[str, ...]
    fields: LayerFields | None


def inspect_boundary_file(
    path: Path, *, max_unzipped_bytes: int = MAX_UNZIPPED_BYTES
) -> list[LayerInfo]:
    """The layers of a boundary file, with their columns and the fields recognised."""
    infos = []
    with _vector_files(path, max_unzipped_bytes) as files:
        for file in files:
            for name, kind in _layers(file, path):
                frame = _read_frame(file, path, name, max_features=5)
                columns = tuple(str(c) for c in frame.columns if c != "geometry")
                try:
                    info = pyogrio.read_info(file, layer=name)
                except Exception as exc:  # GDAL raises several types for damaged data
                    raise _unreadable(path, exc) from exc
                infos.append(
                    LayerInfo(
                        path=path,
                        layer=name,
                        geometry_type=kind,
                        features=int(info.get("features", len(frame))),
                        columns=columns,
                        fields=recognise_fields(columns, pd.DataFrame(frame)),
                    )
                )
    return infos
