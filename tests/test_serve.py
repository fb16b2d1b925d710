"""``ngomap app`` stops its Streamlit child when it is stopped (SIGINT, SIGTERM)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A parent that runs a child through ngomap.serve.run_child; the child writes its pid.
PARENT = """
import sys
from ngomap.serve import run_child
child = [sys.executable, "-c", {child!r}]
sys.exit(run_child(child, grace={grace}))
"""
CHILD_WRITES_PID = (
    "import os, signal, time, pathlib\n"
    "{ignore}"
    "pathlib.Path({pidfile!r}).write_text(str(os.getpid()))\n"
    "time.sleep(600)\n"
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped by a dead parent) counts as gone
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def wait_for(check: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def start(
    tmp_path: Path, *, ignore_term: bool = False, grace: float = 10.0
) -> tuple[subprocess.Popen[bytes], int]:
    pidfile = tmp_path / "child.pid"
    ignore = "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" if ignore_term else ""
    child = CHILD_WRITES_PID.format(ignore=ignore, pidfile=str(pidfile))
    parent = subprocess.Popen([sys.executable, "-c", PARENT.format(child=child, grace=grace)])
    assert wait_for(pidfile.is_file, 30), "the child did not start"
    assert wait_for(lambda: pidfile.read_text().strip() != "", 5)
    return parent, int(pidfile.read_text())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_child_stops_with_its_parent(tmp_path: Path, sig: signal.Signals) -> None:
    parent, child = start(tmp_path)
    assert alive(child)
    parent.send_signal(sig)  # to the parent only, as a service manager does
    assert parent.wait(timeout=15) == 128 + sig
    assert wait_for(lambda: not alive(child), 5), "the child outlived its parent"


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    parent, child = start(tmp_path, ignore_term=True, grace=1.0)
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(timeout=15) == 128 + signal.SIGTERM
    assert wait_for(lambda: not alive(child), 5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_ngomap_app_frees_its_port_on_sigterm() -> None:
    port = free_port()
    ngomap = Path(sys.executable).parent / "ngomap"
    app = subprocess.Popen(
        [str(ngomap), "app", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: listening(port), 90), "Streamlit did not start"
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=30) == 128 + signal.SIGTERM
        assert wait_for(lambda: not listening(port), 15), "the port is still taken"
    finally:
        if app.poll() is None:
            app.kill()
