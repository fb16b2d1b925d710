"""The page at cercle level on OCHA's COD-AB boundaries, in a real browser, offline.

The app is started with NGOMAP_BOUNDARIES (the COD-AB adm2 zipped shapefile) and
NGOMAP_LEVEL=adm2; every request to another host than 127.0.0.1 is aborted and recorded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import _harness
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = [pytest.mark.browser, pytest.mark.shared_data]

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CERCLES = SHARED_DATA / "boundaries/mali-codab-2021/mli_admbnda_adm2_1m_gov_20211220.shp.zip"
N_CERCLES = 53


@pytest.fixture(scope="module")
def cercle_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on COD-AB cercles, its kept-boundaries folder in a temporary folder."""
    if not CERCLES.is_file():
        pytest.skip(f"real OCHA files not found at {SHARED_DATA} (present in CI only)")
    tmp = tmp_path_factory.mktemp("cercles")
    env = {
        "NGOMAP_BOUNDARIES": str(CERCLES),
        "NGOMAP_LEVEL": "adm2",
        "NGOMAP_DATA_DIR": str(tmp / "data"),
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        server = _harness.start_app(tmp / "streamlit.log")
    except _harness.SetupError as error:
        pytest.fail(str(error), pytrace=False)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        yield server.url
    finally:
        server.stop()


def test_cercle_level_draws_53_shapes_from_127_0_0_1(
    page: Page, cercle_app: str, watch: _harness.Watch
) -> None:
    _harness.open_app(page, cercle_app)
    frame = _harness.map_frame(page)
    frame.wait_for_function(
        "n => document.querySelectorAll('path.leaflet-interactive').length === n",
        arg=N_CERCLES,
        timeout=_harness.MAP_TIMEOUT_MS,
    )
    assert frame.locator(_harness.SHAPES).count() == N_CERCLES
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Cercles", exact=True)).to_be_visible()
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("COD-AB")
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=10_000)
    others = sorted(
        url for url in watch.blocked if not _harness.TILE_HOST.search(urlsplit(url).hostname or "")
    )
    assert not others, f"requests off 127.0.0.1: {others}"
    scripts: list[str] = frame.evaluate(
        "() => Array.from(document.scripts).map(s => s.src).filter(Boolean)"
    )
    assert all(src.startswith(f"{cercle_app}/") for src in scripts), scripts
    tip = _harness.tooltip_of(frame, _harness.shapes(frame)[0])
    assert tip.text.strip(), "no tooltip on the biggest cercle"
