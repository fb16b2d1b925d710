"""Load on the server alone: 20 sessions speaking Streamlit's websocket protocol, no browser.

``load_paced`` drives 20 Chromium pages on the machine that runs the server. On 2 cores, the
browsers then take about twenty times the server's CPU (``/proc``: 262 s against 13 s for 20
pages), so what it measures is mostly 20 browsers drawing on two cores, which real users do
on their own machines. This bench keeps the server's side of the same scenario and nothing
else: each session is a websocket client that sends what the page's script sends
(``BackMsg``: a rerun with the widgets' values, a file upload through ``/_stcore/upload_file``)
and reads what the server answers (``ForwardMsg``s) until the script's run is finished. The
clients run in one process at ``nice 19``; protobuf decoding is all they do.

The scenario is ``load_paced``'s: 20 sessions arriving over a minute, each opening the page,
switching to the coverage gaps, leaving health out of the sectors, five of them uploading
their own 3W and one the hostile workbook, then back to the density, thinking 10 to 30 s
between two actions (same seed). Each action is timed from its message to the end of the
server's run, and compared with the same action by one session alone on the same server in
the same run (the fastest of two). Isolation is checked on what each session received:
an uploader sees its own organisations and no session sees another's; at the end every
session switches to English and gets the English heading.

What it leaves out: the browser's own work (loading Streamlit's scripts, drawing the map),
which ``app_stages_bench`` measures alone and which does not grow with other users.

``python -m benchmarks.load_wire [--users 20] [--mode paced|burst]`` prints the figures;
``python -m benchmarks`` carries the paced ratio as a ``load`` row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks import load_bench as lb
from benchmarks import load_paced as lp
from benchmarks._runner import Row

STEP_TIMEOUT_S: Final = 300.0
HEADING_EN: Final = "Who does what where"


@dataclass
class Widget:
    kind: str  # the element's type: "radio", "multiselect", "file_uploader", ...
    id: str
    label: str
    options: list[str]
    selected: list[str]  # a multiselect's current choice, a radio's current option
    set: bool = False  # the server set the value in this run (else the page keeps its own)


@dataclass
class Answer:
    """What the server sent for one run of the page."""

    seconds: float
    bytes: int
    texts: list[str]  # markdown, headings, captions, alerts, and the components' arguments
    alerts: list[str]
    status: int  # ScriptFinishedStatus


class WireSession:
    """One page's session, on the wire: the messages a browser's Streamlit client exchanges."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ws: Any = None
        self.session_id = ""
        self.widgets: list[Widget] = []
        self.states: dict[str, Any] = {}  # widget id -> WidgetState, as the page would send
        self.xsrf = ""
        self._bytes = 0  # received since the last request

    async def __aenter__(self) -> WireSession:
        import websockets

        self.xsrf = await asyncio.to_thread(self._xsrf_cookie)
        self.ws = await websockets.connect(
            self.url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=self.url,  # type: ignore[arg-type]
            max_size=None,
            additional_headers={"Cookie": f"_streamlit_xsrf={self.xsrf}"},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    def _xsrf_cookie(self) -> str:
        """The XSRF cookie, from the health check the page makes before it connects (the
        uploads need it)."""
        with urllib.request.urlopen(self.url + "/_stcore/health", timeout=60) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name.strip() == "_streamlit_xsrf":
                    return str(rest.split(";", 1)[0])
        return ""

    # --- the page ------------------------------------------------------------------------
    def widget(self, kind: str, label: str) -> Widget:
        for found in self.widgets:
            if found.kind == kind and found.label == label:
                return found
        raise LookupError(f"no {kind} labelled {label!r} on the page")

    def choose(self, kind: str, label: str, value: str) -> None:
        """Pick ``value`` in a radio (the option's text, as Streamlit 1.67 sends it)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        found = self.widget(kind, label)
        if value not in found.options:
            raise LookupError(f"{label!r} has no option {value!r}: {found.options}")
        state = WidgetState(id=found.id)
        state.string_value = value
        self.states[found.id] = state

    def deselect(self, label: str, value: str) -> None:
        """Take ``value`` out of a multiselect's current choice."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        found = self.widget("multiselect", label)
        if value not in found.selected:
            raise LookupError(f"{value!r} is not chosen in {label!r}: {found.selected}")
        state = WidgetState(id=found.id)
        state.string_array_value.data.extend(v for v in found.selected if v != value)
        self.states[found.id] = state

    async def run(self) -> Answer:
        """A rerun with the widgets' values, until the server's run is finished."""
        start = time.monotonic()
        await self.ws.send(self._rerun_message())
        return await self._until_finished(start)

    def _rerun_message(self) -> bytes:
        """A ``BackMsg`` asking for a run with the widgets' values, as the page sends it."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = ""
        rerun.page_script_hash = ""
        rerun.context_info.timezone = "Africa/Bamako"
        rerun.context_info.locale = "fr-FR"
        rerun.context_info.url = self.url + "/"
        rerun.widget_states.widgets.extend(self.states.values())
        return bytes(message.SerializeToString())

    async def upload(self, label: str, name: str, data: bytes) -> Answer:
        """A file chosen in the uploader ``label``: its URL asked for, the file put there (as
        the page does, with the XSRF token), then the rerun that hands it to the script."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        found = self.widget("file_uploader", label)
        start = time.monotonic()
        request_id = uuid.uuid4().hex
        message = BackMsg()
        message.file_urls_request.request_id = request_id
        message.file_urls_request.file_names.append(name)
        message.file_urls_request.session_id = self.session_id
        await self.ws.send(message.SerializeToString())
        urls = None
        while urls is None:
            forward = await self._receive()
            response = forward.file_urls_response
            if forward.WhichOneof("type") == "file_urls_response" and (
                response.response_id == request_id
            ):
                if response.error_msg:
                    raise RuntimeError(response.error_msg)
                urls = response.file_urls[0]
        await asyncio.to_thread(self._put, urls.upload_url, name, data)
        state = WidgetState(id=found.id)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.file_id = urls.file_id
        info.name = name
        info.size = len(data)
        info.file_urls.CopyFrom(urls)
        self.states[found.id] = state
        await self.ws.send(self._rerun_message())
        return await self._until_finished(start)

    def _put(self, upload_url: str, name: str, data: bytes) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        target = upload_url if upload_url.startswith("http") else self.url + upload_url
        request = urllib.request.Request(
            target,
            data=body,
            method="PUT",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-Xsrftoken": self.xsrf,
                "Cookie": f"_streamlit_xsrf={self.xsrf}",
                "Origin": self.url,
            },
        )
        with urllib.request.urlopen(request, timeout=STEP_TIMEOUT_S) as response:
            if response.status not in (200, 204):
                raise RuntimeError(f"upload refused: HTTP {response.status}")

    async def _receive(self) -> Any:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = await asyncio.wait_for(self.ws.recv(), timeout=STEP_TIMEOUT_S)
        self._bytes += len(data)
        return ForwardMsg.FromString(data)

    async def _until_finished(self, start: float) -> Answer:
        self._bytes = 0
        widgets: list[Widget] = []
        texts: list[str] = []
        alerts: list[str] = []
        while True:
            forward = await self._receive()
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.session_id = forward.new_session.initialize.session_id
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                _read_element(forward.delta.new_element, widgets, texts, alerts)
            elif kind == "script_finished":
                status = forward.script_finished
                if status == 2:  # FINISHED_EARLY_FOR_RERUN: the next run follows
                    continue
                known = {w.id: w.selected for w in self.widgets}
                for found in widgets:  # a widget the server did not set keeps the page's value
                    if found.id in known and not found.set:
                        found.selected = known[found.id]
                self.widgets = widgets
                return Answer(time.monotonic() - start, self._bytes, texts, alerts, status)


def _read_element(element: Any, widgets: list[Widget], texts: list[str], alerts: list[str]) -> None:
    kind = element.WhichOneof("type")
    inner = getattr(element, kind)
    if kind in ("markdown", "heading", "caption", "text"):
        texts.append(_unescaped(inner.body))
    elif kind == "alert":
        alerts.append(_unescaped(inner.body))
        texts.append(alerts[-1])
    elif kind == "component_instance":
        texts.append(inner.json_args)
    if getattr(inner, "id", "") and kind in ("radio", "multiselect", "file_uploader"):
        options = list(getattr(inner, "options", []))
        chosen: list[str] = []
        set_now = bool(getattr(inner, "set_value", False))
        if kind == "multiselect":
            chosen = list(inner.raw_values) if set_now else [options[i] for i in inner.default]
        widgets.append(Widget(kind, inner.id, inner.label, options, chosen, set_now))


def _unescaped(markdown: str) -> str:
    """The text a reader sees of ``markdown`` the page escaped (``ui.text.plain``)."""
    return re.sub(r"\\(.)", r"\1", markdown)


# --- what a first visit fetches -----------------------------------------------------------------
async def first_visit_files(url: str) -> list[str]:
    """The server's paths one Chromium page fetches on a first visit until its map is drawn
    (Streamlit's scripts and styles, the map component and the scripts it loads), recorded
    once so that every session on the wire fetches them too (the websocket and uploads
    excepted)."""
    from playwright.async_api import async_playwright

    paths: list[str] = []
    async with async_playwright() as playwright:
        browser = await lb._launch(playwright)
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})

        async def route(route: Any) -> None:
            if route.request.url.startswith(url):
                path = route.request.url[len(url) :]
                if not path.startswith(("/_stcore/stream", "/_stcore/upload_file")):
                    paths.append(path)
                await route.fallback()
            elif route.request.url.startswith(("data:", "blob:")):
                await route.fallback()
            else:
                await route.abort("blockedbyclient")

        await context.route("**/*", route)
        page = await context.new_page()
        await page.goto(url, timeout=lb.TIMEOUT_MS)
        await page.wait_for_function(lb._MAP_DRAWN, arg=lb.REGIONS, timeout=lb.TIMEOUT_MS)
        await context.close()
        await browser.close()
    return list(dict.fromkeys(paths))


def fetch_all(url: str, paths: list[str], *, connections: int = 6) -> int:
    """``paths`` fetched as a browser fetches them (six connections, compressed if the server
    compresses); the bytes received."""
    from concurrent.futures import ThreadPoolExecutor

    def one(path: str) -> int:
        request = urllib.request.Request(
            url + path, headers={"Accept-Encoding": "gzip, deflate", "Origin": url}
        )
        with urllib.request.urlopen(request, timeout=STEP_TIMEOUT_S) as response:
            return len(response.read())

    with ThreadPoolExecutor(connections) as pool:
        return sum(pool.map(one, paths))


# --- one planner ---------------------------------------------------------------------------------
async def session(
    url: str, user: int, kind: str, users: int, *, think: Callable[[], float], files: list[str]
) -> lp.Session:
    """``load_paced.session`` on the wire: open, gaps, one sector fewer, (upload), density."""
    found = lp.Session(user, kind)

    async def do(name: str, act: Callable[[], Awaitable[Answer]]) -> Answer:
        action = lp.Action(user, name, time.monotonic())
        found.actions.append(action)
        answer = await act()
        action.seconds = answer.seconds
        if answer.status != 0:
            raise RuntimeError(f"the page's run ended with status {answer.status}")
        return answer

    async def open_page(page: WireSession) -> Answer:
        start = time.monotonic()
        await asyncio.to_thread(fetch_all, url, files)
        answer = await page.run()
        answer.seconds = time.monotonic() - start
        return answer

    try:
        async with WireSession(url) as page:
            await do("open", lambda: open_page(page))
            await asyncio.sleep(think())
            page.choose("radio", "Vue", "Zones non couvertes")
            await do("gaps", page.run)
            await asyncio.sleep(think())
            page.deselect("Secteurs", "Santé")
            await do("filter", page.run)
            seen: list[str] = []
            if kind in ("upload", "hostile"):
                await asyncio.sleep(think())
                seen += await _upload_step(found, page, user, kind)
            await asyncio.sleep(think())
            page.choose("radio", "Vue", "Densité par secteur")
            answer = await do("density", page.run)
            seen += answer.texts
            text = "\n".join(seen)
            if kind == "upload":
                found.own_names = lb.marker(user) in text
            found.others_names = [
                lb.marker(o) for o in range(users) if o != user and lb.marker(o) in text
            ]
            page.choose("radio", "Langue / Language", "English")
            answer = await page.run()
            if not any(HEADING_EN in t for t in answer.texts):
                raise RuntimeError("no English heading after the language switch")
            found.alive_at_end = True
    except Exception as exc:  # counted: a session that lost its page, or timed out
        found.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        if found.actions and found.actions[-1].seconds is None:
            found.actions[-1].error = found.error
    return found


async def _upload_step(found: lp.Session, page: WireSession, user: int, kind: str) -> list[str]:
    label = "Fichier CSV ou Excel"
    if kind == "upload":
        name = f"u{user:02d}.csv"
        action = lp.Action(user, "upload", time.monotonic())
        found.actions.append(action)
        answer = await page.upload(label, name, lb.user_csv(user))
        if not any(f"Vos données : {name}" in t for t in answer.texts):
            raise RuntimeError(f"no import line for {name}: {answer.alerts[:2]}")
        action.seconds = answer.seconds
        return answer.texts
    action = lp.Action(user, "hostile", time.monotonic())
    found.actions.append(action)
    answer = await page.upload(label, lb.HOSTILE_NAME, lb.hostile_workbook())
    refusals = [a for a in answer.alerts if lb.HOSTILE_NAME in a]
    if not refusals:
        raise RuntimeError(f"the hostile file was not refused: {answer.alerts[:2]}")
    found.refused = " ".join(refusals[0].split())
    action.seconds = answer.seconds
    return answer.texts


async def solo(url: str, files: list[str]) -> dict[str, float]:
    """The same actions by one session alone (an uploader, then the hostile sender): the
    fastest of two runs per action."""
    best: dict[str, float] = {}
    for run, kind in enumerate(("upload", "hostile")):
        found = await session(url, 90 + run, kind, 1, think=lambda: 1.0, files=files)
        if found.error:
            done = [(a.name, a.seconds) for a in found.actions]
            raise RuntimeError(f"the page alone failed: {found.error} after {done}")
        for action in found.actions:
            if action.seconds is not None:
                best[action.name] = min(best.get(action.name, 1e9), action.seconds)
    return best


async def crowd(
    url: str,
    users: int,
    files: list[str],
    *,
    spread: float,
    seed: int,
    paced: bool,
    browser: Any = None,
    think_s: tuple[float, float] = lp.THINK_S,
) -> tuple[list[lp.Session], lp.Session | None]:
    """The sessions on the wire and, with ``browser``, one more in Chromium (a planner who
    only looks), arriving in the same spread."""
    rng = random.Random(seed)
    arrivals = sorted(rng.uniform(0, spread) for _ in range(users)) if paced else [0.0] * users
    seen_at = rng.uniform(0, spread) if paced else 0.0

    def think() -> float:
        return rng.uniform(*think_s) if paced else 0.0

    async def arrive(user: int, kind: str) -> lp.Session:
        await asyncio.sleep(arrivals[user])
        return await session(url, user, kind, users, think=think, files=files)

    async def in_chromium() -> lp.Session | None:
        if browser is None:
            return None
        await asyncio.sleep(seen_at)
        return await lp.session(browser, url, users, "view", users + 1, think=think)

    wire = asyncio.gather(*(arrive(i, kind) for i, kind in enumerate(lb.kinds(users))))
    found, drawn = await asyncio.gather(wire, in_chromium())
    return list(found), drawn


async def browser_alone(url: str, browser: Any) -> dict[str, float]:
    """The Chromium planner's actions alone on the server: the fastest of two runs."""
    best: dict[str, float] = {}
    for run in range(2):
        found = await lp.session(browser, url, 95 + run, "view", 1, think=lambda: 1.0)
        if found.error:
            raise RuntimeError(f"the page alone failed in Chromium: {found.error}")
        for action in found.actions:
            if action.seconds is not None:
                best[action.name] = min(best.get(action.name, 1e9), action.seconds)
    return best


def measure(
    users: int,
    *,
    server: lb.Server,
    paced: bool = True,
    spread: float = lp.SPREAD_S,
    seed: int = lp.SEED,
    with_browser: bool = False,
    think_s: tuple[float, float] = lp.THINK_S,
    first_visit: bool = True,
) -> dict[str, Any]:
    """The figures; without ``first_visit``, no Chromium page records what a first visit
    fetches, and the sessions' first visit is their first run only."""
    files = asyncio.run(first_visit_files(server.url)) if first_visit else []
    alone = asyncio.run(solo(server.url, files))

    clock: dict[str, float] = {}

    def start_clocks() -> None:
        server.memory_peak_mb = server.server_peak_mb = 0.0
        clock["server_cpu"] = _cpu_seconds(server.process.pid)
        clock["wall"] = time.monotonic()
        clock["client_cpu"] = time.process_time()

    async def crowded() -> tuple[dict[str, float], list[lp.Session], lp.Session | None]:
        if not with_browser:
            start_clocks()
            found, _ = await crowd(
                server.url, users, files, spread=spread, seed=seed, paced=paced, think_s=think_s
            )
            return {}, found, None
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            browser = await lb._launch(playwright)
            drawn_alone = await browser_alone(server.url, browser)
            start_clocks()
            found, drawn = await crowd(
                server.url,
                users,
                files,
                spread=spread,
                seed=seed,
                paced=paced,
                browser=browser,
                think_s=think_s,
            )
            await browser.close()
        return drawn_alone, found, drawn

    drawn_alone, sessions, drawn = asyncio.run(crowded())
    out = lp.summary(alone, sessions, users)
    out["wall_s"] = round(time.monotonic() - clock["wall"], 1)
    out["first_visit_files"] = len(files)
    out["first_visit_bytes"] = fetch_all(server.url, files)
    out["server_cpu_s"] = round(_cpu_seconds(server.process.pid) - clock["server_cpu"], 1)
    out["clients_cpu_s"] = round(time.process_time() - clock["client_cpu"], 1)
    out["memory_peak_mb"] = round(server.memory_peak_mb)
    out["server_process_peak_mb"] = round(server.server_peak_mb)
    if drawn is not None:
        out["chromium_planner"] = {
            "error": drawn.error,
            "actions": {
                a.name: {
                    "alone_s": round(drawn_alone[a.name], 2),
                    "under_load_s": None if a.seconds is None else round(a.seconds, 2),
                    "ratio": None
                    if a.seconds is None
                    else round(a.seconds / drawn_alone[a.name], 2),
                }
                for a in drawn.actions
                if a.name in drawn_alone
            },
            "others_names_seen": drawn.others_names,
        }
    out["sessions"] = lp.session_rows(sessions)
    return out


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of ``pid`` and its children that ended (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / ticks


def run(*, quick: bool = False) -> list[Row]:
    """The paced scenario with 20 sessions (with ``quick``: 4, arriving over 5 s, thinking
    0.5 to 1 s, without a first visit's files); the clients at ``nice 19``, as is the rest
    of this process from then on (the load group runs last)."""
    users = lb.QUICK_USERS if quick else lb.USERS
    os.nice(max(0, lb.CLIENT_NICE - os.nice(0)))
    log = Path(tempfile.gettempdir()) / "ngomap-load-wire.log"
    with lb.running_server(log) as server:
        figures = measure(
            users,
            server=server,
            spread=5.0 if quick else lp.SPREAD_S,
            think_s=(0.5, 1.0) if quick else lp.THINK_S,
            first_visit=not quick,
        )
    ok = not figures["sessions_with_errors"] and not figures["sessions_seeing_others_names"]
    figures.pop("sessions")
    return [
        Row(
            "load",
            f"{users} sessions on the wire, paced: each action's server answer against the "
            "same action alone (median of the ratios)",
            figures["all_actions_ratio_median"],
            unit="×",
            goal="≤ 2× alone",
            goal_value=2.0,
            status="ok" if ok else "sessions lost or data seen across sessions",
            runs=users,
            details=figures,
        ),
        Row(
            "load",
            f"server memory peak, {users} sessions on the wire (server + import workers)",
            figures["memory_peak_mb"],
            unit="MB",
            goal=f"≤ {lb.MEMORY_BUDGET_MB} MB",
            goal_value=lb.MEMORY_BUDGET_MB,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_wire", description=__doc__)
    parser.add_argument("--users", type=int, default=lb.USERS)
    parser.add_argument("--mode", choices=("paced", "burst"), default="paced")
    parser.add_argument("--spread", type=float, default=lp.SPREAD_S)
    parser.add_argument("--seed", type=int, default=lp.SEED)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    parser.add_argument(
        "--with-browser",
        action="store_true",
        help="one more planner in Chromium, timed to the map drawn, against itself alone",
    )
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"load_average_before": lb._loadavg(), "client_nice": lb.CLIENT_NICE}
    os.nice(max(0, lb.CLIENT_NICE - os.nice(0)))  # the clients yield to the server
    log = Path(tempfile.gettempdir()) / "ngomap-load-wire.log"
    with lb.running_server(log) as server:
        figures[args.mode] = measure(
            args.users,
            server=server,
            paced=args.mode == "paced",
            spread=args.spread,
            seed=args.seed,
            with_browser=args.with_browser,
        )
        figures["load_average_after"] = lb._loadavg()
        figures["server_alive"] = server.process.poll() is None and lb._harness()._healthy(
            server.url
        )
    figures["memory_budget_mb"] = lb.MEMORY_BUDGET_MB
    figures["server_process_budget_mb"] = lb.SERVER_BUDGET_MB
    text = json.dumps(figures, indent=1, ensure_ascii=False)
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
