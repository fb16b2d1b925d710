"""Tiny frames for tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ngomap import schema as s


def make_records(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Records as the importer makes them, from a few fields per row."""
    frame = pd.DataFrame(rows)
    frame[s.ORG_KEY] = frame[s.ORG_NAME].str.casefold()
    if s.NATIONAL not in frame:
        frame[s.NATIONAL] = False
    frame[s.NATIONAL] = frame[s.NATIONAL].fillna(False).astype(bool)
    if s.AREA_CODE not in frame:
        frame[s.AREA_CODE] = None
    return frame


def map_properties(script: str) -> list[dict[str, Any]] | None:
    """The per-area properties a TopoJSON map (webtopo.TopoGeoJson) sends, in area order.

    Each with its ``color`` (fill) and ``no_data`` as its style says (the page sends them
    once per distinct style, not per area).
    """
    import json
    import re

    found = re.search(r"_props = (\{.*?\});\n", script, re.S)
    styled = re.search(r"_styles = (\[.*?\]);\n", script, re.S)
    if found is None or styled is None:
        return None
    columns: dict[str, list[Any]] = json.loads(found.group(1))
    styles: list[dict[str, Any]] = json.loads(styled.group(1))
    count = len(next(iter(columns.values()), []))
    areas = [{key: values[i] for key, values in columns.items()} for i in range(count)]
    for area in areas:
        style = styles[area["_s"]]
        area.setdefault("color", style["fillColor"])
        area.setdefault("no_data", style.get("dashArray") is not None)
    return areas
