"""The page in a real browser: Streamlit's own words in French; the map in sight at 1366x768."""

from __future__ import annotations

import os
from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

# Streamlit's English words that must not show on the French page (visible text, labels).
ENGLISH = ("Upload", "per file", "Drag and drop", "Browse files", "Choose a date")
SCOPE_TEXT = """(scope) => Array.from(document.querySelectorAll(scope)).map((el) =>
  [el.innerText, ...Array.from(el.querySelectorAll("[aria-label],[title],[placeholder]")).map(
    (e) => [e.getAttribute("aria-label"), e.getAttribute("title"), e.getAttribute("placeholder")]
      .filter(Boolean).join(" "))].join(" ")).join(" ")"""
SCOPE = '[data-testid="stFileUploader"], [data-testid="stDateInput"], [data-baseweb="calendar"]'


FIT = """() => {
  const boxes = Array.from(document.querySelectorAll("path.leaflet-interactive"))
    .map((p) => p.getBoundingClientRect());
  const map = document.querySelector(".leaflet-container").getBoundingClientRect();
  return {
    left: Math.min(...boxes.map((b) => b.left)) - map.left,
    top: Math.min(...boxes.map((b) => b.top)) - map.top,
    right: Math.max(...boxes.map((b) => b.right)) - map.left,
    bottom: Math.max(...boxes.map((b) => b.bottom)) - map.top,
    width: map.width, height: map.height,
  };
}"""


def _words(page: Page) -> str:
    return str(page.evaluate(SCOPE_TEXT, SCOPE))


def test_streamlit_words_are_french_on_the_french_page(page: Page, app_url: str) -> None:
    _harness.open_app(page, app_url)
    _harness.map_frame(page)
    uploader = page.locator('[data-testid="stFileUploaderDropzone"]').first
    uploader.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.body.innerText.includes('Mo par fichier')", timeout=20_000
    )
    shown = _words(page)
    assert "Parcourir" in shown
    assert "50 Mo par fichier" in shown
    shown = _words(page)
    for word in ENGLISH:
        assert word not in shown, (word, shown[:400])


def test_the_multiselects_list_speaks_french(page: Page, app_url: str) -> None:
    """Streamlit's list offers "Select all" above the options: French on the French page."""
    _harness.open_app(page, app_url)
    _harness.map_frame(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Organisations").first
    box.get_by_role("combobox").click()
    page.keyboard.press("ArrowDown")  # the list opens
    listbox = page.locator('[role="listbox"]').first
    listbox.wait_for(timeout=20_000)
    page.wait_for_function(
        "() => (document.querySelector('[role=listbox]') || {}).innerText?.includes("
        "'Tout sélectionner')",
        timeout=20_000,
    )
    assert "Select all" not in listbox.inner_text()
    page.keyboard.press("Escape")
    # The help button of a widget is read out in French too.
    helps = page.locator('[data-testid="stTooltipIcon"] button').evaluate_all(
        "(els) => els.map((e) => e.getAttribute('aria-label'))"
    )
    assert helps, "no help buttons on the page"
    assert not [h for h in helps if h.startswith("Help for")], helps
    assert "Aide : Organisations" in helps, helps


def test_the_english_page_keeps_streamlits_english(page: Page, app_url: str) -> None:
    page.goto(app_url + "/?lang=en", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Who does what where").wait_for(timeout=60_000)
    page.wait_for_function("() => document.body.innerText.includes('per file')", timeout=20_000)
    assert "Mo par fichier" not in _words(page)


def test_at_1366x768_the_view_filters_and_map_top_show_without_scrolling(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    try:
        page = context.new_page()
        _harness.open_app(page, app_url)
        frame = _harness.map_frame(page)
        # The map fits the country on load: every area inside the map, filling much of it.
        fit = frame.evaluate(FIT)
        assert min(fit["left"], fit["top"]) >= 0, fit
        assert fit["right"] <= fit["width"], fit
        assert fit["bottom"] <= fit["height"], fit
        filled = max(
            (fit["right"] - fit["left"]) / fit["width"],
            (fit["bottom"] - fit["top"]) / fit["height"],
        )
        assert filled > 0.5, fit
        page.locator("h1").first.scroll_into_view_if_needed()  # as the page opens: at the top
        page.wait_for_timeout(500)
        out = Path(os.environ.get("NGOMAP_SCREENSHOT_DIR", tmp_path)) / "page_1366x768.png"
        page.screenshot(path=str(out))
        height = 768

        def top(selector: str) -> float:
            box = page.locator(selector).first.bounding_box()
            assert box is not None, selector
            return float(box["y"])

        assert top('[data-testid="stRadio"]') < height  # the view selector
        assert top('[data-testid="stMultiSelect"]') < height  # the sectors filter
        map_top = top(_harness.MAP_IFRAME)
        assert map_top + 200 < height, f"the map starts at {map_top:.0f} px"
    finally:
        context.close()
