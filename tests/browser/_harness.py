"""Start the app and drive Debian's Chromium: shared by the browser tests and the screenshot script.

Nothing here needs pytest, so ``scripts/screenshot.py`` imports it too.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Frame,
    Locator,
    Page,
    Playwright,
    Route,
    sync_playwright,
)
from playwright.sync_api import (
    Error as PlaywrightError,
)

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
LOCAL_HOST = "127.0.0.1"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
LOCALE = "fr-FR"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
MAP_TIMEOUT_MS = 60_000
REGIONS = 9
# The st_folium component's iframe (Streamlit titles it "<module>.<component>").
MAP_IFRAME = 'iframe[title*="st_folium"]'
SHAPES = "path.leaflet-interactive"
TILE_HOST = re.compile(r"(^|\.)tile\.openstreetmap\.org$")


class SetupError(RuntimeError):
    """The app or the browser could not be started; the message says why and what to do."""


# --- the app server -------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file (or a note that it is empty)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


@dataclass
class AppServer:
    """A running ``streamlit run app.py`` and where it logs."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] | None = field(default=None, repr=False)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Terminate the server; kill it if it has not stopped after ``timeout`` seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200 and response.read().strip() == b"ok")
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_app(
    log_path: Path, *, timeout: float = START_TIMEOUT_S, env: Mapping[str, str] | None = None
) -> AppServer:
    """Start the app on a free local port and wait until Streamlit says it is healthy.

    ``env``: variables set for the app on top of this process's (its registry, for one).

    Raises ``SetupError`` with the log's tail if it does not answer within ``timeout``.
    """
    port = free_port()
    url = f"http://{LOCAL_HOST}:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        LOCAL_HOST,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.enableStaticServing",
        "true",
        # No file watcher: it would watch .venv too (slow start) and rerun the page when
        # sources change under a running test.
        "--server.fileWatcherType",
        "none",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    variables = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=variables,
    )
    server = AppServer(url=url, process=process, log_path=log_path, _log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stop()
            raise SetupError(
                f"streamlit exited with code {process.returncode} before answering; "
                f"log {log_path}:\n{log_tail(log_path)}"
            )
        if _healthy(url):
            return server
        time.sleep(0.25)
    server.stop()
    raise SetupError(
        f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s; "
        f"log {log_path}:\n{log_tail(log_path)}"
    )


@contextmanager
def running_app(log_path: Path) -> Iterator[AppServer]:
    """``start_app`` as a context manager that always stops the server."""
    server = start_app(log_path)
    try:
        yield server
    finally:
        server.stop()


# --- the browser ----------------------------------------------------------------------------


def chromium_path() -> Path:
    """Debian's Chromium (or $NGOMAP_CHROMIUM); ``SetupError`` saying how to get it if absent."""
    path = Path(os.environ.get("NGOMAP_CHROMIUM", DEFAULT_CHROMIUM))
    if not path.is_file():
        raise SetupError(
            f"Chromium not found at {path}. The browser tests drive Debian's Chromium: "
            "install it (sudo apt-get install chromium), point NGOMAP_CHROMIUM at a Chromium "
            "binary, or run ./dev.sh test, which installs it."
        )
    return path


def launch_browser(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with no background traffic."""
    return playwright.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)


@contextmanager
def running_browser() -> Iterator[Browser]:
    """Playwright and Chromium for the length of a ``with`` block."""
    playwright = sync_playwright().start()
    try:
        browser = launch_browser(playwright)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class Watch:
    """What a page did that a test may assert on: requests blocked, dialogs opened."""

    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def blocked_hosts(self) -> set[str]:
        return {urlsplit(url).hostname or url for url in self.blocked}


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        return True  # data:, blob:, about: never leave the machine
    return parts.hostname == LOCAL_HOST


def new_context(browser: Browser) -> tuple[BrowserContext, Watch]:
    """A fresh context (1400x1000, French) in which every request off 127.0.0.1 is aborted.

    Aborted URLs and dialog messages are recorded on the returned ``Watch``; dialogs of pages
    opened in this context are dismissed.
    """
    watch = Watch()
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)  # type: ignore[arg-type]

    def route(route: Route) -> None:
        url = route.request.url
        if _is_local(url):
            route.fallback()
        else:
            watch.blocked.append(url)
            route.abort("blockedbyclient")

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    context.on("page", lambda page: page.on("dialog", on_dialog))
    return context, watch


# --- the map --------------------------------------------------------------------------------


def open_app(page: Page, url: str) -> None:
    """Load the page and wait for Streamlit to have run the script once."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Qui fait quoi où").wait_for(timeout=MAP_TIMEOUT_MS)


def map_frame(page: Page, timeout_ms: int = MAP_TIMEOUT_MS) -> Frame:
    """The st_folium iframe's frame once Leaflet has drawn every region in it.

    A rerun (after an upload, a filter change) may replace the iframe while we wait for it:
    a detached element or frame is not a failure, we look for the map again until the
    deadline.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        left_ms = max(1_000.0, (deadline - time.monotonic()) * 1000)
        try:
            iframe = page.locator(MAP_IFRAME).first
            iframe.wait_for(state="attached", timeout=left_ms)
            iframe.scroll_into_view_if_needed(timeout=left_ms)
            frame = iframe.element_handle(timeout=left_ms).content_frame()
            if frame is None:
                raise PlaywrightError("the st_folium iframe has no frame (detached)")
            frame.wait_for_function(
                "n => document.querySelectorAll('path.leaflet-interactive').length >= n",
                arg=REGIONS,
                timeout=left_ms,
            )
            return frame
        except PlaywrightError as error:
            if "detached" not in str(error).lower() and "not attached" not in str(error):
                raise
            if time.monotonic() >= deadline:
                raise
            page.wait_for_timeout(250)


# For each shape, a point where it is the topmost element (so hovering there hovers it):
# shapes may be concave, and the legend or attribution may cover part of them.
_INNER_POINTS = """
() => Array.from(document.querySelectorAll('path.leaflet-interactive')).map((path) => {
    const box = path.getBoundingClientRect(), steps = 24;
    const svg = path.ownerSVGElement, matrix = path.getScreenCTM().inverse();
    let best = null;
    for (let i = 1; i < steps; i++) {
        for (let j = 1; j < steps; j++) {
            const x = box.left + box.width * i / steps, y = box.top + box.height * j / steps;
            if (document.elementFromPoint(x, y) !== path) { continue; }
            const local = new DOMPoint(x, y).matrixTransform(matrix);
            if (!path.isPointInFill(local)) { continue; }
            const score = Math.min(i, steps - i) * Math.min(j, steps - j);
            if (!best || score > best.score) { best = {x: x - box.left, y: y - box.top, score}; }
        }
    }
    return best && {x: best.x, y: best.y, area: box.width * box.height};
})
"""


@dataclass(frozen=True)
class Shape:
    """A region's shape in the map frame and a point inside it (relative to its box)."""

    locator: Locator
    x: float
    y: float
    area: float

    def hover(self) -> None:
        self.locator.hover(position={"x": self.x, "y": self.y})


def shapes(frame: Frame) -> list[Shape]:
    """Every region shape that can be hovered, biggest on screen first."""
    points: list[dict[str, Any] | None] = frame.evaluate(_INNER_POINTS)
    found = [
        Shape(frame.locator(SHAPES).nth(i), p["x"], p["y"], p["area"])
        for i, p in enumerate(points)
        if p is not None
    ]
    return sorted(found, key=lambda s: s.area, reverse=True)


NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Tooltip:
    """A region's tooltip as "label : value" lines: area first, then the value, names last.

    Only the structure is read, not the labels (the value's label follows the view).
    """

    text: str
    lines: tuple[tuple[str, str], ...]

    @property
    def area(self) -> str:
        """The first line's label and value ("Région", "Mopti")."""
        return self.lines[0][1] if self.lines else ""

    @property
    def value(self) -> float | None:
        """The first numeric value after the area's name (the map's value), if any."""
        for _, value in self.lines[1:]:
            if NUMBER.fullmatch(value):
                return float(value.replace(",", "."))
        return None

    @property
    def names(self) -> str:
        """The last line's value when it is not the number: the organisations' names."""
        if len(self.lines) < 3 or NUMBER.fullmatch(self.lines[-1][1]):
            return ""
        return self.lines[-1][1]


def tooltip_of(frame: Frame, shape: Shape, timeout_ms: int = 10_000) -> Tooltip:
    """Hover ``shape`` and read the tooltip Leaflet shows for it."""
    shape.hover()
    tip = frame.locator(".leaflet-tooltip").last
    tip.wait_for(state="visible", timeout=timeout_ms)
    lines = []
    for line in tip.locator(".ngomap-tooltip > div").all_inner_texts():
        label, sep, value = line.partition(":")
        if sep:
            lines.append((label.strip(), value.strip()))
    return Tooltip(text=tip.inner_text(), lines=tuple(lines))


def hover_showcase(frame: Frame) -> Tooltip:
    """Hover Mopti if the map has it, else the region with the most organisations."""
    seen = [(shape, tooltip_of(frame, shape)) for shape in shapes(frame)]
    if not seen:
        raise AssertionError("no region shape can be hovered")
    mopti = [pair for pair in seen if pair[1].area == "Mopti"]
    shape, _ = mopti[0] if mopti else max(seen, key=lambda pair: pair[1].value or 0.0)
    return tooltip_of(frame, shape)


# --- the screenshot -------------------------------------------------------------------------


def screenshot(browser: Browser, url: str, out: Path) -> Path:
    """Save a 1400x1000 PNG of the page at ``url``, map drawn and one region's tooltip shown."""
    context, _ = new_context(browser)
    try:
        page = context.new_page()
        open_app(page, url)
        frame = map_frame(page)
        hover_showcase(frame)
        page.wait_for_timeout(300)  # the tooltip fades in
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=out, full_page=False, animations="disabled")
    finally:
        context.close()
    return out


def screenshot_app(out: Path, log_path: Path) -> Path:
    """Start the app and Chromium, take ``screenshot``, stop both."""
    chromium_path()  # fail before starting the server
    with running_app(log_path) as server, running_browser() as browser:
        return screenshot(browser, server.url, out)
