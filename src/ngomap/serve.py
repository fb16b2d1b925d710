"""Run a server as a child process that stops when its parent is stopped.

``ngomap app`` starts Streamlit as a child. A Ctrl-C in a terminal reaches both, but a
SIGTERM (a service manager, ``kill``, a container stopping) reaches only the parent: the
child used to keep running and keep the port. Here the parent passes SIGINT, SIGTERM and
SIGHUP on to the child, waits for it a moment, and kills it if it does not stop.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Sequence
from types import FrameType
from typing import Final

GRACE_SECONDS: Final = 10.0
_FORWARDED: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run_child(command: Sequence[str], *, grace: float = GRACE_SECONDS) -> int:
    """Run ``command`` until it ends; its exit code (128 + signal when the parent was stopped)."""
    child = subprocess.Popen(list(command))
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
