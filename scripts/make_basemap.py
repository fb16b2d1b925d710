"""Make geo/basemap_naturalearth.geojson: the countries around Mali, for an offline basemap.

Source: Natural Earth 1:110m Admin 0 - Countries (public domain), as the ``naturalearth_lowres``
data set that geopandas used to ship and that the pyogrio wheel still ships as a test
fixture (``pyogrio/tests/fixtures/naturalearth_lowres``). Run with the project's venv:

    .venv/bin/python scripts/make_basemap.py
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

REPO = Path(__file__).resolve().parents[1]
SOURCE = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
OUT = REPO / "geo" / "basemap_naturalearth.geojson"
# Mali's box widened by about 6 degrees (more to the east, where a wide screen shows more):
# its neighbours and the coast south of them. Mali is kept: land under its own areas' edges.
BOX = (-20.0, 3.0, 16.0, 31.0)
DECIMALS = 2  # 1:110m: a vertex every ~10 km, so a 1 km grid loses nothing
TOLERANCE = 0.05  # degrees: a background layer, seen at country scale


def main() -> None:
    countries = gpd.read_file(SOURCE / "naturalearth_lowres.shp")
    near = countries.loc[countries.intersects(shapely.box(*BOX))].copy()
    clipped = near.geometry.clip_by_rect(*BOX).values
    # Simplified as a coverage (shared borders stay shared), then snapped to the grid.
    light = shapely.coverage_simplify(clipped, TOLERANCE, simplify_boundary=True)
    near["geometry"] = shapely.set_precision(light, 10.0**-DECIMALS)
    near = near.loc[~near.geometry.is_empty]
    features = [
        {
            "type": "Feature",
            "properties": {"iso_a3": str(row.iso_a3), "name": str(row.name)},
            "geometry": shapely.geometry.mapping(row.geometry),
        }
        for row in near.itertuples()
    ]
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m Admin 0 - Countries (public domain), "
        f"from pyogrio {pyogrio.__version__} (tests/fixtures/naturalearth_lowres)",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT.relative_to(REPO)}: {len(features)} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
