"""Where a later visit's time goes in the browser, against the bare ``st_folium`` page.

For each visit (a new Chromium context on a server whose page has run once), the seconds
from the request to: the page's ``load`` event (Streamlit's own script), the first and last
websocket message of the script's run, the title shown, the map's frame attached, and the
map's shapes drawn. Run by hand, not part of the table::

    python -m benchmarks.visit_phases [VISITS]

On 2026-11-30 (09:20) this showed the bare page drawing its map 0.15 s after its title,
and ngomap's 1.0-1.5 s after: the browser loading and running Streamlit's lazily loaded
parts (the data grid above all) and rendering every element of the page. See README.md,
"No data grid on a first look".
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

from benchmarks.app_stages_bench import BARE_APP, TIMEOUT_MS, _drawn
from benchmarks.browser_bench import _harness
from ngomap.render.webassets import install_static
from ngomap.serve import warm_page

PHASES: Final = ("load", "first message", "last message", "title", "map frame", "map drawn")
TITLE: Final = "Qui fait quoi où"  # both pages' title


def visit(browser: Any, harness: Any, url: str) -> dict[str, float]:
    """One visit in a new context: each phase's time from the request, in seconds."""
    context, _ = harness.new_context(browser)
    try:
        page = context.new_page()
        frames: list[float] = []
        start = time.perf_counter()
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda _: frames.append(time.perf_counter())),
        )
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_load_state("load", timeout=TIMEOUT_MS)
        loaded = time.perf_counter()
        page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT_MS)
        titled = time.perf_counter()
        page.locator(harness.MAP_IFRAME).first.wait_for(state="attached", timeout=TIMEOUT_MS)
        framed = time.perf_counter()
        _drawn(page, harness)
        drawn = time.perf_counter()
        times = (loaded, frames[0], frames[-1], titled, framed, drawn)
        return {phase: at - start for phase, at in zip(PHASES, times, strict=True)}
    finally:
        context.close()


def measure(app: Path | None, visits: int, log: Path) -> list[dict[str, float]]:
    """``visits`` later visits to ``app`` (ngomap's page when None)."""
    harness = _harness()
    original = harness.APP
    harness.APP = app or original
    try:
        server = harness.start_app(log)
    finally:
        harness.APP = original
    try:
        warm_page(server.url)
        with harness.running_browser() as browser:
            visit(browser, harness, server.url)  # the browser's own first start, not counted
            return [visit(browser, harness, server.url) for _ in range(visits)]
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    visits = int(args[0]) if args else 6
    with tempfile.TemporaryDirectory(prefix="ngomap-phases-") as name:
        tmp = Path(name)
        bare = tmp / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        install_static(tmp / "static")
        pages = {"ngomap": measure(None, visits, tmp / "ngomap.log")}
        pages["bare st_folium page"] = measure(bare, visits, tmp / "bare.log")
    print(f"median of {visits} later visits, seconds from the request")
    print(f"| page | {' | '.join(PHASES)} |")
    print(f"|------|{'|'.join('---:' for _ in PHASES)}|")
    for page, found in pages.items():
        cells = " | ".join(f"{statistics.median(v[p] for v in found):.2f}" for p in PHASES)
        print(f"| {page} | {cells} |")


if __name__ == "__main__":
    main()
