"""Shared fixtures: tiny records built in the test, and the real data in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from ngomap.areas.boundaries import Boundaries, embedded_regions

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

# No time limit per example: speed is measured by benchmarks/, never by tests, and a shared,
# loaded machine would make hypothesis' default 200 ms deadline fail at random.
settings.register_profile("ngomap", deadline=None)
settings.load_profile("ngomap")


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a skip saying why (a user's clone does not have it)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real OCHA files not found at {SHARED_DATA} (present in CI only)")
    return SHARED_DATA


@pytest.fixture
def regions() -> Boundaries:
    return embedded_regions()


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The page and the command line read the registry: every test gets its own (the default
    SQLite file in the test's folder), never the user's, never another test's."""
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "ngomap-data"))
    monkeypatch.delenv("NGOMAP_DATABASE_URL", raising=False)
