"""The gaps view's table (rank, area, actors, population) is what that view exports."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
from helpers import open_tables
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from ngomap import analysis as a
from ngomap.areas.boundaries import embedded_regions
from ngomap.cli import cli
from ngomap.export import formats as ex
from ngomap.importer.threew import load_sample
from ngomap.ui.exports import EXPORT_OPEN

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def sample_snapshot(max_gap: int) -> ex.Snapshot:
    regions = embedded_regions()
    options = a.ViewOptions(view="gaps", level="adm1", max_gap=max_gap)
    return ex.Snapshot.of(load_sample(regions), regions, options, "fr")


def test_the_gaps_table_ranks_the_gaps_only() -> None:
    snap = sample_snapshot(max_gap=8)
    table = ex.view_of(snap).table
    gaps = ex.gaps_table(table, "fr", "adm1", country="ML")
    assert list(gaps.columns) == [
        "Rang",
        "Région",
        "P-code",
        "Organisations",
        "Noms",
        "Données présentes",
    ]
    assert list(gaps["Rang"]) == list(range(1, len(gaps) + 1))
    assert len(gaps) == int(table["gap"].sum()) > 0
    assert (gaps["Organisations"] < 8).all()


def test_population_joins_the_table_and_a_formula_stays_text() -> None:
    table = pd.DataFrame(
        {
            "area_code": ["XX01", "XX02", "XX03"],
            a.AREA_NAME: ["=HYPERLINK(1)", "Sud", "Est"],
            a.ACTORS: [0, 0, 4],
            a.ORGANISATIONS: [[], [], ["A", "B", "C", "D"]],
            a.HAS_DATA: [False, True, True],
            a.POPULATION: [1200.4, float("nan"), 50.0],
            "gap": [True, True, False],
        }
    )
    gaps = ex.gaps_table(table, "en", "adm3", country="ML")
    assert list(gaps.columns) == [
        "Rank",
        "Commune",
        "P-code",
        "Organisations",
        "Names",
        "Has data",
        "Population",
    ]
    assert gaps.iloc[0].tolist()[:2] == [1, "=HYPERLINK(1)"]  # as written, on the page
    written = ex._csv(gaps).decode("utf-8-sig")
    assert "\r\n1,'=HYPERLINK(1)," in written  # and text, never a formula, in the CSV
    assert gaps["Population"].tolist()[0] == 1200
    assert pd.isna(gaps["Population"].tolist()[1])


def test_ngomap_export_view_gaps_writes_the_ranked_table(tmp_path: Path) -> None:
    out = tmp_path / "gaps.csv"
    result = CliRunner().invoke(
        cli, ["export", "--view", "gaps", "--max-gap", "8", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, encoding="utf-8-sig")
    expected = ex.gaps_table(ex.view_of(sample_snapshot(8)).table, "fr", "adm1", country="ML")
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)


def test_the_workbook_of_the_gaps_view_has_the_ranked_sheet() -> None:
    snap = sample_snapshot(max_gap=8)
    book = openpyxl.load_workbook(io.BytesIO(ex.workbook(snap)))
    assert book.sheetnames[0] == "Enregistrements"  # what ngomap reads back comes first
    sheet = book["Zones non couvertes"]
    rows = list(sheet.values)
    expected = ex.gaps_table(ex.view_of(snap).table, "fr", "adm1", country="ML")
    assert list(rows[0]) == list(expected.columns)
    assert len(rows) - 1 == len(expected)


def test_the_page_shows_and_offers_the_same_table() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["view"] = "gaps"
    at.query_params["max_gap"] = "8"
    at.session_state[EXPORT_OPEN] = True  # the export panel and the ranking opened
    open_tables(at).run()
    assert not at.exception, at.exception
    shown = next(d.value for d in at.dataframe if "Rang" in d.value.columns)
    assert f"Zones non couvertes, classées ({len(shown)})" in [e.label for e in at.expander]
    expected = ex.gaps_table(ex.view_of(sample_snapshot(8)).table, "fr", "adm1", country="ML")
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected, check_dtype=False)
    labels = [str(getattr(b, "label", "")) for b in at.get("download_button")]
    assert "CSV — Zones non couvertes, classées" in labels
