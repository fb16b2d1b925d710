import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from ngomap import analysis
from ngomap.areas.boundaries import embedded_regions
from ngomap.cli import cli
from ngomap.importer.threew import load_sample

runner = CliRunner()


def test_summary_csv_matches_the_library_on_the_sample() -> None:
    result = runner.invoke(cli, ["summary", "--sector", "WSH", "--sector", "Santé"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["area_code", "area_name", "level", "sector", "actors", "organisations"]
    assert {r["sector"] for r in rows} == {"WSH", "HEA"}
    records = load_sample().records
    mopti = records[(records.area_code == "ML05") & (records.sector == "WSH")]
    row = next(r for r in rows if r["area_code"] == "ML05" and r["sector"] == "WSH")
    assert int(row["actors"]) == mopti.org_key.nunique()


def test_summary_says_how_records_became_presences_as_the_page_does() -> None:
    result = runner.invoke(cli, ["summary", "--sector", "WSH", "--lang", "en"])
    assert result.exit_code == 0, result.output
    records = load_sample().records
    found = analysis.presences_at(
        records, embedded_regions(), filters=analysis.Filters(sectors=("WSH",))
    )
    assert found.records == found.presences + found.merged + found.area_wide + found.national
    assert found.presences > 0
    assert (
        f"By regions: {found.records} records make {found.presences} presences; "
        f"{found.merged} merged"
    ) in result.stderr
    assert "records make" not in result.stdout  # stdout stays the table


def test_summary_json() -> None:
    result = runner.invoke(cli, ["summary", "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"area_code", "actors", "organisations"} <= set(rows[0])
    assert any(r["level"] == analysis.NATIONAL_LEVEL for r in rows)


def test_unknown_sector_is_a_usage_error() -> None:
    result = runner.invoke(cli, ["summary", "--sector", "Jonglerie"])
    assert result.exit_code == 2
    assert "unknown sector" in result.output


def test_validate_exit_codes(tmp_path: Path) -> None:
    ok = runner.invoke(cli, ["validate", "--json"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["rows_read"] == (
        report["rows_kept"] + report["rows_duplicate"] + report["rows_rejected"]
    )
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    bad = runner.invoke(cli, ["validate", str(empty)])
    assert bad.exit_code == 1
    assert "vide" in bad.output
    missing = runner.invoke(cli, ["validate", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2


def test_export_density_per_100k_inhabitants(tmp_path: Path) -> None:
    population = tmp_path / "pop.csv"
    population.write_text("admin1Pcode,T_TL\nML05,3000000\nML09,2000000\n", encoding="utf-8")
    out = tmp_path / "density.csv"
    args = ["export", "--view", "density", "--table", "summary", "--out", str(out)]
    missing = runner.invoke(cli, [*args, "--per-capita"])
    assert missing.exit_code == 2
    assert "--population" in missing.output
    result = runner.invoke(cli, [*args, "--per-capita", "--population", str(population)])
    assert result.exit_code == 0, result.output
    assert "Kayes (ML01)" in result.output  # regions without population are said, not hidden
    assert out.stat().st_size > 0
