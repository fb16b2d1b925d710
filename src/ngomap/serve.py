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
