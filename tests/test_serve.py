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


# A page that counts its runs in a file (the warm-up must run it once, to its end).
COUNTING_PAGE = """
import pathlib, time
import streamlit as st
time.sleep(0.5)  # a run that takes a while: warm_page waits for its end
with open({runs!r}, "a") as out:
    out.write("run\\n")
st.write("counted")
"""


def test_warm_page_runs_the_page_once_to_its_end(tmp_path: Path) -> None:
    from ngomap.serve import streamlit_command, wait_healthy, warm_page

    runs = tmp_path / "runs.txt"
    page = tmp_path / "page.py"
    page.write_text(COUNTING_PAGE.format(runs=str(runs)), encoding="utf-8")
    port = free_port()
    command = streamlit_command(sys.executable, str(page), port=port, upload_limit_mb=1)
    server = subprocess.Popen(
        [*command, "--server.fileWatcherType", "none"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_healthy(url, timeout=90, alive=lambda: server.poll() is None)
        assert not runs.exists()  # Streamlit runs nothing before a session asks
        assert warm_page(url) >= 0.5
        assert runs.read_text(encoding="utf-8") == "run\n"  # once, finished
        warm_page(url)
        assert runs.read_text(encoding="utf-8") == "run\nrun\n"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_wait_healthy_gives_up_when_the_server_is_gone() -> None:
    from ngomap.serve import wait_healthy

    port = free_port()  # nothing listens there
    assert not wait_healthy(f"http://127.0.0.1:{port}", timeout=60, alive=lambda: False)


def test_ngomap_app_runs_its_page_before_the_first_visitor(tmp_path: Path) -> None:
    port = free_port()
    ngomap = Path(sys.executable).parent / "ngomap"
    said = tmp_path / "stderr.txt"
    with said.open("wb") as err:
        app = subprocess.Popen(
            [str(ngomap), "app", "--port", str(port)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "NGOMAP_DATA_DIR": str(tmp_path / "data")},
        )
        try:
            ready = f"ngomap: http://127.0.0.1:{port} is ready (its page ran once in "
            assert wait_for(lambda: ready in said.read_text(encoding="utf-8"), 240), said.read_text(
                encoding="utf-8"
            )[-2000:]
        finally:
            app.send_signal(signal.SIGTERM)
            app.wait(timeout=30)
