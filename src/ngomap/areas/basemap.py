"""The offline basemap: Natural Earth's countries around Mali, drawn under the areas.

Shipped in ``geo/basemap_naturalearth.geojson`` (public domain; ``geo/README.md`` says where
it comes from, ``scripts/make_basemap.py`` made it). Maps need no tiles to show where the
areas are: the neighbouring countries stand around them, with their names.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ngomap._paths import BASEMAP


@cache
def countries() -> dict[str, Any]:
    """The basemap as a GeoJSON FeatureCollection (properties ``iso_a3``, ``name``)."""
    data: dict[str, Any] = json.loads(BASEMAP.read_text(encoding="utf-8"))
    return data
