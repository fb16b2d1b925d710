"""Rules of the house that no linter checks for us."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_no_formatter_escape_hatches() -> None:
    """The formatter formats everything: no ``fmt: skip`` or ``fmt: off`` in the code."""
    files = [*REPO.glob("src/**/*.py"), *REPO.glob("tests/**/*.py"), REPO / "app.py"]
    pattern = re.compile(r"#\s*fmt:\s*(skip|off)")
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and path != Path(__file__).resolve()
    ]
    assert len(files) > 20
    assert not found, found
