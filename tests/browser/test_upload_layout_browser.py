"""At 1366x768, after a 3W upload, the view selector, the main filters and the top of the map
show without scrolling (the import's details stay in their own tab)."""

from __future__ import annotations

import os
from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser

REGIONS = ("Kayes;ML01", "Koulikoro;ML02", "Sikasso;ML03", "Ségou;ML04", "Mopti;ML05")
SECTORS = ("Santé", "EHA", "Éducation", "Sécurité alimentaire")


def _three_w(path: Path) -> Path:
    """A 3W as offices send them: French headers, an unrecognised column, 40 rows."""
    lines = ["Organisation;Secteur;Région;Code région;Remarque du bureau"]
    for i in range(40):
        region = REGIONS[i % len(REGIONS)]
        lines.append(f"ONG {i % 13};{SECTORS[i % len(SECTORS)]};{region};note {i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_after_an_upload_the_view_filters_and_map_top_fit_1366x768(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    try:
        page = context.new_page()
        _harness.open_app(page, app_url)
        _harness.map_frame(page)
        uploader = (
            page.locator('[data-testid="stFileUploader"]')
            .filter(has_text="Fichier CSV ou Excel")
            .locator('[data-testid="stFileUploaderDropzoneInput"]')
        )
        uploader.set_input_files(str(_three_w(tmp_path / "bureau_3w.csv")))
        expect(page.get_by_text("Vos données : bureau_3w.csv")).to_be_visible(timeout=90_000)
        _harness.map_frame(page)
        page.wait_for_timeout(1_000)  # the rerun with the new data settles
        page.locator("h1").first.scroll_into_view_if_needed()  # at the top, as after the upload
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(500)
        out = Path(os.environ.get("NGOMAP_SCREENSHOT_DIR", tmp_path)) / "upload_1366x768.png"
        page.screenshot(path=str(out))

        def box(selector: str) -> dict[str, float]:
            found = page.locator(selector).first.bounding_box()
            assert found is not None, selector
            return {k: found[k] for k in ("x", "y", "width", "height")}

        view = box('[data-testid="stSidebar"] [data-testid="stRadio"]')  # the view selector
        assert view["y"] >= 0, view
        assert view["y"] + view["height"] <= 768, view
        # The sectors filter: its label and first row of chosen sectors (the list of chips
        # grows with the sectors chosen, and the sidebar scrolls on its own).
        sectors = box('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
        assert sectors["y"] >= 0, sectors
        assert sectors["y"] + 48 <= 768, sectors
        map_box = box(_harness.MAP_IFRAME)
        assert map_box["y"] >= 0, map_box
        assert map_box["y"] + 200 <= 768, f"the map starts at {map_box}"
        assert map_box["x"] + map_box["width"] <= 1366
    finally:
        context.close()
