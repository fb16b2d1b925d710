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
import contextlib
import io
import json
import os
import random
import signal
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
MEMORY_BUDGET_MB: Final = 6_000  # the server and its workers, together (README)
SERVER_BUDGET_MB: Final = 1_500  # the Streamlit process alone, 20 sessions (README)
DEFAULT_TIMEOUT_S: Final = 300.0
TIMEOUT_MS = int(DEFAULT_TIMEOUT_S * 1000)  # per step of a session; --timeout changes it
REGIONS: Final = 9
HOSTILE_NAME: Final = "bombe.xlsx"
CLIENT_NICE: Final = 19


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
    server_peak_mb: float = 0.0  # the Streamlit process alone, without its import workers
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
            self.server_peak_mb = max(self.server_peak_mb, _rss_mb(self.process.pid))
            self.samples += 1


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


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


@contextmanager
def niced_chromium() -> Iterator[str]:
    """Chromium started at the lowest priority (``nice -n 19``): the clients are the test's
    artefact, on users' own machines they would not take the server's CPU."""
    harness = _harness()
    with tempfile.TemporaryDirectory(prefix="ngomap-chromium-") as folder:
        wrapper = Path(folder) / "chromium"
        wrapper.write_text(
            f'#!/bin/sh\nexec nice -n {CLIENT_NICE} {harness.chromium_path()} "$@"\n',
            encoding="utf-8",
        )
        wrapper.chmod(0o755)
        yield str(wrapper)


def _chromium_pids() -> list[int]:
    """This process's Chromium descendants, from /proc."""
    parents: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            parents[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), name)
    found, frontier = [], {os.getpid()}
    while frontier:
        frontier = {pid for pid, (parent, _) in parents.items() if parent in frontier}
        found += [pid for pid in frontier if parents[pid][1].startswith("chrom")]
    return found


def _keep_niced(stop: threading.Event) -> None:
    """Chromium sets its processes' priorities itself (the browser at -8, renderers at 0 when
    run as root): put them back at ``CLIENT_NICE`` twice a second."""
    while not stop.wait(0.5):
        for pid in _chromium_pids():
            with contextlib.suppress(OSError):
                if os.getpriority(os.PRIO_PROCESS, pid) != CLIENT_NICE:
                    os.setpriority(os.PRIO_PROCESS, pid, CLIENT_NICE)


_RENICER = threading.Event()  # set: stop renicing (never, in a benchmark's process)
_RENICING = threading.Event()  # set once the renicing thread runs


async def _launch(playwright: Any) -> Any:
    harness = _harness()
    with niced_chromium() as executable:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=harness.CHROMIUM_ARGS
        )
    if not _RENICING.is_set():
        _RENICING.set()
        threading.Thread(target=_keep_niced, args=(_RENICER,), daemon=True).start()
    return browser


async def _alone(url: str) -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await _launch(playwright)
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

    async with async_playwright() as playwright:
        browser = await _launch(playwright)
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


@contextmanager
def profiled(pid: int, out: Path | None) -> Iterator[None]:
    """py-spy sampling the server (``--nonblocking``: the server is not paused) into ``out``
    as collapsed stacks; nothing when ``out`` is None or py-spy is not installed."""
    spy = Path(sys.executable).with_name("py-spy")
    if out is None or not spy.is_file():
        if out is not None:
            print("py-spy not found next to Python: pip install py-spy to profile", file=sys.stderr)
        yield
        return
    command = [str(spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "50"]
    command += ["--nonblocking", "--subprocesses", "-o", str(out)]
    spying = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spying.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        try:
            spying.wait(timeout=60)
        except subprocess.TimeoutExpired:
            spying.kill()
            spying.wait()


def top_functions(collapsed: Path, count: int = 25) -> list[tuple[str, float, float]]:
    """From py-spy's collapsed stacks: (function, share of samples inside it, share on top)."""
    inside: dict[str, int] = {}
    on_top: dict[str, int] = {}
    total = 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        samples = int(number)
        total += samples
        frames = [
            f.split(" (")[0] + " " + f.rsplit("/", 1)[-1].split(":")[0].rstrip(")")
            for f in stack.split(";")[1:]
        ]
        for frame in set(frames):
            inside[frame] = inside.get(frame, 0) + samples
        if frames:
            on_top[frames[-1]] = on_top.get(frames[-1], 0) + samples
    ranked = sorted(inside, key=inside.__getitem__, reverse=True)[:count]
    return [(f, inside[f] / max(total, 1), on_top.get(f, 0) / max(total, 1)) for f in ranked]


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    from benchmarks import load_paced

    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_bench", description=__doc__)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument(
        "--mode",
        choices=("paced", "burst", "both"),
        default="paced",
        help="paced: arrivals over --spread seconds, think time (the goal); burst: all at once",
    )
    parser.add_argument("--spread", type=float, default=load_paced.SPREAD_S)
    parser.add_argument("--seed", type=int, default=load_paced.SEED)
    parser.add_argument("--profile", type=Path, default=None, help="py-spy's stacks, here")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds a step may take"
    )
    args = parser.parse_args(argv)
    global TIMEOUT_MS  # the steps read it; one run per process
    TIMEOUT_MS = int(args.timeout * 1000)
    from benchmarks import load_bench as imported  # run as __main__: imported again by others

    imported.TIMEOUT_MS = TIMEOUT_MS
    figures: dict[str, Any] = {"load_average_before": _loadavg(), "client_nice": CLIENT_NICE}
    log = Path(tempfile.gettempdir()) / "ngomap-load-bench.log"
    with running_server(log) as server:
        if args.mode in ("paced", "both"):
            with profiled(server.process.pid, args.profile):
                figures["paced"] = load_paced.measure(
                    args.users, spread=args.spread, seed=args.seed, server=server
                )
            figures["load_average_after_paced"] = _loadavg()
        if args.mode in ("burst", "both"):
            server.memory_peak_mb = 0.0
            alone = asyncio.run(_alone(server.url))
            server.memory_peak_mb = server.server_peak_mb = 0.0
            outcomes = asyncio.run(_crowd(server.url, args.users))
            alive = server.process.poll() is None and _harness()._healthy(server.url)
            burst = LoadResult(args.users, alone, outcomes, server.memory_peak_mb, alive)
            figures["burst"] = burst.summary()
            figures["burst"]["server_process_peak_mb"] = round(server.server_peak_mb)
            figures["load_average_after_burst"] = _loadavg()
        figures["server_alive"] = server.process.poll() is None and _harness()._healthy(server.url)
    figures["memory_budget_mb"] = MEMORY_BUDGET_MB
    figures["server_process_budget_mb"] = SERVER_BUDGET_MB
    text = json.dumps(figures, indent=1, ensure_ascii=False)
    print(text)
    if args.profile is not None and args.profile.is_file():
        print("\nWhere the server's time went (py-spy, share of samples):")
        for name, inside, top in top_functions(args.profile):
            print(f"  {inside:6.1%} inside, {top:6.1%} on top  {name}")
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
