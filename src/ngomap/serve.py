"""Run a server as a child process that stops when its parent is stopped.

``ngomap app`` starts Streamlit as a child. A Ctrl-C in a terminal reaches both, but a
SIGTERM (a service manager, ``kill``, a container stopping) reaches only the parent: the
child used to keep running and keep the port. Here the parent passes SIGINT, SIGTERM and
SIGHUP on to the child, waits for it a moment, and kills it if it does not stop.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Final

GRACE_SECONDS: Final = 10.0
_FORWARDED: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run_child(
    command: Sequence[str],
    *,
    grace: float = GRACE_SECONDS,
    started: Callable[[Callable[[], bool]], None] | None = None,
) -> int:
    """Run ``command`` until it ends; its exit code (128 + signal when the parent was stopped).

    ``started``, if given, runs in a thread of its own once the child is started, with a
    function that tells whether the child still runs (``ngomap app`` warms the page there).
    """
    child = subprocess.Popen(list(command))
    if started is not None:
        threading.Thread(target=started, args=(lambda: child.poll() is None,), daemon=True).start()
    received: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    try:
        deadline: float | None = None
        while True:
            try:
                code = child.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + grace
                if deadline is not None and time.monotonic() > deadline:
                    child.kill()  # it did not stop within the grace period
    finally:
        if child.poll() is None:  # the parent is leaving for another reason (an exception)
            child.kill()
            child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 + received[0] if received else code


# --- the settings ``ngomap app`` gives Streamlit ------------------------------------------------
# What a public server should not show, closed where Streamlit has a setting for it. Streamlit
# has none that closes /_stcore/metrics (its sessions, caches and memory, to anyone): refuse
# that path at the reverse proxy (README, "A public server"); the address keeps the app
# reachable only through that proxy.
PUBLIC_SETTINGS: Final[dict[str, str]] = {
    "server.address": "127.0.0.1",  # only the reverse proxy (or this computer) reaches it
    "server.headless": "true",  # no browser opened on the server
    "server.enableStaticServing": "true",  # Leaflet served from here: no CDN
    "server.enableXsrfProtection": "true",
    "server.enableExpensiveMemoryStats": "false",  # /_stcore/metrics: counts, no object walk
    "browser.gatherUsageStats": "false",
    "client.showErrorDetails": "none",  # no traceback, exception text or server path shown
    "client.toolbarMode": "viewer",  # no developer menu
    "global.developmentMode": "false",
    # No full garbage collection after every run of every session: with 20 sessions it took
    # about a fifth of the server's busy time under load (py-spy, benchmarks/load_bench.py);
    # Python's own collector still runs as objects are made.
    "runner.postScriptGC": "false",
}


def streamlit_command(python: str, script: str, *, port: int, upload_limit_mb: int) -> list[str]:
    """``python -m streamlit run script`` with ``PUBLIC_SETTINGS``, the port and upload limit."""
    settings = {
        **PUBLIC_SETTINGS,
        "server.port": str(port),
        "server.maxUploadSize": str(upload_limit_mb),
    }
    flags = [part for key, value in settings.items() for part in (f"--{key}", value)]
    return [python, "-m", "streamlit", "run", script, *flags]


# --- the page warmed before the first visitor ------------------------------------------------
WARM_TIMEOUT_S: Final = 300.0


def wait_healthy(url: str, *, timeout: float = WARM_TIMEOUT_S, alive: Callable[[], bool]) -> bool:
    """True once ``url``'s Streamlit answers its health check; False if ``alive()`` turns
    False or ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def warm_page(url: str, *, timeout: float = WARM_TIMEOUT_S) -> float:
    """Run the page once in a session of its own, as a browser's first visit would, and
    return its seconds.

    The first run of a new server imports the libraries and fills the caches every session
    shares (boundaries, the registry's state, the sample's map): about 3 s on a small
    machine, which the first planner to come would otherwise wait through. The session
    speaks Streamlit's websocket protocol (a ``BackMsg`` asking for a run, ``ForwardMsg``s
    until the run is finished) and shows nothing to anyone. Raises ``OSError`` or
    ``TimeoutError`` when the server does not answer.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect
    from websockets.typing import Origin, Subprotocol

    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = ""
    start = time.monotonic()
    stream = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    with connect(
        stream,
        subprotocols=[Subprotocol("streamlit")],
        origin=Origin(url),
        max_size=None,
        open_timeout=timeout,
    ) as websocket:
        websocket.send(message.SerializeToString())
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                raise TimeoutError(f"the page did not finish its run within {timeout:.0f} s")
            data = websocket.recv(timeout=left)
            if isinstance(data, bytes) and ForwardMsg.FromString(data).HasField("script_finished"):
                return time.monotonic() - start


def warm_when_up(url: str, *, say: Callable[[str], None]) -> Callable[[Callable[[], bool]], None]:
    """For ``run_child(started=...)``: once the server answers, run its page once
    (``warm_page``) and ``say`` that the page is ready, or why it could not be warmed (the
    server runs on either way)."""

    def warm(alive: Callable[[], bool]) -> None:
        if not wait_healthy(url, alive=alive):
            return  # the server stopped, or never answered: its own output says why
        try:
            seconds = warm_page(url)
        except (OSError, TimeoutError) as error:
            say(f"ngomap: {url} is up; its page could not be run once beforehand ({error}).")
            return
        say(f"ngomap: {url} is ready (its page ran once in {seconds:.1f} s to fill its caches).")

    return warm
