"""Every page test reads its own registry: a fresh SQLite file in the test's folder.

The page's data is the registry (created and filled with the sample on first use): a test
that shared one file with another would see the other's rounds and edits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ngomap.registry import db


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The default registry lives in the test's folder; never the user's own."""
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(db.ENV_URL, raising=False)
