from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.importer.threew import (
    field_for_hashtag,
    load_sample,
    map_columns,
    period_end,
    read_3w,
)

HEADER = "Nom de l'organisation,Secteur,Région,Code région\n"
TAGS = "#org+name,#sector,#adm1+name,#adm1+code\n"


def write(tmp_path: Path, body: str, name: str = "3w.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_hashtags_tolerate_spaces_and_attribute_order() -> None:
    assert field_for_hashtag("#org +acronym") == s.ORG_ACRONYM
    assert field_for_hashtag("#adm1 +code") == s.ADM1_CODE
    assert field_for_hashtag("#org+name+fr") == s.ORG_NAME
    assert field_for_hashtag("#date+end") == s.END
    assert field_for_hashtag("not a tag") is None


def test_columns_map_by_hashtag_then_header_and_unknown_are_listed() -> None:
    mapping, unmapped = map_columns(
        ["Acteur", "Cluster", "Région *", "Colonne7"], ["#org+name", "", "", ""]
    )
    assert mapping == {"Acteur": s.ORG_NAME, "Cluster": s.SECTOR, "Région *": s.ADM1_NAME}
    assert unmapped == ["Colonne7"]


def test_hashtags_win_over_header_words_attributes_included(tmp_path: Path) -> None:
    assert field_for_hashtag("#org+type+name") == s.ORG_TYPE
    assert field_for_hashtag("#org+type+code") == s.ORG_TYPE
    assert field_for_hashtag("#org+name+type") == s.ORG_TYPE
    assert field_for_hashtag("#org+name") == s.ORG_NAME
    # A header called REGION comes first, but the hashtag says where the region names are.
    mapping, unmapped = map_columns(
        ["REGION", "Nom", "Zone", "Type"],
        ["#adm1+code", "#org+name", "#adm1+name", "#org+type+name"],
    )
    assert mapping == {
        "REGION": s.ADM1_CODE,
        "Nom": s.ORG_NAME,
        "Zone": s.ADM1_NAME,
        "Type": s.ORG_TYPE,
    }
    assert unmapped == []
    mapping, unmapped = map_columns(["REGION", "Where"], ["", "#adm1+name"])
    assert mapping == {"Where": s.ADM1_NAME}  # the header word does not take the tag's field
    assert unmapped == ["REGION"]


def test_every_row_is_accounted_for(tmp_path: Path, regions: Boundaries) -> None:
    path = write(
        tmp_path,
        HEADER
        + TAGS
        + "Puits Bleus,EHA,Mopti,ML05\n"
        + "puits  bleus,Eau hygiène et assainissement,MOPTI,MLI05\n"  # same record
        + ",Santé,Gao,ML07\n"  # no organisation
        + "Puits Bleus,Santé,Atlantide,ML99\n"  # unknown area
        + "Puits Bleus,Jonglerie,Ménaka,ML10\n"  # unknown sector, newer region
        + ",,,\n",  # blank line: not a row
    )
    records, report = read_3w(path, boundaries=regions)
    assert report.rows_read == 5
    assert (report.rows_kept, report.rows_duplicate, report.rows_rejected) == (2, 1, 2)
    assert report.rows_read == report.rows_kept + report.rows_duplicate + report.rows_rejected
    assert report.organisations == 1
    kinds = {(p.row, p.kind) for p in report.problems}
    assert {(4, "row.duplicate"), (5, "org.missing"), (6, "area.unknown")} <= kinds
    assert {(7, "sectors.unknown"), (7, "area.moved")} <= kinds
    assert set(records[s.SECTOR]) == {"WSH", "other: Jonglerie"}
    assert set(records[s.AREA_CODE]) == {"ML05", "ML07"}
    assert list(records[s.ROW]) == [3, 7]  # the spreadsheet's own row numbers


def test_national_records_stay_national(tmp_path: Path, regions: Boundaries) -> None:
    path = write(tmp_path, HEADER + TAGS + "Puits Bleus,Santé,Tout le Mali,\n")
    records, report = read_3w(path, boundaries=regions)
    assert report.rows_kept == 1
    assert bool(records.loc[0, s.NATIONAL])
    assert records[s.AREA_CODE].isna()[0]


def test_empty_and_unrecognisable_files_get_one_clear_message(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="empty"):
        read_3w(write(tmp_path, ""))
    with pytest.raises(InputFileError, match="no column is recognised"):
        read_3w(write(tmp_path, "foo,bar\n1,2\n", "odd.csv"))


def test_sample_matches_the_embassy_split() -> None:
    dataset = load_sample()
    records, report = dataset.records, dataset.report
    assert report.rows_read == report.rows_kept + report.rows_duplicate + report.rows_rejected
    assert report.rows_rejected == 0
    orgs = records.drop_duplicates(s.ORG_KEY)
    assert len(orgs) == 80
    presence = orgs[s.PRESENCE].value_counts().to_dict()
    assert presence["DIRECT"] == 32
    assert presence["PARTNER"] == 28
    assert presence.get("OPERATOR", 0) + presence.get("OCCASIONAL", 0) == 20
    assert records[s.SECTOR].str.startswith("other").sum() == 0
    assert dataset.is_sample
    assert dataset.updated is not None


def test_a_workbook_s_last_saved_day_is_not_the_data_s_date(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from ngomap.importer.threew import import_dataset

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nom de l'organisation", "Secteur", "Région"])
    sheet.append(["Puits Bleus", "Santé", "Mopti"])
    path = tmp_path / "3w.xlsx"
    book.save(path)
    dataset = import_dataset(path.read_bytes(), "3w.xlsx")
    assert dataset.updated is None  # openpyxl stamps docProps/core.xml: a save, not the data
    csv_dataset = import_dataset(b"Organisation,Secteur,Region\nA,Sante,Mopti\n", "3w.csv")
    assert csv_dataset.updated is None


def test_a_real_password_protected_workbook_says_so_and_what_to_do() -> None:
    """An .xlsx encrypted as Excel does (ECMA-376 agile), made here with msoffcrypto-tool."""
    import io

    from msoffcrypto.format.ooxml import OOXMLFile
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nom de l'organisation", "Secteur", "Région"])
    sheet.append(["Puits Bleus", "Santé", "Mopti"])
    clear, locked = io.BytesIO(), io.BytesIO()
    book.save(clear)
    clear.seek(0)
    OOXMLFile(clear).encrypt("motdepasse", locked)
    data = locked.getvalue()
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # an OLE2 container, not a zip
    with pytest.raises(InputFileError) as caught:
        read_3w(data, name="protege.xlsx")
    french, english = caught.value.message("fr"), caught.value.message("en")
    assert french.startswith("protege.xlsx : le classeur est protégé par un mot de passe.")
    assert "retirez le mot de passe" in french
    assert english.startswith("protege.xlsx: the workbook is protected by a password.")
    assert "remove the password" in english


def test_the_datas_date_is_its_last_date_not_after_the_import() -> None:
    records = pd.DataFrame(
        {
            s.START: ["01/02/2024", "15/03/2025", None],
            s.END: ["31/12/2024", "31/12/2029", "bientôt"],  # a project running to 2029
        }
    )
    assert period_end(records, today=date(2026, 11, 29)) == date(2025, 3, 15)
    assert period_end(records, today=date(2030, 1, 1)) == date(2029, 12, 31)
    assert period_end(records, today=date(2023, 1, 1)) is None  # nothing happened yet
    # The sample's projects run to 2029: a list imported today is dated at most today.
    updated = load_sample().updated
    assert updated is not None
    assert updated <= date.today()
