"""Tiny frames for tests, and what the page's map shows (AppTest)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

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


def features(at: AppTest) -> list[dict]:  # type: ignore[type-arg]
    """The GeoJSON features sent to the st_folium component."""
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    properties = map_properties(args["script"])
    if properties is not None:  # the page ships its areas as TopoJSON (webtopo.TopoGeoJson)
        return [{"properties": props} for props in properties]
    found = re.search(r"_add\((\{.*?\"type\": \"FeatureCollection\"\})\);", args["script"], re.S)
    assert found is not None
    return json.loads(found.group(1))["features"]  # type: ignore[no-any-return]


def map_counts(at: AppTest) -> dict[str, int]:
    return {f["properties"]["name"]: f["properties"]["count"] for f in features(at)}


def open_tables(at: AppTest) -> AppTest:
    """Open the view's table and the sectors × areas matrix under the map (folded at first:
    a planner clicks them open), for the next run."""
    from ngomap.ui.views import MATRIX_OPEN, TABLE_OPEN

    at.session_state[TABLE_OPEN] = True
    at.session_state[MATRIX_OPEN] = True
    return at


def open_tab(at: AppTest, number: int) -> AppTest:
    """Open the page's tab ``number`` (0 the map, 1 the import, 2 the edit), as a click on it
    does: the page reruns with that tab open."""
    from ngomap.ui.widgets import PAGE_TABS

    at.session_state[PAGE_TABS] = at.tabs[number].label
    return at.run()
