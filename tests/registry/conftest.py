"""Registry fixtures: every test runs on SQLite and on a real, throwaway PostgreSQL + PostGIS.

The PostgreSQL cluster (ngomap.registry.throwaway) starts once per test session and each
test gets a fresh database copied from a PostGIS template. Without PostgreSQL the
PostgreSQL half is skipped saying what to install, except in CI (``CI=true``), where it
fails: no test is skipped there for want of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

import pytest
from registry_helpers import FIRST, three_w
from sqlalchemy import Engine

from ngomap.registry import db, throwaway
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round
from ngomap.registry.setup import init


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


@pytest.fixture
def sample_registry(db_url: str, request: pytest.FixtureRequest) -> Engine:
    """The registry at ``db_url`` after one round of FIRST, with AIS's profile edited by
    the test module's ``AIS_CHANGES`` (staff-only contacts, formulas: what the public
    paths must never show or run)."""
    changes: Mapping[str, object] | None = getattr(request.module, "AIS_CHANGES", None)
    if changes is None:
        pytest.fail(f"{request.module.__name__} has no AIS_CHANGES for sample_registry")
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    info = RoundInfo(
        file_name="q1.csv", sha256="0" * 64, by="importer", data_date=date(2024, 3, 31)
    )
    apply_round(engine, three_w(*FIRST), info)
    ais = orgs.find(engine, "AIS")
    orgs.edit(engine, ais, version=orgs.get(engine, ais)["version"], changes=dict(changes))
    return engine
