import io
from pathlib import Path

import openpyxl
import pytest

from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.importer.population import read_population


def test_cod_ps_table_reads_codes_and_totals(tmp_path: Path, regions: Boundaries) -> None:
    path = tmp_path / "pop.csv"
    path.write_text(
        "admin1Name_fr,admin1Pcode,T_TL\n#adm1+name,#adm1+code,#population\n"
        "Mopti,ML05,2 500 000\nGao,MLI07,668410\nMénaka,ML10,100\n",
        encoding="utf-8-sig",
    )
    population, problems = read_population(path, regions)
    assert population == {"ML05": 2_500_000.0, "ML07": 668_410.0, "ML10": 100.0}
    kinds = {p.kind: p for p in problems}
    assert "ML10" in kinds["population.unknown"].message_en
    assert "Kayes (ML01)" in kinds["population.missing"].message_en


def test_not_a_population_table(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="COD-PS"):
        read_population(path)


def test_real_cod_ps_against_embedded_regions(shared_data: Path, regions: Boundaries) -> None:
    population, problems = read_population(
        shared_data / "population/mali-cod-ps/population_mli_mli_pop_adm1_v2.csv", regions
    )
    assert len(population) == 9
    assert sum(population.values()) > 15_000_000
    assert not problems  # same 9 regions as Natural Earth


# --- through the sheet reader of 3W files ---------------------------------------------------
def test_population_xlsx_semicolons_encodings_and_hxl(regions: Boundaries) -> None:
    """The same table as XLSX, as a French Excel CSV (; and cp1252), and tagged only by HXL."""
    rows: list[list[object]] = [
        ["Région", "admin1Pcode", "T_TL"],
        ["#adm1+name", "#adm1+code", "#population+total"],
        ["Ségou", "ML04", 3_000_000],
        ["Mopti", "ML05", 2_500_000],
    ]
    book = openpyxl.Workbook()
    book.active.append(["Source : OCHA"])
    population_sheet = book.create_sheet("Population")
    for row in rows:
        population_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = buffer.getvalue()
    from_xlsx, _ = read_population(("pop.xlsx", workbook))
    french = "Région;admin1Pcode;T_TL\nSégou;ML04;3 000 000\nMopti;ML05;2 500 000\n"
    from_csv, _ = read_population(("pop.csv", french.encode("cp1252")))
    tagged = (
        "Nom;Code;Habitants\n#adm1+name;#adm1+code;#population+total\n"
        "Ségou;ML04;3000000\nMopti;ML05;2500000\n"
    )
    from_tags, _ = read_population(("pop.csv", tagged.encode("utf-8")))
    assert from_xlsx == from_csv == from_tags == {"ML04": 3_000_000.0, "ML05": 2_500_000.0}


def test_population_rows_without_a_number_are_reported() -> None:
    text = "admin1Pcode,T_TL\nML04,3000000\nML05,inconnu\nML06,\n"
    table, problems = read_population(("pop.csv", text.encode()))
    assert table == {"ML04": 3_000_000.0}
    (problem,) = problems
    assert problem.kind == "population.unreadable"
    assert problem.rows == (3, 4)


def test_population_errors_name_the_file_like_3w_files() -> None:
    with pytest.raises(InputFileError, match=r"pop\.xlsx"):
        read_population(("pop.xlsx", b"PK\x03\x04 not a workbook"))
    with pytest.raises(InputFileError, match="COD-PS"):
        read_population(("pop.csv", "Nom;Habitants\nSégou;3\n".encode()))


def test_real_cod_ps_adm2_finest_level(shared_data: Path, regions: Boundaries) -> None:
    population, _ = read_population(
        shared_data / "population/mali-cod-ps/population_mli_mli_pop_adm2_v2.csv"
    )
    assert len(population) == 50
    assert all(len(code) == 6 for code in population)
