"""`ngomap validate` and `ngomap summary` on files a user brings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from ngomap.cli import cli

runner = CliRunner()


def write(tmp_path: Path, text: str, name: str = "3w.csv", encoding: str = "cp1252") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_validate_json_accounts_for_rows_in_the_chosen_language(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Acteur;Domaine;Région\nEduco;EDU;Mopti\nEduco;EDU;MOPTI\nPlan;Jonglerie;Kays\n",
    )
    args = ["validate", str(path), "--json", "--lang", "en"]
    unmapped = runner.invoke(cli, args)
    assert unmapped.exit_code == 1
    assert json.loads(unmapped.stdout)["rows_rejected"] == 3  # no organisation column
    assert "Acteur" in json.loads(unmapped.stdout)["unmapped_columns"]
    mapped = runner.invoke(cli, [*args, "--map", "Acteur=org_name", "--map", "Domaine=sector"])
    assert mapped.exit_code == 0, mapped.output
    report = json.loads(mapped.stdout)
    assert (report["rows_read"], report["rows_kept"], report["rows_duplicate"]) == (3, 1, 1)
    assert report["rows_rejected"] == 1
    problem = next(p for p in report["problems"] if p["value"] == "Kays")
    assert {"row", "column", "value", "message", "severity", "suggestion"} <= set(problem)
    assert problem["row"] == 4
    assert problem["suggestion"] == "Kays → Kayes ?"
    assert problem["message"] == problem["message_en"]
    accepted = runner.invoke(
        cli, [*args, "--map", "Acteur=org_name", "--map", "Domaine=sector", "--accept-suggestions"]
    )
    assert json.loads(accepted.stdout)["rows_rejected"] == 0


def test_validate_text_lists_rows_and_exit_codes(tmp_path: Path) -> None:
    nothing = write(tmp_path, "Organisation,Région\nEduco,Atlantide\n", "none.csv")
    result = runner.invoke(cli, ["validate", str(nothing)])
    assert result.exit_code == 1
    assert "Atlantide" in result.stdout
    twice = write(tmp_path, "Organisation,Région\nEduco,Mopti\nEduco,Mopti\nEduco,Mopti\n", "d.csv")
    result = runner.invoke(cli, ["validate", str(twice), "--lang", "en"])
    assert "  Duplicate merged (information): 2 rows, 1 cases" in result.stdout.splitlines()
    bad_map = runner.invoke(cli, ["validate", str(nothing), "--map", "Organisation"])
    assert bad_map.exit_code == 2
    pdf = tmp_path / "liste.xlsx"
    pdf.write_bytes(b"%PDF-1.4 ...")
    result = runner.invoke(cli, ["validate", str(pdf)])
    assert result.exit_code == 1
    assert "PDF" in result.output


def test_summary_works_on_an_imported_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Nom Organisation,Cluster,Région *\nEduco,EDU,Mopti\nPlan,Éducation,Mopti\n"
        "Plan,EHA,Tout le Mali\n",
    )
    result = runner.invoke(cli, ["summary", str(path), "--sector", "EDU"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    mopti = next(r for r in rows if r["area_code"] == "ML05")
    assert mopti["actors"] == "2"


WORLD_VISION = (
    "Organisation,Secteur,Région\n"
    "World Vision,EHA,Gao\n"
    "World Vision,EHA,Kayes\n"
    "Wold Vision,EHA,Mopti\n"
)


def test_org_aliases_settle_spellings_in_every_command(tmp_path: Path) -> None:
    path = write(tmp_path, WORLD_VISION)
    aliases = write(tmp_path, "alias;nom\nWold Vision;World Vision\n", "mes_alias.csv")
    unsettled = json.loads(runner.invoke(cli, ["validate", str(path), "--json"]).stdout)
    assert unsettled["organisations"] == 2
    assert any(p["suggestion"] == "Wold Vision → World Vision ?" for p in unsettled["problems"])
    with_aliases = [str(path), "--org-aliases", str(aliases)]
    validated = runner.invoke(cli, ["validate", *with_aliases, "--json"])
    assert validated.exit_code == 0, validated.output
    settled = json.loads(validated.stdout)
    assert settled["organisations"] == 1
    assert not [p for p in settled["problems"] if p["suggestion"]]
    summary = runner.invoke(cli, ["summary", *with_aliases, "--format", "json"])
    assert summary.exit_code == 0, summary.output
    mopti = next(r for r in json.loads(summary.stdout) if r["area_code"] == "ML05")
    assert "World Vision" in mopti["organisations"]
    out = tmp_path / "records.csv"
    export = runner.invoke(cli, ["export", *with_aliases, "--out", str(out)])
    assert export.exit_code == 0, export.output
    assert "Wold Vision" not in out.read_text(encoding="utf-8-sig")


def test_a_bad_or_missing_alias_file_is_one_sentence(tmp_path: Path) -> None:
    path = write(tmp_path, WORLD_VISION)
    bad = write(tmp_path, "Organisation,Nom complet\nWold Vision,World Vision\n", "alias.csv")
    result = runner.invoke(cli, ["validate", str(path), "--org-aliases", str(bad)])
    assert result.exit_code == 1
    assert "alias.csv" in result.output
    assert "Traceback" not in result.output
    assert "alias,nom" in result.output
    english = runner.invoke(cli, ["summary", str(path), "--org-aliases", str(bad), "--lang", "en"])
    assert english.exit_code == 1
    assert "alias,name" in english.output
    missing = runner.invoke(cli, ["export", str(path), "--org-aliases", str(tmp_path / "no.csv")])
    assert missing.exit_code == 2
    assert "--org-aliases" in missing.output
