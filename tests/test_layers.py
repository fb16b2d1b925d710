"""The import-linter layers name every module of ngomap: a new one cannot go unchecked."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "ngomap"


def _layered() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = [
        c for c in config["contracts"] if c["type"] == "layers" and c["containers"] == ["ngomap"]
    ]
    assert len(layers) == 1, "one layers contract for the whole package"
    return {name.strip() for layer in layers[0]["layers"] for name in layer.split("|")}


def _top_level() -> set[str]:
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "__main__"}}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    return modules | packages


def test_every_module_of_ngomap_has_its_layer() -> None:
    missing = _top_level() - _layered()
    assert not missing, f"give these a layer in pyproject.toml [tool.importlinter]: {missing}"


def test_every_layer_names_a_module_that_exists() -> None:
    stale = _layered() - _top_level()
    assert not stale, f"these layers name no module of ngomap: {stale}"
