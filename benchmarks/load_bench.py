"""Load: 20 browser sessions on one ``ngomap app`` at once, one of them uploading a hostile file.

The server is started as ``ngomap app`` starts it (``ngomap.serve.streamlit_command``) on
127.0.0.1; Debian's Chromium opens one context (its own cookies, its own Streamlit session)
per user, all at once, every request off 127.0.0.1 aborted. Users:

- most open the page and wait for the map (the sample's regions drawn);
- ``UPLOADERS`` upload their own small 3W, each naming organisations no one else has, and
  wait for their import line; each must then see its own names and no one else's;
- one uploads a hostile workbook (a shared-string bomb: 400 KB that a reader would expand
  to gigabytes) and must get a refusal in one sentence, while the others carry on.

Measured: the time to the map for one user alone (the baseline), then each user's time
under load (median and slowest), the uploaders' time to their import line, the server's
memory (the Streamlit process and its worker processes, summed, sampled every 0.2 s) at
its peak, and whether every session still answers at the end (it switches language).

``python -m benchmarks.load_bench [--users 20]`` prints the figures; ``python -m
benchmarks`` carries them as the ``load`` rows.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from benchmarks._runner import Row

REPO: Final = Path(__file__).resolve().parents[1]
HARNESS_DIR: Final = REPO / "tests" / "browser"
USERS: Final = 20
QUICK_USERS: Final = 4
UPLOADERS: Final = 5
MEMORY_BUDGET_MB: Final = 6_000  # the server and its workers, together
DEFAULT_TIMEOUT_S: Final = 300.0
TIMEOUT_MS = int(DEFAULT_TIMEOUT_S * 1000)  # per step of a session; --timeout changes it
REGIONS: Final = 9
HOSTILE_NAME: Final = "bombe.xlsx"


def _harness() -> Any:
    if str(HARNESS_DIR) not in sys.path:
        sys.path.insert(0, str(HARNESS_DIR))
    import _harness

    return _harness


# --- files -------------------------------------------------------------------------------------
def user_csv(user: int) -> bytes:
    """A small 3W whose organisations are this user's alone (``Org U07 ...``)."""
    regions = ("Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti")
    lines = ["Organisation;Secteur;Région"]
    lines += [f"Org U{user:02d} n{i};Santé;{regions[i % len(regions)]}" for i in range(12)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def marker(user: int) -> str:
    return f"Org U{user:02d} "


def hostile_workbook() -> bytes:
    """A small workbook with a 2 MB shared string used by 20,000 cells (the issue's bomb)."""
    from openpyxl import Workbook

    from benchmarks.fuzz.mutators import shared_string_bomb

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("Organisation", "Secteur", "Région"), ("ONG", "Santé", "Mopti")):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)

    class Fixed(random.Random):
        def choice(self, seq: Any) -> Any:
            return max(seq) if all(isinstance(x, int) for x in seq) else seq[0]

    return shared_string_bomb(HOSTILE_NAME, buffer.getvalue(), Fixed())[1]


# --- the server ----------------------------------------------------------------------------------
@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    memory_peak_mb: float = 0.0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def tree_rss_mb(self) -> float:
        """Resident memory of the server and its descendants (the import workers), summed."""
        pids = [self.process.pid]
        total = 0
        seen: set[int] = set()
        while pids:
            pid = pids.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            pids.extend(int(c) for c in children)
        return total / 1e6

    def watch_memory(self) -> None:
        while not self._stop.wait(0.2):
            self.memory_peak_mb = max(self.memory_peak_mb, self.tree_rss_mb())
            self.samples += 1


@contextmanager
def running_server(log: Path) -> Iterator[Server]:
    from ngomap.importer.threew import UPLOAD_LIMIT_MB
    from ngomap.render.webassets import install_static
    from ngomap.serve import streamlit_command

    harness = _harness()
    port = harness.free_port()
    install_static(REPO / "static")
    command = [
        *streamlit_command(
            sys.executable, str(REPO / "app.py"), port=port, upload_limit_mb=UPLOAD_LIMIT_MB
        ),
        "--server.fileWatcherType",
        "none",  # nothing reruns when sources change under a run
    ]
    with tempfile.TemporaryDirectory(prefix="ngomap-load-") as data_dir, log.open("wb") as out:
        env = {**os.environ, "NGOMAP_DATA_DIR": data_dir, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env)
        server = Server(f"http://127.0.0.1:{port}", process)
        watcher = threading.Thread(target=server.watch_memory, daemon=True)
        try:
            deadline = time.monotonic() + 120
            while not harness._healthy(server.url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise harness.SetupError(f"the app did not start:\n{harness.log_tail(log)}")
                time.sleep(0.25)
            watcher.start()
            yield server
        finally:
            server._stop.set()
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- one user -----------------------------------------------------------------------------------
@dataclass
class Outcome:
    user: int
    kind: str  # "view", "upload", "hostile"
    map_seconds: float | None = None
    import_seconds: float | None = None
    refused: str = ""
    own_names: bool | None = None
    others_names: list[str] = field(default_factory=list)
    alive_at_end: bool = False
    error: str = ""


_MAP_DRAWN: Final = (
    "n => { const f = document.querySelector('iframe[title*=\"st_folium\"]');"
    " const d = f && f.contentDocument;"
    " return !!d && d.querySelectorAll('path.leaflet-interactive').length >= n; }"
)


async def _wait_map(page: Any) -> None:
    await page.wait_for_function(_MAP_DRAWN, arg=REGIONS, timeout=TIMEOUT_MS, polling=200)


async def _upload(page: Any, name: str, data: bytes) -> None:
    uploader = (
        page.locator('[data-testid="stFileUploader"]')
        .filter(has_text="Fichier CSV ou Excel")
        .locator('[data-testid="stFileUploaderDropzoneInput"]')
    )
    await uploader.set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}],
        timeout=TIMEOUT_MS,
    )


async def _frames_html(page: Any) -> str:
    """The HTML of every frame of the page (a frame being replaced counts as empty)."""
    found = []
    for frame in page.frames:
        try:
            found.append(await frame.evaluate("() => document.documentElement.innerHTML"))
        except Exception:  # detached meanwhile: the next look reads its successor
            continue
    return " ".join(found)


async def user_session(browser: Any, url: str, user: int, kind: str, users: int) -> Outcome:
    outcome = Outcome(user, kind)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")

    async def route(route: Any) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            await route.fallback()
        else:
            await route.abort("blockedbyclient")

    await context.route("**/*", route)
    page = await context.new_page()
    try:
        start = time.monotonic()
        await page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        await _wait_map(page)
        outcome.map_seconds = time.monotonic() - start
        if kind == "upload":
            start = time.monotonic()
            await _upload(page, f"u{user:02d}.csv", user_csv(user))
            await page.get_by_text(f"Vos données : u{user:02d}.csv").first.wait_for(
                timeout=TIMEOUT_MS
            )
            await _wait_map(page)
            outcome.import_seconds = time.monotonic() - start
        elif kind == "hostile":
            start = time.monotonic()
            await _upload(page, HOSTILE_NAME, hostile_workbook())
            alert = page.locator('[data-testid="stAlert"]').filter(has_text=HOSTILE_NAME)
            await alert.first.wait_for(timeout=TIMEOUT_MS)
            outcome.refused = " ".join((await alert.first.inner_text()).split())
            outcome.import_seconds = time.monotonic() - start
        text = await page.locator("body").inner_text()
        frame_text = ""
        for frame in page.frames:
            try:
                frame_text += await frame.evaluate("() => document.body.innerText")
            except Exception:  # a frame being replaced: its text is read again below
                continue
        seen = text + frame_text
        if kind == "upload":
            # The names travel in the map's data, inside the map component's frames; the map
            # may be drawn again once more after the upload (its frame replaced): look again
            # until they show or the time is up.
            detail = ""
            deadline = time.monotonic() + TIMEOUT_MS / 1000
            while True:
                detail = await _frames_html(page)
                if marker(user) in seen + detail or time.monotonic() > deadline:
                    break
                await asyncio.sleep(1)
            outcome.own_names = marker(user) in seen + detail
            seen += detail
        outcome.others_names = [
            marker(other) for other in range(users) if other != user and marker(other) in seen
        ]
        # Still there at the end: the session answers a change of language.
        await page.get_by_text("English", exact=True).first.click(timeout=TIMEOUT_MS)
        await page.get_by_role("heading", name="Who does what where").wait_for(timeout=TIMEOUT_MS)
        outcome.alive_at_end = True
    except Exception as exc:  # counted: a session that lost its page, or timed out
        outcome.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        await context.close()
    return outcome


def kinds(users: int) -> list[str]:
    """Who does what: the hostile sender in the middle, uploaders spread among viewers."""
    out = ["view"] * users
    for i in range(min(UPLOADERS, users - 1)):
        out[(i * users) // min(UPLOADERS, users - 1) + 1 if users > 2 else 0] = "upload"
    out[users // 2] = "hostile"
    return out


async def _alone(url: str) -> float:
    from playwright.async_api import async_playwright

    harness = _harness()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(harness.chromium_path()), args=harness.CHROMIUM_ARGS
        )
        times = []
        for _ in range(2):
            found = await user_session(browser, url, 0, "view", 1)
            if found.map_seconds is None:
                raise RuntimeError(f"the page alone did not draw its map: {found.error}")
            times.append(found.map_seconds)
        await browser.close()
    return min(times)


async def _crowd(url: str, users: int) -> list[Outcome]:
    from playwright.async_api import async_playwright

    harness = _harness()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(harness.chromium_path()), args=harness.CHROMIUM_ARGS
        )
        found = await asyncio.gather(
            *(user_session(browser, url, i, kind, users) for i, kind in enumerate(kinds(users)))
        )
        await browser.close()
    return list(found)


@dataclass
class LoadResult:
    users: int
    alone_seconds: float
    outcomes: list[Outcome]
    memory_peak_mb: float
    server_alive: bool

    def summary(self) -> dict[str, Any]:
        maps = [o.map_seconds for o in self.outcomes if o.map_seconds is not None]
        imports = [
            o.import_seconds for o in self.outcomes if o.kind == "upload" and o.import_seconds
        ]
        hostile = [o for o in self.outcomes if o.kind == "hostile"]
        return {
            "users": self.users,
            "alone_seconds": round(self.alone_seconds, 2),
            "map_median_seconds": round(statistics.median(maps), 2) if maps else None,
            "map_slowest_seconds": round(max(maps), 2) if maps else None,
            "ratio_median": round(statistics.median(maps) / self.alone_seconds, 2)
            if maps
            else None,
            "import_median_seconds": round(statistics.median(imports), 2) if imports else None,
            "sessions_with_errors": [
                o.user for o in self.outcomes if o.error or not o.alive_at_end
            ],
            "errors": [o.error for o in self.outcomes if o.error],
            "uploaders_seeing_their_names": sum(bool(o.own_names) for o in self.outcomes),
            "sessions_seeing_others_names": [o.user for o in self.outcomes if o.others_names],
            "hostile_refused": [o.refused[:200] for o in hostile],
            "memory_peak_mb": round(self.memory_peak_mb),
            "memory_budget_mb": MEMORY_BUDGET_MB,
            "server_alive": self.server_alive,
        }


def measure(users: int = USERS, log: Path | None = None) -> LoadResult:
    log = log or Path(tempfile.gettempdir()) / "ngomap-load-bench.log"
    with running_server(log) as server:
        alone = asyncio.run(_alone(server.url))
        server.memory_peak_mb = 0.0
        outcomes = asyncio.run(_crowd(server.url, users))
        alive = server.process.poll() is None and _harness()._healthy(server.url)
        return LoadResult(users, alone, outcomes, server.memory_peak_mb, alive)


def run(*, quick: bool = False) -> list[Row]:
    users = QUICK_USERS if quick else USERS
    result = measure(users)
    summary = result.summary()
    ok = (
        not summary["sessions_with_errors"]
        and not summary["sessions_seeing_others_names"]
        and result.server_alive
    )
    details = summary
    return [
        Row(
            "load",
            f"page to map, median of {users} sessions at once (one hostile upload)",
            summary["map_median_seconds"],
            baseline=summary["alone_seconds"],
            baseline_name="the same page alone",
            goal="≤ 2× alone",
            goal_ratio=2.0,
            status="ok" if ok else "sessions lost or data seen across sessions",
            runs=users,
            details=details,
        ),
        Row(
            "load",
            f"server memory peak, {users} sessions (server + import workers)",
            summary["memory_peak_mb"],
            unit="MB",
            goal=f"≤ {MEMORY_BUDGET_MB} MB",
            goal_value=MEMORY_BUDGET_MB,
            details={"samples": "every 0.2 s"},
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_bench", description=__doc__)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds a step may take"
    )
    args = parser.parse_args(argv)
    global TIMEOUT_MS  # the steps read it; one run per process
    TIMEOUT_MS = int(args.timeout * 1000)
    result = measure(args.users)
    summary = result.summary()
    text = json.dumps(summary, indent=1, ensure_ascii=False)
    print(text)
    for outcome in result.outcomes:
        print(
            f"user {outcome.user:2d} {outcome.kind:7s} map {outcome.map_seconds or 0:6.1f} s"
            f" import {outcome.import_seconds or 0:6.1f} s {outcome.error}"
        )
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
