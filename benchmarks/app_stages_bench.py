"""Browser: the Streamlit page's stages a planner waits for, against a bare st_folium page.

In Debian's Chromium with every request off 127.0.0.1 aborted (the browser tests' harness),
wall clock from the action to the map's shapes drawn in the ``st_folium`` frame:

- first visit (a new browser context on a server just started and, as ``ngomap app`` does,
  its page run once: ``ngomap.serve.warm_page``) and a later visit (a new browser context);
- a view switch (density to coverage gaps) and the language switch;
- an upload of a 3W (OCHA's real Mali 5W when ``../shared/data`` is there) to its map.

The baseline, measured in the same run, is a bare Streamlit page showing one ``st_folium``
map of the same areas (the embedded regions as ``folium.GeoJson``, nothing else): first and
later visit.

At commune level (a second server started on COD-AB adm1-3 at adm3, OCHA's real Mali 5W
uploaded once in the page), on the same page one after the other: a filter change (one
organisation more), a click on a commune to its panel shown, a view switch (density and
coverage gaps in turn) and the language switch (English and French in turn). Their baseline
is a bare page with one ``st_folium`` map of the same 701 communes: a rerun that recolours it
(a radio) to the map drawn anew, and a click to the clicked name written beside it.
Skipped, saying so, when ``../shared/data`` is absent. Each row's details hold the bytes the
server sent over the websocket for the stage (``ws_bytes``).

``python -m benchmarks.app_stages_bench`` prints the table; ``python -m benchmarks --only
stages`` runs it with the others.
"""

from __future__ import annotations

import functools
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from benchmarks import generate
from benchmarks._runner import Row, markdown_table
from benchmarks.browser_bench import _harness
from ngomap.render.webassets import install_static
from ngomap.serve import warm_page

RUNS: Final = 3
TIMEOUT_MS: Final = 180_000
MALI_5W: Final = "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"
CODAB: Final = tuple(
    f"boundaries/mali-codab-2021/mli_admbnda_adm{n}_1m_gov_20211220.geojson" for n in (1, 2, 3)
)
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
# The same communes in one st_folium map, nothing else: a radio recolours them (a rerun
# that redraws the map) and a click writes the clicked feature's properties beside it.
BARE_COMMUNES_APP = """
import json
import os

import folium
import streamlit as st
from streamlit_folium import st_folium

from ngomap.areas.files import load_boundaries
from ngomap.areas.geometry import light_areas
from ngomap.render.webassets import local_assets


@st.cache_resource
def communes():
    paths = os.environ["NGOMAP_BOUNDARIES"].split(os.pathsep)
    return light_areas(load_boundaries(paths), "adm3").reset_index()


colour = st.radio("Couleur", ["#fdae61", "#2b83ba"], horizontal=True)
fmap = folium.Map(location=[17, -4], zoom_start=5, tiles=None)
assets = local_assets()
fmap.default_js = list(assets.js)
fmap.default_css = list(assets.css)
folium.GeoJson(
    communes().__geo_interface__,
    style_function=lambda _feature: {"fillColor": colour, "color": "#555555", "weight": 1},
).add_to(fmap)
st.title("Qui fait quoi où")
result = st_folium(
    fmap, key="map", height=540, use_container_width=True, returned_objects=["last_active_drawing"]
)
clicked = ((result or {}).get("last_active_drawing") or {}).get("properties") or {}
st.markdown("Clic : " + json.dumps(clicked, ensure_ascii=False)[:60])
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


def _drawn(
    page: Any, harness: Any, *, old: str = "", mark: str = "seen", n: int | None = None
) -> None:
    """Wait until a map frame has ``n`` shapes (every region) drawn anew (not marked ``old``)."""
    page.wait_for_function(
        _DRAWN,
        arg=[harness.MAP_IFRAME, harness.REGIONS if n is None else n, old, mark],
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


# --- commune level: one page, one upload, the stages one after the other ------------------

COMMUNES: Final = 701  # areas in COD-AB adm3 (the map's shapes at commune level)
# The text of the first element matching ``selector`` whose text starts with ``prefix``.
_TEXT_OF: Final = """
([selector, prefix]) => {
    for (const el of document.querySelectorAll(selector)) {
        const text = (el.innerText || '').trim();
        if (text.startsWith(prefix)) { return text; }
    }
    return '';
}
"""
_TEXT_CHANGED: Final = """
([selector, prefix, before]) => {
    for (const el of document.querySelectorAll(selector)) {
        const text = (el.innerText || '').trim();
        if (text.startsWith(prefix) && text !== before) { return true; }
    }
    return false;
}
"""


class _Bytes:
    """What the server sent over the page's websockets (Streamlit's ForwardMsgs): bytes
    counted, and the runs that ended (a ``script_finished`` message, fragment runs too)."""

    def __init__(self, page: Any) -> None:
        self.total = 0
        self.finished = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))

    def _add(self, payload: Any) -> None:
        from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = payload.encode() if isinstance(payload, str) else bytes(payload)
        self.total += len(data)
        try:
            message = ForwardMsg.FromString(data)
        except DecodeError:  # not one of Streamlit's messages: only counted
            return
        if message.WhichOneof("type") == "script_finished":
            self.finished += 1

    def wait_finished(self, page: Any, after: int, *, timeout_ms: int) -> None:
        """Wait (letting Playwright deliver the frames) until a run ended after ``after``."""
        deadline = time.perf_counter() + timeout_ms / 1000
        while self.finished <= after:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no run ended within {timeout_ms / 1000:.0f} s")
            page.wait_for_timeout(10)


def _settle(page: Any) -> None:
    """Let the last rerun finish (Streamlit's running indicator gone), then a short pause."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(500)


REDRAW_GRACE_MS: Final = 2_000  # after the rerun, how long a map that changed takes to show


def _stage(
    page: Any,
    harness: Any,
    sent: _Bytes,
    act: Callable[[], None],
    *,
    text: tuple[str, str, str] | None = None,
    redraw: int | None = None,
) -> tuple[float, int]:
    """Seconds and websocket bytes from ``act`` until ``text`` (selector, prefix, text before)
    has changed and, if ``redraw`` (shapes), the rerun has ended and the map, if it changed,
    is drawn anew (a map whose script is unchanged, e.g. the real 5W's grey commune map
    under another filter, is not redrawn: the rerun's end is the stage's end)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if redraw is not None:
        _drawn(page, harness, mark="before", n=redraw)
    _settle(page)
    before = sent.total
    runs = sent.finished
    start = time.perf_counter()
    act()
    if text is not None:
        page.wait_for_function(_TEXT_CHANGED, arg=list(text), polling="raf", timeout=TIMEOUT_MS)
    if redraw is not None:
        sent.wait_finished(page, runs, timeout_ms=TIMEOUT_MS)
        ended = time.perf_counter()
        try:
            page.wait_for_function(
                _DRAWN,
                arg=[harness.MAP_IFRAME, redraw, "before", "after"],
                polling="raf",
                timeout=REDRAW_GRACE_MS,
            )
        except PlaywrightTimeout:  # the map did not change
            return ended - start, sent.total - before
    return time.perf_counter() - start, sent.total - before


def _text_now(page: Any, selector: str, prefix: str) -> str:
    return str(page.evaluate(_TEXT_OF, [selector, prefix]))


def _clicks(page: Any, harness: Any, count: int) -> list[Callable[[], None]]:
    """Clicks on ``count`` communes (big on screen, topmost at their point)."""
    found = harness.shapes(harness.map_frame(page))[:count]
    return [functools.partial(_click_at, shape) for shape in found]


def _click_at(shape: Any) -> None:
    shape.locator.click(position={"x": shape.x, "y": shape.y})


def _click_text(page: Any, text: str) -> None:
    page.get_by_text(text, exact=True).first.click()


def _communes_env(root: Path, tmp: Path) -> dict[str, str]:
    paths = [str(root / name) for name in CODAB]
    return {
        "NGOMAP_BOUNDARIES": os.pathsep.join(paths),
        "NGOMAP_LEVEL": "adm3",
        "NGOMAP_DATA_DIR": str(tmp / "data"),
    }


def _bare_communes(
    browser: Any, harness: Any, tmp: Path, env: dict[str, str]
) -> dict[str, list[tuple[float, int]]]:
    """The bare page's rerun-and-redraw and click, on the same communes."""
    app = tmp / "bare_communes.py"
    app.write_text(BARE_COMMUNES_APP, encoding="utf-8")
    install_static(tmp / "static")
    original = harness.APP
    harness.APP = app
    try:
        server = harness.start_app(tmp / "bare_communes.log", env=env)
    finally:
        harness.APP = original
    samples: dict[str, list[tuple[float, int]]] = {"redraw": [], "click": []}
    context, _ = harness.new_context(browser)
    try:
        page = context.new_page()
        sent = _Bytes(page)
        page.goto(server.url, wait_until="commit", timeout=TIMEOUT_MS)
        _drawn(page, harness, n=COMMUNES)
        colours = ["#2b83ba", "#fdae61"] * RUNS
        for colour in colours[:RUNS]:
            samples["redraw"].append(
                _stage(
                    page,
                    harness,
                    sent,
                    functools.partial(_click_text, page, colour),
                    redraw=COMMUNES,
                )
            )
        for click in _clicks(page, harness, RUNS):
            before = _text_now(page, '[data-testid="stMarkdown"]', "Clic :")
            samples["click"].append(
                _stage(
                    page,
                    harness,
                    sent,
                    click,
                    text=('[data-testid="stMarkdown"]', "Clic :", before),
                )
            )
    finally:
        context.close()
        server.stop()
    return samples


def _upload_5w(page: Any, harness: Any, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Fichier CSV ou Excel").locator(
        '[data-testid="stFileUploaderDropzoneInput"]'
    ).set_input_files(str(path))
    page.get_by_text(f"Vos données : {path.name}").first.wait_for(timeout=TIMEOUT_MS)
    _drawn(page, harness, n=COMMUNES)
    _settle(page)


def _choose_organisation(page: Any, number: int) -> None:
    """Add the ``number``-th organisation of the list to the organisations filter (the real
    5W's sectors are not recognised by the import: the sectors filter is not shown). The
    list's first entry is Streamlit's "select all" (French on the page): it is skipped."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Organisations").first
    box.get_by_role("combobox").click()
    page.keyboard.press("ArrowDown")  # the list opens
    options = page.get_by_role("option")
    options.first.wait_for(timeout=TIMEOUT_MS)
    names = [n.strip() for n in options.all_inner_texts()]
    pick = [n for n in names if n not in ("Tout sélectionner", "Select all")][number]
    page.get_by_role("option", name=pick, exact=True).first.click()
    page.keyboard.press("Escape")


def _ngomap_communes(
    browser: Any, harness: Any, tmp: Path, env: dict[str, str], path: Path
) -> dict[str, list[tuple[float, int]]]:
    """The page at commune level with the 5W: filter change, click, view and language switch."""
    server = harness.start_app(tmp / "communes.log", env=env)
    samples: dict[str, list[tuple[float, int]]] = {
        "filter": [],
        "click": [],
        "view": [],
        "language": [],
    }
    context, _ = harness.new_context(browser)
    try:
        page = context.new_page()
        sent = _Bytes(page)
        page.goto(server.url, wait_until="commit", timeout=TIMEOUT_MS)
        _drawn(page, harness, n=COMMUNES)
        _upload_5w(page, harness, path)
        panel = ('[data-testid="stMarkdown"]', "Acteurs à")
        for click in _clicks(page, harness, RUNS):
            before = _text_now(page, *panel)
            samples["click"].append(_stage(page, harness, sent, click, text=(*panel, before)))
        for number in range(RUNS):
            samples["filter"].append(
                _stage(
                    page,
                    harness,
                    sent,
                    functools.partial(_choose_organisation, page, number),
                    redraw=COMMUNES,
                )
            )
        title = ('[data-testid="stHeading"]', "")
        views = ("Zones non couvertes", "Densité par secteur", "Zones non couvertes")
        for label in views[:RUNS]:
            samples["view"].append(
                _stage(
                    page,
                    harness,
                    sent,
                    functools.partial(_click_text, page, label),
                    redraw=COMMUNES,
                )
            )
        for word, heading in (
            ("English", "Who does what where"),
            ("Français", "Qui fait quoi où"),
            ("English", "Who does what where"),
        )[:RUNS]:
            samples["language"].append(
                _stage(
                    page,
                    harness,
                    sent,
                    functools.partial(_click_text, page, word),
                    text=(title[0], heading, ""),
                    redraw=COMMUNES,
                )
            )
    finally:
        context.close()
        server.stop()
    return samples


def _commune_rows(browser: Any, harness: Any, tmp: Path) -> list[Row]:
    root = generate.shared_data()
    missing = [n for n in (*CODAB, MALI_5W) if root is None or not (root / n).is_file()]
    if root is None or missing:
        why = f"skipped (real OCHA files not found under ../shared/data: {', '.join(missing)})"
        return [Row("stages", "commune level (COD-AB adm1-3 + Mali 5W)", None, status=why)]
    env = _communes_env(root, tmp)
    bare = _bare_communes(browser, harness, tmp, env)
    ours = _ngomap_communes(browser, harness, tmp, env, root / MALI_5W)
    redraw = bare["redraw"]
    return [
        _row(
            "commune level: filter change (one organisation more), map drawn anew",
            ours["filter"],
            redraw,
            goal=0.8,
            bare="bare page: rerun redrawing the communes",
        ),
        _row(
            "commune level: click on a commune to its panel shown",
            ours["click"],
            bare["click"],
            goal=0.8,
            bare="bare page: click to its name shown",
        ),
        _row(
            "commune level: view switch (density, gaps), map drawn anew",
            ours["view"],
            redraw,
            goal=1,
            bare="bare page: rerun redrawing the communes",
        ),
        _row(
            "commune level: language switch, map drawn anew",
            ours["language"],
            redraw,
            goal=1.5,
            bare="bare page: rerun redrawing the communes",
        ),
    ]


def _split(samples: Sequence[float | tuple[float, int]]) -> tuple[list[float], list[int]]:
    """Seconds and, for the stages that counted them, websocket bytes."""
    seconds = [s[0] if isinstance(s, tuple) else s for s in samples]
    sent = [s[1] for s in samples if isinstance(s, tuple)]
    return seconds, sent


def _row(
    name: str,
    samples: Sequence[float | tuple[float, int]],
    baseline: Sequence[float | tuple[float, int]] | None = None,
    *,
    goal: float,
    bare: str = "bare st_folium page",
) -> Row:
    """A row with the issue's goal in seconds (issue 12, measured at commune level there)."""
    seconds, sent = _split(samples)
    base_seconds, base_sent = _split(baseline or [])
    return Row(
        group="stages",
        name=name,
        value=statistics.median(seconds),
        baseline=statistics.median(base_seconds) if base_seconds else None,
        unit="s",
        baseline_name=bare if base_seconds else "",
        runs=len(seconds),
        goal=f"≤ {goal:g} s",
        goal_value=goal,
        details={
            "samples_s": seconds,
            "baseline_samples_s": base_seconds,
            "ws_bytes": sent,
            "baseline_ws_bytes": base_sent,
        },
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
        warm_page(server.url)  # as ngomap's: both pages run once when their server starts
        first = [_visit(browser, harness, server.url)]
        later = [_visit(browser, harness, server.url) for _ in range(RUNS)]
    finally:
        server.stop()
    return first, later


def _failed(error: Exception) -> str:
    """A row's status for a stage that failed (a timeout under load, most often), with
    where in this file it failed."""
    here = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == __file__]
    where = f" in {here[-1].name} (line {here[-1].lineno})" if here else ""
    return f"error{where}: {type(error).__name__}: {str(error).splitlines()[0]}"


def _region_rows(browser: Any, harness: Any, tmp: Path) -> list[Row]:
    """The sample at region level: visits, view and language switch, the 5W's upload."""
    rows: list[Row] = []
    bare_first, bare_later = _bare_visits(browser, harness, tmp)
    server = harness.start_app(tmp / "app.log")
    try:
        warm_page(server.url)  # what ngomap app does before the first visitor comes
        first = [_visit(browser, harness, server.url)]
        later = [_visit(browser, harness, server.url) for _ in range(RUNS)]
        rows.append(
            _row("first visit to the map drawn (server just started)", first, bare_first, goal=3)
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
    except Exception as error:  # the rows measured so far are still worth printing
        rows.append(Row("stages", "region level, next stage", None, status=_failed(error)))
    finally:
        server.stop()
    return rows


def run(*, quick: bool = False, parts: tuple[str, ...] = ("regions", "communes")) -> list[Row]:
    """First and later visit, view and language switch, upload to map; bare page alongside.

    ``parts``: "regions" (the sample's page) and "communes" (COD-AB adm3 with the 5W).
    """
    if quick:
        return [Row("stages", "app stages", None, status="skipped (--quick)")]
    harness = _harness()
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="ngomap-stages-") as name,
        harness.running_browser() as browser,
    ):
        tmp = Path(name)
        if "regions" in parts:
            rows.extend(_region_rows(browser, harness, tmp))
        if "communes" in parts:
            try:
                rows.extend(_commune_rows(browser, harness, tmp))
            except Exception as error:  # the region rows above are still worth printing
                rows.append(Row("stages", "commune level", None, status=_failed(error)))
    return rows


def main() -> None:
    args = sys.argv[1:]
    parts = tuple(p for p in ("regions", "communes") if f"--{p}" in args) or ("regions", "communes")
    rows = run(quick="--quick" in args, parts=parts)
    print(markdown_table(rows))
    for row in rows:  # what each stage sent over the websocket (median of its runs)
        if row.details.get("ws_bytes"):
            line = f"{row.name}: {statistics.median(row.details['ws_bytes']):,.0f} bytes sent"
            if row.details.get("baseline_ws_bytes"):
                line += f" (bare page: {statistics.median(row.details['baseline_ws_bytes']):,.0f})"
            print(line)


if __name__ == "__main__":
    main()
