"""The map's background in Chromium: no tile request by default, tiles tried when switched on.

Requests off 127.0.0.1 are aborted and recorded (conftest.py), so the test counts the page's
attempts to reach OpenStreetMap's tile servers: none while the switch is off.
"""

from __future__ import annotations

import contextlib
import time
from urllib.parse import urlsplit

import _harness
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser

WAIT_FOR_TILES_S = 20.0


def tile_requests(watch: _harness.Watch) -> list[str]:
    return [u for u in watch.blocked if _harness.TILE_HOST.search(urlsplit(u).hostname or "")]


def test_off_by_default_no_tile_request_and_the_basemap_draws(
    page: Page, app_url: str, watch: _harness.Watch
) -> None:
    _harness.open_app(page, app_url)
    frame = _harness.map_frame(page)
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=10_000)
    assert tile_requests(watch) == []
    assert frame.locator("img.leaflet-tile").count() == 0  # no tile layer at all
    # Countries, lakes and rivers under the areas; the capital named over them.
    assert frame.locator(".leaflet-ngomapBasemap-pane path").count() >= 3
    expect(frame.locator(".ngomap-town", has_text="Bamako")).to_be_visible()
    # Names that fit do not overlap one another.
    boxes = frame.evaluate(
        """() => Array.from(document.querySelectorAll('.ngomap-town'))
            .filter(e => e.style.display !== 'none')
            .map(e => { const r = e.getBoundingClientRect();
                        return [r.left, r.top, r.right, r.bottom]; })"""
    )
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
    # The areas still answer the pointer through the names and dots.
    assert len(_harness.shapes(frame)) == _harness.REGIONS


def test_switched_on_by_the_link_the_map_asks_for_tiles(
    page: Page, app_url: str, watch: _harness.Watch
) -> None:
    _harness.open_app(page, f"{app_url}/?tiles=1")
    _harness.map_frame(page)
    switch = page.get_by_role("switch", name="Fond OpenStreetMap (internet)")
    expect(switch).to_be_checked()
    deadline = time.monotonic() + WAIT_FOR_TILES_S
    while not tile_requests(watch) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert tile_requests(watch), "no request for a tile with the switch on"
