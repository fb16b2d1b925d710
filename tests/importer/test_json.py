"""JSON exported from web sites, read through the same report as a sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.importer.threew import read_3w


def test_an_array_of_objects(tmp_path: Path, regions: Boundaries) -> None:
    path = tmp_path / "ong.json"
    path.write_text(
        json.dumps(
            [
                {"Organisation": "Puits Bleus", "Secteur": "EHA", "Région": "Mopti"},
                {"Organisation": "Karité", "Secteur": "Santé", "Région": ["Kayes", "Gao"]},
                {"Organisation": "Dunes", "Secteur": "EDU", "Région": "Atlantide"},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    records, report = read_3w(path, boundaries=regions)
    assert report.rows_read == 3
    assert report.rows_rejected == 1
    places = set(zip(records[s.ORG_NAME], records[s.AREA_CODE], records[s.ROW], strict=True))
    # the first object is row 2, under the headers; a list of zones gives one each
    assert places == {("Puits Bleus", "ML05", 2), ("Karité", "ML01", 3), ("Karité", "ML07", 3)}
    errors = [p for p in report.problems if p.severity == "error"]
    assert {p.row for p in errors} == {4}


def test_hxl_json_and_lists_in_values(tmp_path: Path, regions: Boundaries) -> None:
    path = tmp_path / "hxl.json"
    rows = [
        ["Organisation", "Secteur", "Zones"],
        ["#org+name", "#sector", "#adm1+name"],
        ["Karité", "Santé", ["Kayes", "Gao"]],
        ["Sable", "EDU", "Mopti"],
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    records, report = read_3w(path, boundaries=regions)
    assert report.rows_read == 2
    assert report.rows_rejected == 0
    assert sorted(records[s.AREA_CODE]) == ["ML01", "ML05", "ML07"]  # Kayes; Gao: a list
    assert report.by_kind("row.list")


def test_broken_json_is_said_as_json(tmp_path: Path, regions: Boundaries) -> None:
    path = tmp_path / "cassé.json"
    path.write_text('[{"Organisation": "Puits Bleus",}]', encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        read_3w(path, boundaries=regions)
    message = error.value.message("en")
    assert "JSON" in message
    assert "line 1" in message
    assert "Excel" not in message
