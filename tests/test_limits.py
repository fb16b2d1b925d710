"""Every reader refuses, before allocating, a file over one of ngomap.limits, in one sentence."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hostile_files import far_cell_workbook, shared_string_bomb

from ngomap.areas.files import read_boundaries, read_boundary_uploads
from ngomap.errors import BoundaryError, InputFileError
from ngomap.importer.population import read_population
from ngomap.importer.threew import import_dataset, read_table
from ngomap.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_coordinates,
    check_csv_layout,
    json_depth,
)
from ngomap.vocab import read_organisation_aliases

CSV = "Organisation;Secteur;Région\nONG A;Santé;Kayes\nONG B;Éducation;Mopti\n"


def _both(error: pytest.ExceptionInfo[Exception], *words: str) -> None:
    """The refusal is one sentence in each language naming the file and the limit."""
    value = error.value
    en, fr = value.message("en"), value.message("fr")  # type: ignore[attr-defined]
    assert en != fr
    for text in (en, fr):
        assert "Traceback" not in text
        assert "/tmp" not in text
        for word in words:
            assert word in text, (word, text)


def _read_or_refused(data: bytes, name: str) -> None:
    """Read, or refused with a message naming the file: nothing else."""
    message = ""
    try:
        import_dataset(data, name)
    except InputFileError as error:
        message = error.message("en")
    assert not message or name in message


def test_far_cell_reference_is_refused_before_the_workbook_is_opened() -> None:
    data = far_cell_workbook("XFD1048576")
    assert len(data) < 5_000
    with pytest.raises(InputFileError) as error:
        import_dataset(data, "far.xlsx")
    _both(error, "far.xlsx", "16 384", "2 000")


def test_far_row_is_refused_by_its_cells() -> None:
    with pytest.raises(InputFileError) as error:
        read_table(far_cell_workbook("B90000000"), "down.xlsx")
    _both(error, "down.xlsx", "90 000 000")


def test_shared_string_bomb_is_refused_from_its_parts() -> None:
    data = shared_string_bomb(size=2_000_000, cells=12_000)
    assert len(data) < 400_000
    with pytest.raises(InputFileError) as error:
        read_table(data, "bomb.xlsx")
    _both(error, "bomb.xlsx", "32 767")


def test_shared_strings_under_the_cell_limit_but_repeated_are_refused_by_their_total() -> None:
    data = shared_string_bomb(size=30_000, cells=20_000)
    limits = replace(DEFAULT_LIMITS, max_text_bytes=100_000_000)
    with pytest.raises(InputFileError) as error:
        read_table(data, "many.xlsx", limits=limits)
    _both(error, "many.xlsx", "600")


def test_a_workbook_under_the_limits_reads() -> None:
    table = read_table(far_cell_workbook("D40"), "near.xlsx")
    assert table.headers[:3] == ["Organisation", "Secteur", "Région"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (CSV.encode() + b"ONG C;" + b"x" * 5_000_000 + b";Kayes\n", ("wide.csv", "4")),
        (b"a" * 250_000 + b"\n" + CSV.encode(), ()),
        (CSV.encode() + b";" * 100_000 + b"\n", ("100 001", "2 000")),
    ],
)
def test_csv_lines_fields_and_columns_are_bounded(data: bytes, words: tuple[str, ...]) -> None:
    if not words:  # a long first line alone: read, or refused with a message
        _read_or_refused(data, "wide.csv")
        return
    with pytest.raises(InputFileError) as error:
        import_dataset(data, "wide.csv")
    _both(error, "wide.csv", *words)


def test_a_cell_longer_than_the_field_limit_is_refused() -> None:
    data = (CSV + "ONG C;" + "y" * 40_000 + ";Kayes\n").encode()
    with pytest.raises(InputFileError) as error:
        read_table(data, "long.csv")
    _both(error, "long.csv", "40 000", "32 767")


def test_rows_over_the_limit_are_counted_before_reading() -> None:
    limits = Limits(max_rows=1_000)
    data = (CSV + "ONG C;Santé;Kayes\n" * 2_000).encode()
    with pytest.raises(InputFileError) as error:
        read_table(data, "long.csv", limits=limits)
    _both(error, "long.csv", "1 000")


def test_layout_counts_lines_and_widest_line() -> None:
    check_csv_layout(b"a,b\nc,d\n", ",", "ok.csv")
    with pytest.raises(InputFileError, match="3 columns"):
        check_csv_layout(b"a,b\nc,d,e\n", ",", "x.csv", Limits(max_columns=2))


@pytest.mark.parametrize(
    "data",
    [
        "Organisation;Secteur\nONG A;Santé\n".encode("utf-16")[:-1],  # UTF-16 of odd length
        "Organisation;Secteur;Région\x85ONG A;Santé;Kayes\x85".encode(),  # NEL line ends
        "Organisation;Secteur;Région\u2028ONG A;Santé;Kayes\u2028".encode(),
    ],
)
def test_odd_encodings_and_line_ends_are_read_or_refused_with_a_message(data: bytes) -> None:
    _read_or_refused(data, "odd.csv")


# --- boundaries -----------------------------------------------------------------------------
GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"ADM1_PCODE": "ML01", "ADM1_FR": "Kayes"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-10, 14, 300], [-9, 14, 310], [-9, 15, 320], [-10, 14, 300]]],
            },
        }
    ],
}


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    padded = json.dumps(GEOJSON)[:-1] + " " * 60_000_000 + "}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("adm1.geojson", padded)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(BoundaryError) as error:
        read_boundaries(path)
    _both(error, "bomb.zip", "200")
    assert not list(tmp_path.glob("**/adm1.geojson"))


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    "names",
    [["x" * 300 + ".shp"], ["a.shp", "a.shp"], ["A.SHP", "a.shp"]],
)
def test_odd_member_names_are_refused(names: list[str]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    with pytest.raises(BoundaryError) as error:
        read_boundary_uploads([("odd.zip", buffer.getvalue())])
    assert "odd.zip" in error.value.message("fr")


def test_deeply_nested_json_is_refused_not_a_recursion_error() -> None:
    for depth in (100, 200_000):
        data = b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"
        with pytest.raises(BoundaryError) as error:
            read_boundary_uploads([("deep.geojson", data)])
        _both(error, "deep.geojson", "64")


def test_json_depth_counts_without_recursion() -> None:
    value: list[object] = []
    for _ in range(50_000):
        value = [value]
    assert json_depth(value) == 50_001
    assert json_depth({"a": [1, {"b": 2}]}) == 3


def test_z_coordinates_are_dropped_on_reading() -> None:
    boundaries = read_boundary_uploads([("z.geojson", json.dumps(GEOJSON).encode())])
    assert not boundaries.areas.geometry.has_z.any()


def test_too_many_points_in_one_shape_are_refused() -> None:
    check_coordinates([4, 3], "z.geojson", Limits(max_coordinates=4))
    with pytest.raises(BoundaryError) as error:
        check_coordinates([3, 5], "z.geojson", Limits(max_coordinates=4))
    _both(error, "z.geojson", "5")


def test_gdal_messages_reach_the_user_without_server_paths() -> None:
    with pytest.raises(BoundaryError) as error:
        read_boundary_uploads([("broken.gpkg", b"SQLite format 3\x00" + b"\x01" * 3000)])
    for lang in ("en", "fr"):
        text = error.value.message(lang)
        assert "broken.gpkg" in text
        assert "/tmp" not in text
        assert "ngomap-upload" not in text


# --- population and alias files ----------------------------------------------------------------
def test_population_from_bytes_bounded_and_tolerant() -> None:
    table, _ = read_population(("pop.csv", b"admin1Pcode,T_TL\nML01,12\n"))
    assert table == {"ML01": 12.0}
    with pytest.raises(InputFileError) as error:
        read_population(("pop.csv", b"admin1Pcode,T_TL\n" + b"," * 10_000 + b"\n"))
    _both(error, "pop.csv", "2 000")
    with pytest.raises(InputFileError, match=r"pop\.xlsx"):
        read_population(("pop.xlsx", far_cell_workbook()))


def test_alias_file_with_a_nul_byte_is_refused_with_a_message() -> None:
    with pytest.raises(InputFileError, match=r"aliases\.csv"):
        read_organisation_aliases(b"alias,name\nA,\x00B\n", "aliases.csv")


def test_a_self_crossing_shape_of_very_many_points_is_refused_not_repaired() -> None:
    """Found by the fuzzer: rebuilding a zigzag ring of 300 000 points took gigabytes."""
    zigzag = [[-10 + i * 1e-6, 14 + (i % 2) * 1e-6] for i in range(150_000)] + [[-10, 14]]
    value = json.loads(json.dumps(GEOJSON))
    value["features"][0]["geometry"]["coordinates"] = [zigzag]
    with pytest.raises(BoundaryError) as error:
        read_boundary_uploads([("zigzag.geojson", json.dumps(value).encode())])
    _both(error, "zigzag.geojson", "Kayes", "100 000")


def test_the_real_mali_workbook_is_within_the_limits(shared_data: Path) -> None:
    """Its formatting reaches column AMJ (1 024) on empty cells: those are not counted."""
    path = shared_data / "3w" / "mali-5w-mar2022" / "mali_5w_mar2022.xlsx"
    table = read_table(path.read_bytes(), path.name)
    assert len(table.body) > 20_000


def test_a_shape_crossing_itself_thousands_of_times_is_refused_not_repaired() -> None:
    """Found by the fuzzer: a zigzag of 10 000 points took 40 s to rebuild."""
    zigzag = [[-10 + i * 1e-6, 14 + (i % 2) * 1e-6] for i in range(10_000)] + [[-10, 14]]
    value = json.loads(json.dumps(GEOJSON))
    value["features"][0]["geometry"]["coordinates"] = [zigzag]
    with pytest.raises(BoundaryError) as error:
        read_boundary_uploads([("zigzag.geojson", json.dumps(value).encode())])
    _both(error, "zigzag.geojson", "Kayes", "2 000")
