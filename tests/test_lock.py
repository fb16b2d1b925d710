"""The lock files pin every dependency that pyproject.toml declares, within its bounds.

``./dev.sh`` installs from requirements/app.txt or requirements/test.txt; a dependency added
to pyproject.toml without running scripts/lock.sh would be missing from them.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)(?:\s*;\s*(.+))?$")


def pins(lock: Path) -> dict[str, list[Version]]:
    """{package: its pinned versions} (one per Python version range the lock covers)."""
    found: dict[str, list[Version]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found.setdefault(canonicalize_name(match[1]), []).append(Version(match[2]))
    return found


@pytest.mark.parametrize(
    ("lock", "declared"),
    [
        ("app.txt", PYPROJECT["project"]["dependencies"]),
        (
            "test.txt",
            PYPROJECT["project"]["dependencies"]
            + PYPROJECT["project"]["optional-dependencies"]["test"],
        ),
    ],
)
def test_lock_pins_every_declared_dependency_within_its_bounds(
    lock: str, declared: list[str]
) -> None:
    pinned = pins(REPO / "requirements" / lock)
    assert len(pinned) > len(declared), "the lock should pin dependencies of dependencies too"
    for text in declared:
        requirement = Requirement(text)
        versions = pinned.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in requirements/{lock}: run scripts/lock.sh"
        for version in versions:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements/{lock} pins {requirement.name}=={version}, outside {text}: "
                "run scripts/lock.sh"
            )
