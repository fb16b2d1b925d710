"""Browser: the Streamlit page's stages a planner waits for, against a bare st_folium page.

In Debian's Chromium with every request off 127.0.0.1 aborted (the browser tests' harness),
wall clock from the action to the map's shapes drawn in the ``st_folium`` frame:

- first visit (a fresh server, its caches empty) and a later visit (a new browser context);
- a view switch (density to coverage gaps) and the language switch;
- an upload of a 3W (OCHA's real Mali 5W when ``../shared/data`` is there) to its map, each
  run a copy with new bytes (nothing served from a cache keyed on the file).

The baseline, measured in the same run, is a bare Streamlit page showing one ``st_folium``
map of the same areas (the embedded regions as ``folium.GeoJson``, nothing else): first and
later visit. The commune-level rows (COD-AB adm3 uploaded, then the 5W) are not measured yet.

``python -m benchmarks.app_stages_bench`` prints the table; ``python -m benchmarks --only
stages`` runs it with the others.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from benchmarks import generate
from benchmarks._runner import Row, markdown_table
from benchmarks.browser_bench import _harness
from ngomap.render.webassets import install_static

RUNS: Final = 3
TIMEOUT_MS: Final = 180_000
MALI_5W: Final = "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"
BARE_APP: Final = """
import folium
import streamlit as st
from streamlit_folium import st_folium

from ngomap.areas.boundaries import embedded_regions
from ngomap.render.webassets import local_assets

areas = embedded_regions().level_areas()
fmap = folium.Map(location=[17, -4], zoom_start=5, tiles=None)
assets = local_assets()  # Leaflet from this app's static/ folder: the network is cut
fmap.default_js = list(assets.js)
fmap.default_css = list(assets.css)
folium.GeoJson(areas.__geo_interface__).add_to(fmap)
st.title("Qui fait quoi où")
st_folium(fmap, height=540, use_container_width=True, returned_objects=[])
"""
# True once some map frame has ``n`` shapes not marked ``old``; marks them ``mark``
# (st_folium redraws its map in the same frame: new shapes are new elements).
_DRAWN: Final = """
([frameSelector, n, old, mark]) => {
    for (const frame of document.querySelectorAll(frameSelector)) {
        const doc = frame.contentDocument;
        if (!doc) { continue; }
        const shapes = Array.from(doc.querySelectorAll('path.leaflet-interactive'))
            .filter((p) => !old || p.dataset.bench !== old);
        if (shapes.length >= n) {
            shapes.forEach((p) => { p.dataset.bench = mark; });
            return true;
        }
    }
    return false;
}
"""


def _drawn(page: Any, harness: Any, *, old: str = "", mark: str = "seen") -> None:
    """Wait until a map frame has every region drawn anew (shapes not marked ``old``)."""
    page.wait_for_function(
        _DRAWN,
        arg=[harness.MAP_IFRAME, harness.REGIONS, old, mark],
        polling="raf",
        timeout=TIMEOUT_MS,
    )


def _visit(browser: Any, harness: Any, url: str) -> float:
    context, _ = harness.new_context(browser)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        _drawn(page, harness)
        return time.perf_counter() - start
    finally:
        context.close()


def _action(browser: Any, harness: Any, url: str, act: Callable[[Any], None], done: str) -> float:
    """Open the page, then time ``act`` until ``done`` is shown and the map is drawn anew."""
    context, _ = harness.new_context(browser)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        _drawn(page, harness, mark="before")
        page.wait_for_timeout(500)
        start = time.perf_counter()
        act(page)
        page.get_by_text(done).first.wait_for(timeout=TIMEOUT_MS)
        _drawn(page, harness, old="before", mark="after")
        return time.perf_counter() - start
    finally:
        context.close()


def _row(
    name: str, samples: list[float], baseline: list[float] | None = None, *, goal: float
) -> Row:
    """A row with the issue's goal in seconds (issue 12, measured at commune level there)."""
    return Row(
        group="stages",
        name=name,
        value=statistics.median(samples),
        baseline=statistics.median(baseline) if baseline else None,
        unit="s",
        baseline_name="bare st_folium page" if baseline else "",
        runs=len(samples),
        goal=f"≤ {goal:g} s",
        goal_value=goal,
        details={"samples_s": samples, "baseline_samples_s": baseline or []},
    )


def _new_files(path: Path, folder: Path, count: int) -> list[Path]:
    """``count`` copies of a workbook, each new bytes (its zip comment says which run) with
    the same cells: every upload is read and imported, none served from a cache."""
    copies = []
    for run in range(count):
        copy = folder / f"upload_{run}" / path.name
        copy.parent.mkdir()
        shutil.copyfile(path, copy)
        with zipfile.ZipFile(copy, "a") as archive:
            archive.comment = f"ngomap benchmark, upload {run}".encode()
        copies.append(copy)
    return copies


def _bare_visits(browser: Any, harness: Any, tmp: Path) -> tuple[list[float], list[float]]:
    app = tmp / "bare_app.py"
    app.write_text(BARE_APP, encoding="utf-8")
    install_static(tmp / "static")
    original = harness.APP
    harness.APP = app
    try:
        server = harness.start_app(tmp / "bare.log")
    finally:
        harness.APP = original
    try:
        first = [_visit(browser, harness, server.url)]
        later = [_visit(browser, harness, server.url) for _ in range(RUNS)]
    finally:
        server.stop()
    return first, later


def run(*, quick: bool = False) -> list[Row]:
    """First and later visit, view and language switch, upload to map; bare page alongside."""
    if quick:
        return [Row("stages", "app stages", None, status="skipped (--quick)")]
    harness = _harness()
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="ngomap-stages-") as name,
        harness.running_browser() as browser,
    ):
        tmp = Path(name)
        bare_first, bare_later = _bare_visits(browser, harness, tmp)
        server = harness.start_app(tmp / "app.log")
        try:
            first = [_visit(browser, harness, server.url)]
            later = [_visit(browser, harness, server.url) for _ in range(RUNS)]
            rows.append(
                _row("first visit to the map drawn (fresh server)", first, bare_first, goal=3)
            )
            rows.append(_row("later visit to the map drawn", later, bare_later, goal=1.5))
            gaps = [
                _action(
                    browser,
                    harness,
                    server.url,
                    lambda page: page.get_by_text("Zones non couvertes").first.click(),
                    "Zones non couvertes",
                )
                for _ in range(RUNS)
            ]
            rows.append(_row("view switch to coverage gaps, map drawn", gaps, goal=1))
            english = [
                _action(
                    browser,
                    harness,
                    server.url,
                    lambda page: page.get_by_text("English", exact=True).first.click(),
                    "Who does what where",
                )
                for _ in range(RUNS)
            ]
            rows.append(_row("language switch to English, map drawn", english, goal=1.5))
            root = generate.shared_data()
            if root is not None and (root / MALI_5W).is_file():
                copies = _new_files(root / MALI_5W, tmp, RUNS)

                def upload(page: Any) -> None:
                    page.locator('[data-testid="stFileUploader"]').filter(
                        has_text="Fichier CSV ou Excel"
                    ).locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                        str(copies[0])
                    )

                uploads = []
                for _ in range(RUNS):
                    name = f"Vos données : {copies[0].name}"
                    uploads.append(_action(browser, harness, server.url, upload, name))
                    copies.pop(0)
                rows.append(
                    _row("upload of the real Mali 5W (22,805 rows) to its map", uploads, goal=4)
                )
            else:
                rows.append(Row("stages", "upload of the 5W", None, status="skipped (no data)"))
        finally:
            server.stop()
    rows.append(
        Row("stages", "commune level (COD-AB adm3 + 5W)", None, status="skipped (not measured yet)")
    )
    return rows


def main() -> None:
    print(markdown_table(run(quick="--quick" in sys.argv[1:])))


if __name__ == "__main__":
    main()
