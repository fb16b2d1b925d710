"""Browser: time from navigation to the map's shapes drawn, in Debian's Chromium, offline.

Two kinds of measure, each page opened in a fresh browser context (cold cache) in which
every request off 127.0.0.1 is aborted (the harness of the browser tests):

- the map page alone, at region and commune level: ngomap's choropleth against the naive
  folium map of the same data (raw geometry, a popup per area), both rendered to HTML and
  served from a local HTTP server with Leaflet copied next to them (the naive map's other
  CDN assets are blocked, as they would be offline). The time is the page's own clock
  (``performance.now()``, from navigation start) when the last area's path is in the DOM,
  polled on every animation frame.
- the Streamlit app as a planner opens it (embedded regions and sample): navigation to the
  regions drawn in the ``st_folium`` frame. No baseline: it is the page itself.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, Final

from benchmarks import generate
from benchmarks._runner import Row
from benchmarks.views_bench import (
    FILTER_SECTORS,
    LABELS,
    LEVEL_NAMES,
    _at_level,
    has_topology,
    map_areas,
    map_config,
    map_options,
    naive_folium_map,
)
from ngomap import analysis as a
from ngomap.render.classes import classify_counts
from ngomap.render.webassets import STATIC_SUBDIR, Assets, install_static, local_assets
from ngomap.render.webmap import choropleth

REPO: Final = Path(__file__).resolve().parents[1]
HARNESS_DIR: Final = REPO / "tests" / "browser"
RECORDS: Final = 10_000
QUICK_RECORDS: Final = 1_000
LEVELS: Final = ("adm1", "adm3")
QUICK_LEVELS: Final = ("adm1",)
RUNS: Final = 5
QUICK_RUNS: Final = 1
APP_RUNS: Final = 3
TIMEOUT_MS: Final = 120_000
# folium's Popup calls jQuery's $: offline, the naive map only draws with a local jQuery.
# Debian's libjs-jquery has one; without it the naive baseline is reported as not drawing.
JQUERY_CANDIDATES: Final = (
    Path("/usr/share/javascript/jquery/jquery.min.js"),
    Path("/usr/share/javascript/jquery/jquery.js"),
)
SHAPES: Final = "path.leaflet-interactive"
# Resolves with the page's clock once ``n`` shapes are drawn (polled every frame).
_DRAWN_JS: Final = """
n => {
    const drawn = document.querySelectorAll('path.leaflet-interactive').length;
    return drawn >= n ? performance.now() : false;
}
"""
_APP_DRAWN_JS: Final = """
([frameSelector, n]) => {
    const frame = document.querySelector(frameSelector);
    const doc = frame && frame.contentDocument;
    if (!doc) { return false; }
    if (!frame.dataset.benchScrolled) { frame.scrollIntoView(); frame.dataset.benchScrolled = 1; }
    const drawn = doc.querySelectorAll('path.leaflet-interactive').length;
    return drawn >= n ? performance.now() : false;
}
"""


def _harness() -> Any:
    """tests/browser/_harness.py (app server, Chromium, offline contexts), imported by path."""
    if str(HARNESS_DIR) not in sys.path:
        sys.path.insert(0, str(HARNESS_DIR))
    import _harness

    return _harness


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing when the browser drops a connection (a context closed mid-load)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    """``root`` served on 127.0.0.1 and a free port, in a thread, for a ``with`` block."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def local_jquery(root: Path) -> str | None:
    """Copy Debian's jQuery under ``root``/static; its URL, or None when there is none."""
    for candidate in JQUERY_CANDIDATES:
        if candidate.is_file():
            target = root / "static" / "vendor" / "jquery.min.js"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(candidate, target)
            return "/static/vendor/jquery.min.js"
    return None


def _local_leaflet(fmap: Any, assets: Assets, jquery: str | None) -> None:
    """Point a folium map's Leaflet (and jQuery, when there is a local one) at local copies."""
    local = dict(assets.js) | dict(assets.css)
    if jquery:
        local["jquery"] = jquery
    fmap.default_js = [(name, local.get(name, url)) for name, url in fmap.default_js]
    fmap.default_css = [(name, local.get(name, url)) for name, url in fmap.default_css]


def write_pages(
    root: Path, level: str, n: int, jquery: str | None, *, topology: bool = False
) -> dict[str, Any]:
    """ngomap's and the naive map's HTML for ``level``, written under ``root``.

    ngomap's page is ``ngomap_<level>[_topo].html``, the naive one ``naive_<level>.html``.
    """
    mali = generate.mali_boundaries()
    boundaries = _at_level(mali.boundaries, level)
    records = generate.synthetic_records(n, level=level, boundaries=mali.boundaries)
    filters = a.Filters(sectors=FILTER_SECTORS[0])
    table = a.density(records, boundaries, filters=filters)
    areas, geometry = map_areas(boundaries, level)
    assets = local_assets("/static")
    classes = classify_counts([float(v) for v in table[a.VALUE]])
    fmap = choropleth(
        areas,
        table,
        labels=LABELS,
        value_column=a.VALUE,
        classes=classes,
        assets=assets,
        **map_options(topology),  # GeoJSON unless asked: as the page draws
    )
    raw = boundaries.level_areas(level)
    naive = naive_folium_map(records, raw, FILTER_SECTORS[0])
    _local_leaflet(naive, assets, jquery)
    ours = f"ngomap_{level}{'_topo' if topology else ''}"
    pages = {ours: fmap.get_root().render(), f"naive_{level}": naive.get_root().render()}
    sizes = {}
    for name, page in pages.items():
        data = page.encode("utf-8")
        (root / f"{name}.html").write_bytes(data)
        sizes[name] = len(data)
    return {
        "shapes": int((~areas.geometry.is_empty).sum()),
        "naive_shapes": int((~raw.geometry.is_empty).sum()),
        "areas": len(raw),
        "geometry": map_config(geometry, topology),
        "page": f"{ours}.html",
        "html_bytes": sizes[ours],
        "baseline_html_bytes": sizes[f"naive_{level}"],
        "boundaries": mali.source,
    }


def _time_page(browser: Any, harness: Any, url: str, shapes: int) -> float:
    """Seconds from navigation start to ``shapes`` drawn, in a fresh offline context."""
    context, _ = harness.new_context(browser)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        handle = page.wait_for_function(_DRAWN_JS, arg=shapes, polling="raf", timeout=TIMEOUT_MS)
        return float(handle.json_value()) / 1000
    finally:
        context.close()


def _alternate(
    first: Callable[[], float], second: Callable[[], float] | None, runs: int, warmup: int
) -> tuple[list[float], list[float]]:
    for _ in range(warmup):
        first()
        if second is not None:
            second()
    a_times, b_times = [], []
    for _ in range(runs):
        a_times.append(first())
        if second is not None:
            b_times.append(second())
    return a_times, b_times


def map_page_rows(
    browser: Any,
    harness: Any,
    *,
    levels: tuple[str, ...],
    runs: int,
    records: int,
    warmup: int,
    topology: bool = False,
) -> list[Row]:
    """Navigation to shapes drawn, ngomap's map page against the naive one, per level.

    With ``topology``, the finest level's TopoJSON page (decoded in the browser) too.
    """
    plan = [(level, False) for level in levels]
    if topology and has_topology():
        plan.append((levels[-1], True))
    rows = []
    with tempfile.TemporaryDirectory(prefix="ngomap-bench-") as tmp:
        root = Path(tmp)
        install_static(root / "static")
        assert (root / "static" / STATIC_SUBDIR / "leaflet.js").is_file()
        jquery = local_jquery(root)
        facts = {
            (level, topo): write_pages(root, level, records, jquery, topology=topo)
            for level, topo in plan
        }
        with static_server(root) as base:
            for level, topo in plan:
                info = facts[level, topo]
                ours, naive = _alternate(
                    partial(_time_page, browser, harness, f"{base}/{info['page']}", info["shapes"]),
                    partial(
                        _time_page,
                        browser,
                        harness,
                        f"{base}/naive_{level}.html",
                        info["naive_shapes"],
                    )
                    if jquery
                    else None,
                    runs,
                    warmup=warmup,
                )
                rows.append(
                    Row(
                        group="browser",
                        name=f"map page drawn, {LEVEL_NAMES[level]} ({info['areas']}), offline"
                        + (", TopoJSON map" if topo else ""),
                        value=statistics.median(ours),
                        baseline=statistics.median(naive) if naive else None,
                        unit="s",
                        baseline_name="naive folium",
                        runs=runs,
                        details={
                            **info,
                            "level": level,
                            "records": records,
                            "samples_s": ours,
                            "baseline_samples_s": naive,
                            "baseline_note": (
                                "folium defaults, Leaflet and jQuery served locally, other CDN "
                                "assets blocked"
                                if jquery
                                else "naive map not timed: folium's Popup needs jQuery, "
                                "blocked offline (install Debian's libjs-jquery)"
                            ),
                        },
                    )
                )
    return rows


def app_row(browser: Any, harness: Any, *, runs: int) -> Row:
    """Navigation to the regions drawn in the running Streamlit app (embedded sample)."""
    name = f"app page drawn, regions ({harness.REGIONS}, embedded sample), offline"
    with tempfile.TemporaryDirectory(prefix="ngomap-bench-app-") as tmp:
        server = harness.start_app(Path(tmp) / "streamlit.log")
        try:
            stages: list[dict[str, float]] = []

            def once() -> float:
                context, _ = harness.new_context(browser)
                try:
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(server.url, wait_until="commit", timeout=TIMEOUT_MS)
                    page.get_by_role("heading", level=1).first.wait_for(timeout=TIMEOUT_MS)
                    script = time.perf_counter() - start
                    page.locator(harness.MAP_IFRAME).first.wait_for(
                        state="attached", timeout=TIMEOUT_MS
                    )
                    frame = time.perf_counter() - start
                    page.wait_for_function(
                        _APP_DRAWN_JS,
                        arg=[harness.MAP_IFRAME, harness.REGIONS],
                        polling="raf",
                        timeout=TIMEOUT_MS,
                    )
                    drawn = time.perf_counter() - start
                    stages.append({"title_s": script, "map_frame_s": frame, "drawn_s": drawn})
                    return drawn
                finally:
                    context.close()

            once()  # the first visit fills Streamlit's caches
            samples = [once() for _ in range(runs)]
            timed = stages[1:]
        finally:
            server.stop()
    return Row(
        group="browser",
        name=name,
        value=statistics.median(samples),
        unit="s",
        runs=runs,
        details={
            "samples_s": samples,
            "level": "adm1",
            "clock": "wall clock from page.goto (title shown, map frame attached, drawn)",
            "stages_s": {k: statistics.median(s[k] for s in timed) for k in timed[0]},
        },
    )


def run(*, quick: bool = False) -> list[Row]:
    """The map pages at region (and, in the full run, commune) level; the app in full runs."""
    try:
        harness = _harness()
        harness.chromium_path()
    except Exception as exc:  # no Chromium, no Playwright, harness being rewritten
        return [Row("browser", "browser", None, status=f"skipped ({exc})")]
    levels = QUICK_LEVELS if quick else LEVELS
    runs = QUICK_RUNS if quick else RUNS
    rows: list[Row] = []
    with harness.running_browser() as browser:
        rows.extend(
            map_page_rows(
                browser,
                harness,
                levels=levels,
                runs=runs,
                records=QUICK_RECORDS if quick else RECORDS,
                warmup=0 if quick else 1,
                topology=not quick,
            )
        )
        if quick:
            rows.append(Row("browser", "app page drawn", None, status="skipped (--quick)"))
        else:
            try:
                rows.append(app_row(browser, harness, runs=APP_RUNS))
            except Exception as exc:
                rows.append(Row("browser", "app page drawn", None, status=f"error: {exc}"[:300]))
    if not quick:
        rows.append(
            Row(
                "browser",
                "app page drawn, communes",
                None,
                status="skipped (the page shows the embedded regions only)",
            )
        )
    return rows
