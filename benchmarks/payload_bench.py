"""Map payload: bytes of geometry and of the whole map script for Mali's 701 communes.

Raw: the COD-AB adm3 geometry as read, sent as GeoJSON (what ``folium.GeoJson`` embeds).
Light: the same communes simplified as a coverage, quantised to 4 decimals and sent as
TopoJSON (``geometry.light_areas`` + ``webtopo.TopoGeoJson``). The goal is at most 200 KB of
geometry (each commune with its code); HXLDash ships the same communes as a 285 KB TopoJSON.
The communes' data (names, counts, organisation names, colours) is measured apart: it is
the same bytes whatever the geometry format; here 0 to 12 organisations per commune.

``run()`` returns a dict of measures (see ``benchmarks/__init__.py``); ``python -m
benchmarks.payload_bench`` prints it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Final

import folium
import numpy as np
import pandas as pd
import shapely

from ngomap import schema as s
from ngomap.analysis import ACTORS, AREA_NAME, ORGANISATIONS
from ngomap.areas import geometry
from ngomap.areas.files import load_boundaries
from ngomap.render.classes import classify_counts
from ngomap.render.webinert import data_json as compact_json
from ngomap.render.webmap import MapLabels, choropleth, choropleth_features

REPO: Final = Path(__file__).resolve().parents[1]
COMMUNES: Final = "boundaries/mali-codab-2021/mli_admbnda_adm3_1m_gov_20211220.geojson"
GOAL_BYTES: Final = 200_000
HXLDASH_BYTES: Final = 285_000
# Degrees per screen pixel at zoom 7 (256-pixel tiles), where cercles are readable.
PIXEL_Z7: Final = 360 / (256 * 2**7)
LABELS: Final = MapLabels(
    area="Commune",
    count="Organisations",
    organisations="Noms",
    legend_title="Nombre d'organisations",
    zero="0 (aucune)",
    boundaries_credit="Limites : OCHA COD-AB",
)


def _shared_data() -> Path | None:
    path = REPO.parent / "shared" / "data"
    return path if path.is_dir() else None


def _table(codes: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Every commune with 0 to 12 organisations of realistic name length."""
    rng = np.random.default_rng(4)
    counts = rng.integers(0, 13, len(codes))
    orgs = [
        [f"Association pour le développement {i:03d}" for i in rng.choice(400, n, replace=False)]
        for n in counts
    ]
    return pd.DataFrame(
        {
            s.AREA_CODE: codes,
            AREA_NAME: [names[c] for c in codes],
            ACTORS: [len(o) for o in orgs],
            ORGANISATIONS: orgs,
        }
    )


def _geojson_bytes(frame: Any) -> int:
    return len(json.dumps(frame.__geo_interface__, separators=(",", ":")).encode())


def run(*, quick: bool = False) -> dict[str, dict[str, Any]]:
    """Bytes raw vs light for Mali's communes, deviation in pixels, and time to lighten."""
    root = _shared_data()
    if root is None:
        skipped = {"status": "skipped (../shared/data absent)", "unit": "bytes"}
        return {"communes geometry (TopoJSON)": skipped}
    boundaries = load_boundaries(root / COMMUNES)
    raw = boundaries.level_areas("adm3")
    started = time.perf_counter()
    light = geometry.light_areas(boundaries, "adm3")
    lighten_s = time.perf_counter() - started
    started = time.perf_counter()
    geometry.light_areas(boundaries, "adm3")
    cached_s = time.perf_counter() - started
    codes = [str(c) for c in raw.index]
    table = _table(codes, boundaries.names("adm3"))
    classes = classify_counts([float(v) for v in table[ACTORS]])
    bare = light.assign(code=codes)[["code", "geometry"]]
    topo_bare = len(compact_json(geometry.to_topology(bare, properties=["code"], ids=False)))
    features = choropleth_features(light, table, classes)
    columns = [c for c in features.columns if c != "geometry"]
    topo_data = len(
        compact_json(geometry.to_topology(features, properties=columns, ids=False)).encode()
    )
    raw_bare = _geojson_bytes(raw.assign(code=codes)[["code", "geometry"]])
    naive = folium.Map(tiles=None)
    folium.GeoJson(choropleth_features(raw, table, classes).__geo_interface__).add_to(naive)
    raw_html = len(naive.get_root().render().encode())
    light_html = len(
        choropleth(light, table, labels=LABELS, classes=classes).get_root().render().encode()
    )
    moved = shapely.hausdorff_distance(
        np.asarray(raw.geometry.values, dtype=object),
        np.asarray(light.geometry.values, dtype=object),
    )
    defects = geometry.coverage_defects(light.geometry)
    file_bytes = (root / COMMUNES).stat().st_size
    points = (
        int(shapely.get_num_coordinates(np.asarray(raw.geometry.values, dtype=object)).sum()),
        int(shapely.get_num_coordinates(np.asarray(light.geometry.values, dtype=object)).sum()),
    )
    return {
        "communes geometry, codes only (TopoJSON)": {
            "value": topo_bare,
            "baseline": HXLDASH_BYTES,
            "baseline_name": "HXLDash TopoJSON",
            "unit": "bytes",
            "goal": "≤ 200 KB",
            "goal_value": GOAL_BYTES,
            "details": {"raw GeoJSON, codes only": raw_bare, "COD-AB file": file_bytes},
        },
        "communes data sent with the geometry": {
            "value": topo_data - topo_bare,
            "unit": "bytes",
            "details": {
                "what": "name, count, up to 8 organisation names, colour, per commune",
                "geometry_and_data_bytes": topo_data,
            },
        },
        "communes map script (HTML)": {
            "value": light_html,
            "baseline": raw_html,
            "baseline_name": "folium.GeoJson of raw geometry",
            "unit": "bytes",
        },
        "communes border shift, 95th percentile": {
            "value": round(float(np.quantile(moved, 0.95)) / PIXEL_Z7, 2),
            "unit": "px at zoom 7",
            "goal": "≤ 1.1 px",
            "goal_value": 1.1,
            "details": {
                "max_px_zoom7": round(float(moved.max()) / PIXEL_Z7, 2),
                "gap_deg2": defects.gap_area,
                "overlap_deg2": defects.overlap_area,
                "points_raw": points[0],
                "points_light": points[1],
                "tolerance_deg": geometry.DEFAULT_TOLERANCE["adm3"],
            },
        },
        "communes lighten (first / cached)": {
            "value": round(lighten_s, 3),
            "baseline": round(cached_s, 6),
            "baseline_name": "cached call",
            "unit": "s",
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
