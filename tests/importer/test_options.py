"""One object of import options, taken whole or field by field as keywords."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import get_type_hints

import pytest

from ngomap._paths import SAMPLE_FILE
from ngomap.errors import InputFileError
from ngomap.importer.options import ImportKeywords, ImportOptions, import_options
from ngomap.importer.threew import import_dataset, read_3w
from ngomap.limits import Limits


def test_the_keywords_are_the_fields_of_the_options() -> None:
    fields = get_type_hints(ImportOptions)
    assert {f.name for f in dataclasses.fields(ImportOptions)} == set(fields)
    assert get_type_hints(ImportKeywords) == fields


def test_keywords_go_on_top_of_the_options() -> None:
    base = ImportOptions(accept_suggestions=True, sheet="3W")
    assert import_options(base, {"sheet": "Feuil1"}) == ImportOptions(
        accept_suggestions=True, sheet="Feuil1"
    )
    assert import_options(None, {}) == ImportOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.sheet = "x"  # type: ignore[misc]


def test_options_and_keywords_read_the_same() -> None:
    mapping = {"Organisation": "org_name"}
    by_object, _ = read_3w(SAMPLE_FILE, options=ImportOptions(column_map=mapping))
    by_keywords, _ = read_3w(SAMPLE_FILE, column_map=mapping)
    assert by_object.equals(by_keywords)


def test_the_size_limit_is_checked_in_one_place(tmp_path: Path) -> None:
    """A path and bytes are refused by limits.check_bytes, with the limits' one sentence."""
    path = tmp_path / "gros.csv"
    path.write_bytes(SAMPLE_FILE.read_bytes())
    small = Limits(max_bytes=1_000)
    for source in (path, path.read_bytes()):
        with pytest.raises(InputFileError, match="over the 0 MB limit") as caught:
            import_dataset(source, "gros.csv", limits=small)
        assert "gros.csv" in str(caught.value)
        assert "ngomap validate" in str(caught.value)
