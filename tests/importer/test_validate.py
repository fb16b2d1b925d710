"""Cleaning and checks on files written in the test: encodings, messy cells, bad inputs."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.importer.sheets import decode, sniff_separator
from ngomap.importer.threew import read_3w, read_table
from ngomap.limits import Limits


def xlsx_bytes(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_cp1252_semicolon_csv_with_accents(tmp_path: Path, regions: Boundaries) -> None:
    text = (
        "Nom Organisation;Secteur;Région *;Code région\n"
        "Médecins du Monde;Santé;Ségou;MLI04\n"
        "Aide à l'Enfance Malienne;Éducation;Tombouctou;ML06\n"
        "Association Féminine de Mopti;EHA;MOPTI;ML05 \n"
    )
    path = tmp_path / "excel_fr.csv"
    path.write_bytes(text.encode("cp1252"))
    records, report = read_3w(path, boundaries=regions)
    assert report.rows_kept == 3
    assert list(records[s.ORG_NAME]) == [
        "Médecins du Monde",
        "Aide à l'Enfance Malienne",
        "Association Féminine de Mopti",
    ]
    assert list(records[s.SECTOR]) == ["HEA", "EDU", "WSH"]
    assert list(records[s.AREA_CODE]) == ["ML04", "ML06", "ML05"]
    assert list(records[s.ROW]) == [2, 3, 4]


@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_separators_and_encodings_are_detected(sep: str, encoding: str) -> None:
    text = sep.join(["Organisation", "Secteur", "Région"]) + "\n"
    text += sep.join(["Électriciens sans frontières", '"Eau, hygiène"', "Kayes"]) + "\n"
    data = text.encode(encoding)
    assert decode(data) == text
    assert sniff_separator(text) == sep


def test_workbook_sheet_header_and_formula_errors(regions: Boundaries) -> None:
    data = xlsx_bytes(
        {
            "Lisez-moi": [["Ce classeur liste les partenaires"], ["Mise à jour : mars"]],
            "Listes": [["Secteur"], ["Santé"], ["EHA"]],
            "Données": [
                ["Matrice 3W Mali", None, None],
                [None, None, None],
                ["Organisation", "Cluster", "Région"],
                ["#org+name", "#sector", "#adm1+name"],
                ["#org +name", "#sector", "#adm1 +name"],
                ["Educo", "EDU", "Mopti"],
                ["Educo", "#N/A", "Ségou"],
            ],
        },
        hidden=("Listes",),
    )
    records, report = read_3w(data, name="matrice.xlsx", boundaries=regions)
    assert report.sheet == "Données"
    assert report.header_row == 3
    assert list(records[s.ROW]) == [6, 7]
    assert records[s.SECTOR].tolist() == ["EDU", ""]
    (error,) = report.by_kind("cell.formula_error")
    assert (error.row, error.column, error.value) == (7, "Cluster", "#N/A")


def test_organisations_one_key_suggestions_types_and_aliases(
    tmp_path: Path, regions: Boundaries
) -> None:
    rows = [
        "Organisation,Type d'organisation,Secteur,Région",
        "UNICEF,Agence UN,EHA,Mopti",
        "Unicef,Agence UN,Santé,Mopti",
        "Educo,ONG internationale,EDU,Kayes",
        "EDUCO,ONG internationale,EDU,Ségou",
        "educo,ONG nationale,EDU,Gao",
        "World Vision,ONG internationale,EHA,Gao",
        "World Vision,ONG internationale,EHA,Kayes",
        "Wold Vision,ONG internationale,EHA,Mopti",
    ]
    path = tmp_path / "orgs.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, report = read_3w(path, boundaries=regions)
    assert report.organisations == 4  # UNICEF, Educo, World Vision, Wold Vision (suggested)
    (suggestion,) = report.by_kind("org.suggestion")
    assert suggestion.suggestion == "Wold Vision → World Vision ?"
    assert suggestion.row == 9
    (types,) = report.by_kind("org.types")
    assert types.value == "Educo"
    assert types.rows == (6,)
    _, accepted = read_3w(path, boundaries=regions, accept_suggestions=True)
    assert accepted.organisations == 3
    aliases = tmp_path / "mes_alias.csv"
    aliases.write_text("alias,name\nWold Vision,World Vision\n", encoding="utf-8")
    settled, report = read_3w(path, boundaries=regions, org_aliases=aliases)
    assert report.organisations == 3
    assert not report.by_kind("org.suggestion")
    assert set(settled[s.ORG_NAME]) == {"UNICEF", "Educo", "World Vision"}


def test_duplicates_are_merged_and_counted(tmp_path: Path, regions: Boundaries) -> None:
    path = tmp_path / "dups.csv"
    line = "Puits Bleus,EHA,Mopti\n"
    path.write_text("Organisation,Secteur,Région\n" + line * 4 + "Puits Bleus,EHA,Gao\n")
    records, report = read_3w(path, boundaries=regions)
    assert (report.rows_read, report.rows_kept, report.rows_duplicate) == (5, 2, 3)
    (dup,) = report.by_kind("row.duplicate")
    assert dup.rows == (3, 4, 5)
    assert "row 2" in dup.message_en
    assert len(records) == 2


def test_manual_column_mapping(tmp_path: Path, regions: Boundaries) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Acteur du terrain,Domaine,Zone\nEduco,EDU,Mopti\n", encoding="utf-8")
    with pytest.raises(NgomapError, match="no column is recognised"):
        read_3w(path, boundaries=regions)
    mapping = {"Acteur du terrain": s.ORG_NAME, "Domaine": s.SECTOR, "Zone": s.ADM1_NAME}
    records, report = read_3w(path, boundaries=regions, column_map=mapping)
    assert report.rows_kept == 1
    assert records.loc[0, s.AREA_CODE] == "ML05"
    with pytest.raises(NgomapError, match="not a field"):
        read_3w(path, column_map={"Zone": "region"})


BAD_FILES = {
    "empty.csv": (b"", "empty"),
    "blank.csv": (b" \n\n  \n", "empty"),
    "rapport.xlsx": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    "protege.xlsx": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "EncryptionInfo".encode("utf-16-le"),
        "password",
    ),
    "abimé.xlsx": (b"PK\x03\x04 not really a zip", "cannot be read"),
    "guillemets.csv": (b'Organisation,Secteur\n"Educo,EDU\nPlan,EDU\n', "quotation mark"),
    "colonnes.csv": (b"foo;bar\n1;2\n", "no column is recognised"),
    "image.xlsx": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a spreadsheet"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_get_one_clear_sentence(name: str, regions: Boundaries) -> None:
    data, words = BAD_FILES[name]
    with pytest.raises(NgomapError, match=words) as caught:
        read_3w(data, name=name, boundaries=regions)
    message = caught.value.message("fr")
    assert name in message
    assert "Traceback" not in message
    assert caught.value.message("en") != caught.value.message("fr")


def test_upload_limit_is_stated(regions: Boundaries) -> None:
    with pytest.raises(NgomapError, match="50 MB limit") as caught:
        read_3w(
            b"x" * 50_000_001,
            name="big.csv",
            boundaries=regions,
            limits=Limits(max_bytes=50_000_000),
        )
    assert "Mo" in caught.value.message("fr")


def test_preview_shows_the_users_own_headers() -> None:
    data = "Nom Organisation;Cluster;Cercle;Colonne7\nEduco;EDU;Mopti;x\n".encode("cp1252")
    table = read_table(data, "matrice.csv")
    assert list(table.preview().columns) == ["Nom Organisation", "Cluster", "Cercle", "Colonne7"]
    assert table.unmapped == ["Colonne7"]


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "#N/A", '"', ";", "Mopti", "MLI05", "EHA", "#org+name", "\x00"]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=0, max_size=8),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
)
def test_messy_tables_raise_only_ngomap_errors(
    rows: list[list[str]], sep: str, encoding: str, regions: Boundaries
) -> None:
    header = ["Organisation", "Secteur", "Région", "Code région", "Autre"]
    lines = [sep.join(header)] + [sep.join(row) for row in rows]
    data = "\n".join(lines).encode(encoding, errors="replace")
    try:
        records, report = read_3w(data, name="messy.csv", boundaries=regions)
    except NgomapError:
        return
    assert report.rows_read == report.rows_kept + report.rows_duplicate + report.rows_rejected
    assert len(records) == report.rows_kept
    assert isinstance(records, pd.DataFrame)
