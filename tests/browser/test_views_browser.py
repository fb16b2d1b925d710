"""The views in a real browser: a click opens the area's actors; names never run as HTML."""

from __future__ import annotations

from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def opened(page: Page, app_url: str) -> Page:
    _harness.open_app(page, app_url)
    return page


def shape_named(frame: Frame, name: str) -> _harness.Shape:
    for shape in _harness.shapes(frame):
        if _harness.tooltip_of(frame, shape).area == name:
            return shape
    raise AssertionError(f"no region named {name} on the map")


def test_click_on_a_region_opens_its_actor_list(opened: Page) -> None:
    frame = _harness.map_frame(opened)
    mopti = shape_named(frame, "Mopti")
    mopti.locator.click(position={"x": mopti.x, "y": mopti.y})
    expect(opened.get_by_text("Acteurs à Mopti")).to_be_visible(timeout=30_000)
    # One folded line per sector with its count; the names in a table inside each.
    sector = opened.locator('[data-testid="stExpander"]').filter(has_text="Santé").first
    expect(sector).to_be_visible()
    sector.locator("summary").click()
    panel = sector.locator('[data-testid="stTable"]').first
    expect(panel).to_contain_text("Association")  # the sample's names


def test_a_hostile_name_shows_as_text_and_runs_nothing(
    opened: Page, watch: _harness.Watch, tmp_path: Path
) -> None:
    data = tmp_path / "hostile.csv"
    data.write_text(
        "Nom de l'organisation,Secteur,Région,Code région\n"
        "#org+name,#sector,#adm1+name,#adm1+code\n"
        f"{XSS},Santé,Mopti,ML05\n"
        "Puits Bleus,Santé,Mopti,ML05\n",
        encoding="utf-8",
    )
    uploader = (
        opened.locator('[data-testid="stFileUploader"]')
        .filter(has_text="Fichier CSV ou Excel")
        .locator('[data-testid="stFileUploaderDropzoneInput"]')
    )
    uploader.set_input_files(str(data))
    expect(opened.get_by_text("Vos données : hostile.csv")).to_be_visible(timeout=60_000)
    # The page reruns while the file is imported and the map is remounted with the new
    # data: look again until Mopti's tooltip shows the uploaded names.
    names = ""
    for _attempt in range(10):
        try:
            frame = _harness.map_frame(opened)
            mopti = shape_named(frame, "Mopti")
            names = _harness.tooltip_of(frame, mopti).names
        except (PlaywrightError, AssertionError):
            opened.wait_for_timeout(1_000)
            continue
        if XSS in names:
            break
        opened.wait_for_timeout(1_000)
    assert XSS in names  # shown as text, angle brackets and all
    mopti.locator.click(position={"x": mopti.x, "y": mopti.y})
    expect(opened.get_by_text("Acteurs à Mopti")).to_be_visible(timeout=30_000)
    expect(opened.locator('[data-testid="stTable"]').filter(has_text=XSS).first).to_be_attached()
    opened.wait_for_timeout(1_000)
    assert frame.locator('img[src="x"]').count() == 0
    assert opened.locator('img[src="x"]').count() == 0
    assert watch.dialogs == []
