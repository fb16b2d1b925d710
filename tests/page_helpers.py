"""What the page tests of the registry share: the app's path and the map's counts."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import map_properties
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def map_counts(at: AppTest) -> dict[str, int]:
    """Areas and their counts, as the map's TopoJSON ships them."""
    (component,) = at.get("component_instance")
    properties = map_properties(json.loads(component.proto.json_args)["script"])
    assert properties is not None
    return {str(p["name"]): int(p["count"]) for p in properties}
