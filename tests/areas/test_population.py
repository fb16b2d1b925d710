from pathlib import Path

import pytest

from ngomap.areas.boundaries import Boundaries
from ngomap.areas.population import read_population
from ngomap.errors import InputFileError


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
