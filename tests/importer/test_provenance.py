"""A 3W's source and period, read where the file says them; the user's words win."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from ngomap.cli import cli
from ngomap.importer.provenance import Period, parse_period
from ngomap.importer.threew import import_dataset, read_table, table_provenance

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("3W Mali - Avril 2023", date(2023, 4, 1), date(2023, 4, 30)),
        ("NGA_3Ws_Apr_Jun_2023", date(2023, 4, 1), date(2023, 6, 30)),
        ("Matrice 3W janvier à mars 2022", date(2022, 1, 1), date(2022, 3, 31)),
        ("3W T2 2023", date(2023, 4, 1), date(2023, 6, 30)),
        ("Q4 2021", date(2021, 10, 1), date(2021, 12, 31)),
        ("2023-06-30 23:59:59.999999", date(2023, 6, 30), date(2023, 6, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("5W 2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("Février 2024", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_periods_as_files_write_them(text: str, start: date, end: date) -> None:
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize("text", ["Matrice 3W Mali", "ML_5W", "", "3W", "Liste des ONG"])
def test_no_period_where_the_text_names_none(text: str) -> None:
    assert parse_period(text) is None


def test_labels() -> None:
    assert Period(date(2023, 4, 1), date(2023, 6, 30)).label("fr") == "avril–juin 2023"
    assert Period(date(2023, 4, 1), date(2023, 4, 30)).label("en") == "April 2023"


TITLED = (
    "3W Mali - Avril 2023;;\n"
    "#meta+source;Ambassade de France au Mali;\n"
    ";;\n"
    "Organisation;Secteur;Région\n"
    "Educo;EDU;Mopti\n"
    "Plan;HEA;Gao\n"
)


def test_title_row_and_meta_row_above_the_header() -> None:
    dataset = import_dataset(TITLED.encode("utf-8"), "3w.csv")
    assert dataset.source("fr") == "Ambassade de France au Mali"
    assert dataset.title("fr") == "3W Mali - Avril 2023"
    assert dataset.updated == date(2023, 4, 30)
    assert len(dataset.records) == 2  # the rows above the header are not records
    (said,) = dataset.report.by_kind("file.provenance")
    assert "Ambassade de France au Mali" in said.message_fr
    assert "avril 2023" in said.message_fr
    found = dataset.report.as_dict()["provenance"]
    assert found["period_end"] == "2023-04-30"
    assert found["source"] == "Ambassade de France au Mali"


def test_meta_columns_and_month_year_columns() -> None:
    text = (
        "Organisation,Secteur,Région,Source,Mois,Année\n"
        "#org+name,#sector,#adm1+name,#meta+source,#date+month,#date+year\n"
        "Educo,EDU,Mopti,OCHA Mali,Janvier,2024\n"
        "Plan,HEA,Gao,OCHA Mali,Mars,2024\n"
    )
    dataset = import_dataset(text.encode("utf-8"), "3w.csv")
    assert dataset.source("en") == "OCHA Mali"
    assert dataset.updated == date(2024, 3, 31)


def test_nothing_said_keeps_the_file_name_and_the_datas_own_dates() -> None:
    text = "Organisation,Secteur,Région,Date de fin\nEduco,EDU,Mopti,2023-06-30\n"
    dataset = import_dataset(text.encode("utf-8"), "liste.csv")
    assert dataset.source("fr") == "liste.csv"
    assert dataset.updated == date(2023, 6, 30)
    assert not dataset.report.by_kind("file.provenance")


def _pdf_text(tmp_path: Path, data: Path, *options: str) -> str:
    out = tmp_path / "map.pdf"
    result = runner.invoke(cli, ["export", str(data), "--lang", "en", *options, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return " ".join(PdfReader(out).pages[0].extract_text().split())


def test_printed_on_maps_and_overridden_by_the_user(tmp_path: Path) -> None:
    data = tmp_path / "3w.csv"
    data.write_text(TITLED, encoding="utf-8")
    text = _pdf_text(tmp_path, data)
    assert "Ambassade de France au Mali" in text
    assert "Data as of 2023-04-30" in text
    text = _pdf_text(tmp_path, data, "--source", "OCHA Mali", "--date", "2024-02")
    assert "OCHA Mali" in text
    assert "Ambassade de France" not in text
    assert "Data as of 2024-02-01" in text


# --- the real files (../shared/data/README.md says what each carries) -----------------------
def _provenance(shared_data: Path, relative: str) -> tuple[str | None, date | None, str | None]:
    path = shared_data / relative
    table = read_table(path.read_bytes(), path.name)
    found = table_provenance(table)
    return found.source, found.period.end if found.period else None, found.title


def test_real_nigeria_workbook_month_and_year_columns(shared_data: Path) -> None:
    source, end, _title = _provenance(
        shared_data, "3w/nigeria-apr-jun-2023/nga_3w_apr_jun_2023.xlsx"
    )
    assert source is None  # the workbook names no publisher
    assert end == date(2023, 6, 30)  # Month April..June, Year 2023


def test_real_hdx_normalised_provider_and_reference_period(shared_data: Path) -> None:
    source, end, _title = _provenance(
        shared_data, "3w/nigeria-apr-jun-2023/hdx_hapi_normalised_nga_apr_jun_2023.csv"
    )
    assert source == "OCHA Nigeria"
    assert end == date(2023, 6, 30)  # the same period as the workbook it was made from


@pytest.mark.parametrize(
    "relative",
    [
        "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx",
        "3w/burkina-5w-janfev2022/burkina_5w_janfev2022_public.csv",
    ],
)
def test_real_files_that_say_nothing_of_themselves(shared_data: Path, relative: str) -> None:
    assert _provenance(shared_data, relative) == (None, None, None)
