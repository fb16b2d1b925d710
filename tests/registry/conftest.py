"""Registry fixtures: every test runs on SQLite and on a real, throwaway PostgreSQL + PostGIS.

The PostgreSQL cluster is started once per test session: ``initdb`` in a temporary folder,
a free port on 127.0.0.1, run as an unprivileged user when the tests run as root, PostGIS
created in a template database that each test copies; stopped and removed at the end.
Without PostgreSQL's binaries the PostgreSQL half is skipped with what to install, except
in CI (``CI=true``), where it fails: no test is skipped for want of it there.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from ngomap.registry import db

INSTALL_HINT = "sudo apt-get install postgresql postgis (or ./dev.sh test, which does it)"
_numbers = count()


def _binaries() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding initdb, else initdb on the PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unprivileged_user() -> str | None:
    """A user to run PostgreSQL as when we are root (it refuses to run as root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root without a postgres or nobody user to run PostgreSQL")


@dataclass
class Cluster:
    """A running throwaway PostgreSQL cluster."""

    bin: Path
    data: Path
    port: int
    user: str | None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://ngomap@127.0.0.1:{self.port}/{database}"


def _start_cluster(binaries: Path) -> tuple[Cluster, Path]:
    root = Path(tempfile.mkdtemp(prefix="ngomap-pg-"))
    user = _unprivileged_user()
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bin=binaries, data=root / "data", port=_free_port(), user=user)
    cluster.run(
        "initdb",
        "-D",
        str(cluster.data),
        "-U",
        "ngomap",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    options = (
        f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
    )
    cluster.run(
        "pg_ctl",
        "-D",
        str(cluster.data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "-t",
        "60",
        "start",
    )
    return cluster, root


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL + PostGIS cluster for the whole session."""
    binaries = _binaries()
    if binaries is None:
        message = f"PostgreSQL is not installed: {INSTALL_HINT}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    cluster, root = _start_cluster(binaries)
    try:
        import psycopg

        with psycopg.connect(
            cluster.url("postgres").replace("+psycopg", ""), autocommit=True
        ) as connection:
            connection.execute("CREATE DATABASE ngomap_template")
        with psycopg.connect(
            cluster.url("ngomap_template").replace("+psycopg", ""), autocommit=True
        ) as connection:
            try:
                connection.execute("CREATE EXTENSION postgis")
            except psycopg.Error as exc:
                message = f"PostGIS is not installed ({exc}): {INSTALL_HINT}"
                if os.environ.get("CI", "").lower() == "true":
                    pytest.fail(message)
                pytest.skip(message)
        yield cluster
    finally:
        try:
            cluster.run("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _fresh_postgres(cluster: Cluster) -> str:
    import psycopg

    name = f"ngomap_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(
        cluster.url("postgres").replace("+psycopg", ""), autocommit=True
    ) as connection:
        for attempt in range(20):  # the template may be busy for a moment
            try:
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE ngomap_template')
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(0.1 * (attempt + 1))
    return cluster.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: an SQLite file, then a fresh PostgreSQL + PostGIS database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    return _fresh_postgres(cluster)


@pytest.fixture(autouse=True)
def _own_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the user's own registry: the default one lives in the test's folder."""
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(db.ENV_URL, raising=False)
