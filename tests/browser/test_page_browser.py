"""The page in a real browser, offline: it loads in French and the map draws from 127.0.0.1.

Every request to another host than 127.0.0.1 is aborted (see conftest.py), so a map that
draws proves Leaflet came from the app's static folder, not a CDN.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import _harness
import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser


@pytest.fixture
def opened(page: Page, app_url: str) -> Page:
    """``page`` with the app loaded (script run once)."""
    _harness.open_app(page, app_url)
    return page


def test_page_loads_in_french(opened: Page, watch: _harness.Watch) -> None:
    expect(opened.get_by_role("heading", name="Qui fait quoi où")).to_be_visible()
    expect(opened.get_by_text("Données d'exemple", exact=False).first).to_be_visible()
    assert watch.dialogs == []


def test_map_draws_every_region_from_local_leaflet(opened: Page, app_url: str) -> None:
    frame = _harness.map_frame(opened)
    assert frame.locator(_harness.SHAPES).count() == _harness.REGIONS
    scripts: list[str] = frame.evaluate(
        "() => Array.from(document.scripts).map(s => s.src).filter(s => /leaflet/i.test(s))"
    )
    assert scripts, "no Leaflet script in the map frame"
    assert all(src.startswith(f"{app_url}/") for src in scripts), scripts


def test_only_map_tiles_are_blocked(opened: Page, watch: _harness.Watch) -> None:
    frame = _harness.map_frame(opened)
    # Let the tile requests go out (Streamlit's websocket does not count as network activity).
    with contextlib.suppress(PlaywrightTimeoutError):
        opened.wait_for_load_state("networkidle", timeout=10_000)
    assert frame.locator(_harness.SHAPES).count() == _harness.REGIONS
    others = sorted(
        url for url in watch.blocked if not _harness.TILE_HOST.search(urlsplit(url).hostname or "")
    )
    assert not others, f"requests off 127.0.0.1 other than OpenStreetMap tiles: {others}"


def test_hover_shows_region_count_and_names(opened: Page) -> None:
    frame = _harness.map_frame(opened)
    shapes = _harness.shapes(frame)
    assert len(shapes) == _harness.REGIONS, "some regions cannot be hovered"
    for shape in shapes:
        tip = _harness.tooltip_of(frame, shape)
        assert tip.lines, f"empty tooltip: {tip.text!r}"
        assert tip.lines[0][0] == "Région", tip.text
        assert tip.area, tip.text
        assert tip.value is not None, f"no number in the tooltip: {tip.text!r}"
        if tip.value > 0:
            shown = re.sub(r"\s*\(\+\d+ autres\)$", "", tip.names)
            assert shown.strip(), f"no organisation named in the tooltip: {tip.text!r}"
            return
    pytest.fail("no region has any organisation in the sample")


def test_legend_shows_the_zero_class(opened: Page) -> None:
    frame = _harness.map_frame(opened)
    legend = frame.locator(".ngomap-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("0 (aucune)")


def test_attribution_credits_natural_earth(opened: Page) -> None:
    frame = _harness.map_frame(opened)
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("Natural Earth")


def test_screenshot_tool(browser: Browser, app_url: str, tmp_path: Path) -> None:
    out = _harness.screenshot(browser, app_url, tmp_path / "screenshot.png")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000, f"{out} is only {len(data)} bytes"
