"""The project brief: what it says (built frames), its one-page PDF, and `ngomap brief`."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
from connect_fixtures import people, row, strip
from helpers import make_records
from pypdf import PdfReader
from typer.testing import CliRunner

from ngomap.advise import brief as b
from ngomap.advise import changes as ch
from ngomap.advise import connect as c
from ngomap.advise.project import Project
from ngomap.cli import cli

PROJECT = Project(
    organisation="Focal",
    sectors=("HEA", "PRO-CPN"),
    zones=("C1", "C2"),
    title="Santé des enfants",
    start=date(2026, 1, 1),
    end=date(2027, 6, 30),
    budget=350_000.0,
    currency="EUR",
    funder="AFD",
)


def _brief(lang: str = "en", **options: object) -> b.Brief:
    return b.build_brief(
        PROJECT,
        people(),
        strip(),
        data_source="Liste test",
        lang=lang,
        today=date(2026, 11, 29),
        **options,  # type: ignore[arg-type]
    )


def test_actors_overlaps_and_gaps_in_the_projects_zones() -> None:
    brief = _brief(population={"C1": 12_000.0})
    assert brief.own_key == "focal"  # the project's organisation is left out
    c1, c2 = brief.zones
    assert dict(c1.actors) == {"HEA": ("Acacia", "Cèdre", "Gamma"), "PRO-CPN": ()}
    assert dict(c2.actors) == {"HEA": ("Cèdre", "Jade"), "PRO-CPN": ()}
    assert (c1.wide, c2.wide) == (1, 1)  # Cèdre works in the whole region R1
    assert (c1.population, c2.population) == (12_000.0, None)
    assert [(z, sec, len(n)) for z, sec, n in brief.overlaps] == [
        ("C1", "HEA", 3),
        ("C2", "HEA", 2),
    ]
    assert brief.gaps == (("C1", "PRO-CPN"), ("C2", "PRO-CPN"))
    assert brief.national == {"HEA": ("Dune",)}
    assert brief.level == "adm2"
    # Cèdre's region-wide health meets the project in both cercles: 2 x 10 points.
    assert [(x.org_name, x.score) for x in brief.to_meet][:3] == [
        ("Cèdre", 20.0),
        ("Gamma", 15.0),
        ("Acacia", 13.0),
    ]
    assert "focal" not in {x.org_key for x in brief.to_meet}


def test_arrivals_and_departures_between_two_files() -> None:
    before = people()
    before = before.loc[before["org_name"] != "Gamma"]
    gone = make_records([row("Ancien", "HEA", "C2")])
    history = ch.TwoRounds(
        pd.concat([before, gone], ignore_index=True),
        people(),
        "3w_2025.csv",
        "3w_2026.csv",
    )
    brief = _brief(history=history)
    assert brief.movements == (
        ch.Movement(ch.ARRIVAL, "Gamma", "C1", "HEA"),
        ch.Movement(ch.DEPARTURE, "Ancien", "C2", "HEA"),
    )
    assert brief.history_label == "(between 3w_2025.csv and 3w_2026.csv)"


def _pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split()), reader


def test_the_pdf_is_one_a4_page_with_zones_actors_and_the_source_line() -> None:
    bounds = strip()
    text, reader = _pdf_text(b.brief_pdf(_brief(population={"C1": 12_000.0}), bounds))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "Project brief: Santé des enfants" in text
    assert "Area C1 (C1): 3 organisations already in these sectors" in text
    assert "Health (4): Acacia, Cèdre, Gamma, Jade" in text
    assert "Child Protection in Area C1: no organisation" in text
    assert "population 12,000" in text
    assert "Organisations to meet" in text
    assert "Gamma: Same sector in the same area: Health in Area C1" in text
    assert "Sources: Liste test; boundaries: Test boundaries, v1; map: ngomap, 2026-11-29" in text


def test_the_pdf_in_french_says_when_population_and_history_are_missing() -> None:
    text, _reader = _pdf_text(b.brief_pdf(_brief("fr"), strip()))
    assert "Note sur un projet : Santé des enfants" in text
    assert "Population : aucune table de population fournie." in text
    assert "Pas de tour précédent à comparer" in text
    assert "Sources : Liste test ; limites : Test boundaries, v1" in text


def test_a_crowded_brief_stays_on_one_page() -> None:
    many = make_records(
        [row(f"Organisation numéro {i} au nom assez long", "HEA", "C1") for i in range(120)]
    )
    brief = b.build_brief(PROJECT, many, strip(), lang="en")
    text, reader = _pdf_text(b.brief_pdf(brief, strip()))
    assert len(reader.pages) == 1
    assert "(+112)" in text  # long lists are cut, saying how many more
    assert "Sources:" in text


runner = CliRunner()


def test_the_command_line_writes_the_brief(tmp_path: Path) -> None:
    sheet = tmp_path / "projet.csv"
    sheet.write_text(
        "Organisation,Secteurs,Zones,Période,Bailleur\n"
        "Nouvelle ONG,Santé;Nutrition,Mopti;ML06,2026-2027,AFD\n",
        encoding="utf-8",
    )
    out = tmp_path / "brief.pdf"
    result = runner.invoke(cli, ["brief", str(sheet), "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text, reader = _pdf_text(out.read_bytes())
    assert len(reader.pages) == 1
    assert "Mopti (ML05)" in text
    assert "Timbuktu (ML06)" in text  # names in the page's language
    assert "Mopti 9 already" in text  # the map's label, as text
    assert "Organisations already there, by sector" in text
    assert "map: ngomap," in text


def test_a_bad_project_sheet_gets_one_sentence_naming_file_row_and_column(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "projet.csv"
    sheet.write_text("Organisation,Secteurs,Zones\nNouvelle ONG,Santé,Tombouktou\n")
    out = tmp_path / "brief.pdf"
    result = runner.invoke(cli, ["brief", str(sheet), "--lang", "en", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        'projet.csv, row 2, column "Zones": "Tombouktou" is neither a P-code nor an area '
        "name of the boundaries (Natural Earth). Did you mean Tombouctou?"
    )
    assert not out.exists()


def test_weights_reach_the_brief() -> None:
    heavy = c.Weights({**c.default_weights().points, c.SAME_FUNDER: 100.0})
    brief = _brief(weights=heavy)
    assert brief.to_meet[0].org_name == "Acacia"  # the only one with Focal's funder


def test_the_command_line_lists_arrivals_since_a_previous_file(tmp_path: Path) -> None:
    sample = (Path(__file__).resolve().parents[2] / "data/sample/mali_ong_exemple.csv").read_text(
        encoding="utf-8"
    )
    previous = tmp_path / "avant.csv"
    previous.write_text(
        "\n".join(line for line in sample.splitlines() if not line.startswith("Savons et")),
        encoding="utf-8",
    )
    current = tmp_path / "maintenant.csv"
    current.write_text(sample, encoding="utf-8")
    sheet = tmp_path / "projet.csv"
    sheet.write_text("Organisation,Secteurs,Zones\nNouvelle ONG,Santé,Mopti\n", encoding="utf-8")
    out = tmp_path / "brief.pdf"
    options = ["--data", str(current), "--previous", str(previous), "--out", str(out)]
    result = runner.invoke(cli, ["brief", str(sheet), *options])
    assert result.exit_code == 0, result.output
    text, _reader = _pdf_text(out.read_bytes())
    assert "Arrivées et départs (entre avant.csv et maintenant.csv)" in text
    assert "Arrivée : Savons et Sourires, Santé, Mopti" in text
    assert "Sources : maintenant.csv" in text
