"""A throwaway PostgreSQL + PostGIS cluster, for tests and benchmarks on a real server.

``initdb`` in a temporary folder, a free port on 127.0.0.1, run as an unprivileged user when
the caller is root (PostgreSQL refuses to run as root), PostGIS created in a template that
each new database copies; stopped and removed on exit. Debian's binaries are found under
/usr/lib/postgresql/*/bin (the newest), else on the PATH.
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Final

from ngomap.registry.db import RegistryError

INSTALL_HINT: Final = "sudo apt-get install postgresql postgis (./dev.sh test does it)"
TEMPLATE: Final = "ngomap_template"


def binaries() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding initdb, else initdb's folder on the PATH."""
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
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RegistryError("Running as root without a postgres or nobody user to run PostgreSQL.")


@dataclass
class Cluster:
    """A running throwaway cluster: ``new_database()`` gives the URL of a fresh database."""

    bin: Path
    root: Path
    port: int
    user: str | None
    _numbers: Iterator[int] = field(default_factory=count)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def url(self, database: str, *, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://ngomap@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh database with PostGIS (a copy of the template); its SQLAlchemy URL."""
        import psycopg

        name = f"ngomap_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url("postgres", driver="postgresql"), autocommit=True) as conn:
            for attempt in range(20):  # the template may be busy for a moment
                try:
                    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
                    break
                except psycopg.errors.ObjectInUse:
                    time.sleep(0.1 * (attempt + 1))
        return self.url(name)


@contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a throwaway cluster with PostGIS; stop and remove it on exit.

    Raises RegistryError saying what to install when PostgreSQL or PostGIS is missing.
    """
    found = binaries()
    if found is None:
        raise RegistryError(f"PostgreSQL is not installed: {INSTALL_HINT}.")
    root = Path(tempfile.mkdtemp(prefix="ngomap-pg-"))
    user = _unprivileged_user()
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    running = Cluster(bin=found, root=root, port=_free_port(), user=user)
    started = False
    try:
        running.run(
            "initdb",
            "-D",
            str(running.data),
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
            f"-p {running.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        running.run(
            "pg_ctl",
            "-D",
            str(running.data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        started = True
        import psycopg

        with psycopg.connect(running.url("postgres", driver="postgresql"), autocommit=True) as c:
            c.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(running.url(TEMPLATE, driver="postgresql"), autocommit=True) as c:
            try:
                c.execute("CREATE EXTENSION postgis")
            except psycopg.Error as exc:
                raise RegistryError(f"PostGIS is not installed ({exc}): {INSTALL_HINT}.") from exc
        yield running
    finally:
        try:
            if started:
                running.run("pg_ctl", "-D", str(running.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)
