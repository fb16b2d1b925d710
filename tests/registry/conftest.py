"""Registry fixtures: every test runs on SQLite and on a real, throwaway PostgreSQL + PostGIS.

The PostgreSQL cluster (ngomap.registry.throwaway) starts once per test session and each
test gets a fresh database copied from a PostGIS template. Without PostgreSQL the
PostgreSQL half is skipped saying what to install, except in CI (``CI=true``), where it
fails: no test is skipped there for want of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ngomap.registry import db, throwaway
from ngomap.registry.db import RegistryError


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[throwaway.Cluster]:
    """A throwaway PostgreSQL + PostGIS cluster for the whole session."""
    try:
        with throwaway.cluster() as running:
            yield running
    except RegistryError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: an SQLite file, then a fresh PostgreSQL + PostGIS database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    running: throwaway.Cluster = request.getfixturevalue("postgres_cluster")
    return running.new_database()


@pytest.fixture(autouse=True)
def _own_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the user's own registry: the default one lives in the test's folder."""
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(db.ENV_URL, raising=False)
