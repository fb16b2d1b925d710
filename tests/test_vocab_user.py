"""Vocabularies as OCHA files write them, and extended by the user without touching ngomap."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ngomap import vocab
from ngomap._paths import VOCAB_DIR
from ngomap.cli import cli
from ngomap.errors import InputFileError

runner = CliRunner()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("ONG Int", "INGO"),
        ("ONG Nat", "NNGO"),
        ("Mouv. CR", "RCRC"),
        ("Agence UN", "UN"),
        ("Gouv.", "GOV"),
    ],
)
def test_ocha_abbreviations_of_organisation_types(value: str, code: str) -> None:
    found = vocab.org_types().find(value)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("PROTECTION_OP", "PRO"),  # not child protection
        ("EiE_OP", "EDU"),
        ("WASH_OP", "WSH"),
        ("CP_OP", "PRO-CPN"),
        ("Operational Presence: Protection", "PRO"),
        ("Operational Presence: Child Protection", "PRO-CPN"),
        ("Operational Presence: Water, Sanitation and Hygiene", "WSH"),
    ],
)
def test_hdx_operational_presence_clusters(value: str, code: str) -> None:
    found = vocab.sectors().find(value)
    assert found is not None
    assert found.code == code


def test_every_alias_says_where_it_comes_from() -> None:
    for name in ("sectors", "org_types", "presence"):
        with (VOCAB_DIR / f"{name}_aliases.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows
        assert all(row["source"].strip() for row in rows), name


def test_suggestions_never_reach_a_sub_sector_or_another_sector() -> None:
    sectors = vocab.sectors()
    # A value holding a sector's name whole is that sector, never one of its sub-sectors.
    assert sectors.suggest("Cluster national de protection")[:2] == ("PRO", "Protection")  # type: ignore[index]
    assert sectors.suggest("PROTECTION (nationale)")[0] == "PRO"  # type: ignore[index]
    # Two sectors named whole: no guess (several sectors in one cell are split elsewhere).
    assert sectors.suggest("Santé et Nutrition") is None
    # A close spelling is suggested from the threshold on, not below it.
    near = sectors.suggest("Protectio")
    assert near is not None
    assert near[0] == "PRO"
    assert near[2] >= vocab.SUGGESTION_CUTOFF
    assert vocab.SUGGESTION_CUTOFF == 85.0
    assert sectors.suggest("Protec") is None  # ratio 75 against "Protection"
    assert sectors.suggest("Jonglerie") is None


def test_a_users_alias_file_extends_a_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "secteurs.csv"
    path.write_text("alias;code\nJonglerie;CUL\nPuits;Eau, hygiène et assainissement\n")
    sectors = vocab.with_aliases(vocab.sectors(), path)
    assert sectors.find("jonglerie").code == "CUL"  # type: ignore[union-attr]
    assert sectors.find("Puits").code == "WSH"  # type: ignore[union-attr]
    assert sectors.find("EHA").code == "WSH"  # type: ignore[union-attr]  # built-ins kept
    assert vocab.sectors().find("Jonglerie") is None  # the installed vocabulary unchanged
    bad = tmp_path / "bad.csv"
    bad.write_text("alias,code\nJonglerie,CIRQUE\n")
    with pytest.raises(InputFileError, match=r"bad\.csv.*CIRQUE"):
        vocab.with_aliases(vocab.sectors(), bad)


def test_alias_files_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "3w.csv"
    data.write_text(
        "Organisation,Secteur,Type Organisation,Région\nCirque,Jonglerie,Troupe,Mopti\n",
        encoding="utf-8",
    )
    sectors = tmp_path / "s.csv"
    sectors.write_text("alias,code\nJonglerie,CUL\n")
    types = tmp_path / "t.csv"
    types.write_text("alias,code\nTroupe,OTH\n")
    plain = json.loads(runner.invoke(cli, ["validate", str(data), "--json"]).stdout)
    assert {p["kind"] for p in plain["problems"]} >= {"sectors.unknown", "org_types.unknown"}
    args = ["validate", str(data), "--json", "--sector-aliases", str(sectors)]
    extended = json.loads(runner.invoke(cli, [*args, "--type-aliases", str(types)]).stdout)
    assert not {p["kind"] for p in extended["problems"]} & {"sectors.unknown", "org_types.unknown"}
    summary = runner.invoke(cli, ["summary", str(data), "--sector-aliases", str(sectors)])
    assert summary.exit_code == 0, summary.output
    assert "ML05,Mopti,adm1,CUL,1,Cirque" in summary.stdout
    bad = tmp_path / "b.csv"
    bad.write_text("alias,code\nJonglerie,CIRQUE\n")
    failed = runner.invoke(cli, ["summary", str(data), "--sector-aliases", str(bad)])
    assert failed.exit_code == 1
    assert "b.csv" in failed.output
