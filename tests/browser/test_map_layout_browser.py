"""The map's furniture in Chromium: tooltips beside the hovered area, the credit clear of the
scale bar (the offline HTML export, which draws the page's own map elements)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import _harness
import pytest
from playwright.sync_api import Page

from ngomap import analysis as a
from ngomap.areas.files import load_boundaries
from ngomap.export import formats as ex
from ngomap.importer.threew import load_sample

pytestmark = pytest.mark.browser

PAD = 14  # the tooltip's gap to the area's box (render/webmap._SafeTooltip)
LONG_SOURCE = ", ".join(f"mli_admbnda_adm{n}_1m_gov_20211220.geojson" for n in (1, 2, 3))


def _box(frame: Any, selector: str) -> dict[str, float]:
    box = frame.locator(selector).last.bounding_box()
    assert box is not None, selector
    return dict(box)


def _overlap(a_box: dict[str, float], b_box: dict[str, float]) -> bool:
    return not (
        a_box["x"] + a_box["width"] <= b_box["x"]
        or b_box["x"] + b_box["width"] <= a_box["x"]
        or a_box["y"] + a_box["height"] <= b_box["y"]
        or b_box["y"] + b_box["height"] <= a_box["y"]
    )


def _room_beside(shape: dict[str, float], tip: dict[str, float], view: dict[str, float]) -> bool:
    """Whether the map has room for the tooltip on some side of the area's box."""
    right = shape["x"] + shape["width"] + PAD + tip["width"] <= view["x"] + view["width"]
    left = shape["x"] - PAD - tip["width"] >= view["x"]
    above = shape["y"] - PAD - tip["height"] >= view["y"]
    below = shape["y"] + shape["height"] + PAD + tip["height"] <= view["y"] + view["height"]
    return right or left or above or below


def test_tooltips_stand_beside_the_area_and_the_credit_clears_the_scale(
    page: Page, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    boundaries = load_boundaries(None)
    boundaries = replace(boundaries, source=LONG_SOURCE)
    snap = ex.Snapshot.of(load_sample(boundaries), boundaries, a.ViewOptions(), "fr")
    page.set_content(ex.export(snap, "html").decode("utf-8"), wait_until="load")
    frame = page.main_frame
    frame.wait_for_function(
        "n => document.querySelectorAll('path.leaflet-interactive').length >= n",
        arg=_harness.REGIONS,
    )
    view = _box(frame, ".leaflet-container")
    beside = 0
    for shape in _harness.shapes(frame):
        tip = _harness.tooltip_of(frame, shape)
        assert tip.area  # the tooltip is there
        tip_box = _box(frame, ".leaflet-tooltip")
        shape_box = shape.locator.bounding_box()
        assert shape_box is not None
        if _room_beside(shape_box, tip_box, view):
            assert not _overlap(tip_box, shape_box), (tip.area, tip_box, shape_box)
            beside += 1
        else:  # an area that fills the map: at least the cursor's spot stays clear
            cursor = {"x": shape_box["x"] + shape.x - 8, "y": shape_box["y"] + shape.y - 8}
            assert not _overlap(tip_box, {**cursor, "width": 16, "height": 16}), tip.area
    assert beside >= 5  # most regions have room beside them
    credit = _box(frame, ".leaflet-control-attribution")
    scale = _box(frame, ".leaflet-control-scale")
    assert LONG_SOURCE.split(",")[0] in frame.locator(".leaflet-control-attribution").inner_text()
    assert not _overlap(credit, scale)
    assert credit["width"] <= view["width"] / 2 + 1
