"""`ngomap registry presence add|close|change|list`, `undo` and `merge`, on both databases."""

from __future__ import annotations

import json
import re
from pathlib import Path

from registry_helpers import FIRST, HASHTAGS, HEADER
from typer.testing import CliRunner

from ngomap.cli import cli
from ngomap.registry import db, state
from ngomap.registry import hand_edits as he
from ngomap.registry import organisations as orgs

runner = CliRunner()


def _registry(db_url: str, folder: Path) -> None:
    path = folder / "q1.csv"
    path.write_text(HEADER + HASHTAGS + "".join(f"{r}\n" for r in FIRST), encoding="utf-8")
    for args in (("init", "--empty"), ("import", str(path), "--apply")):
        result = runner.invoke(cli, ["registry", *args, "--db", db_url])
        assert result.exit_code == 0, result.output


def _run(db_url: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(cli, ["registry", *args, "--db", db_url])
    assert result.exit_code == code, result.output
    return result.output


def _changeset(output: str) -> int:
    found = re.search(r"Change (\d+) saved", output)
    assert found, output
    return int(found.group(1))


def test_add_change_close_a_presence_each_one_revertible_edit(db_url: str, tmp_path: Path) -> None:
    _registry(db_url, tmp_path)
    engine = db.engine_for(db_url)
    ais = orgs.find(engine, "AIS")
    before = len(state.records(engine))
    added = _run(
        db_url,
        "presence",
        "add",
        "Aide Sahel",
        "--sector",
        "Nutrition",
        "--area",
        "ml03",
        "--mode",
        "Via partenaires locaux",
        "--start",
        "2025-01",
        "--end",
        "2025-12-31",
        "--status",
        "en cours",
        "--by",
        "alice",
    )
    changeset = _changeset(added)
    assert "ngomap registry undo" in added
    held = he.presences(engine, ais)
    new = held[held["sector"] == "NUT"].iloc[0]
    assert (new["area_code"], new["mode"], new["start"], new["end"]) == (
        "ML03",
        "PARTNER",
        "2025-01",
        "2025-12-31",
    )
    assert new["adm1_name"]  # the area's name came from the boundaries
    listed = json.loads(_run(db_url, "presence", "list", "AIS", "--json"))
    assert int(new["id"]) in {row["id"] for row in listed}
    history = orgs.history(engine, ais)
    assert "alice" in set(history["by"])

    changed = _run(
        db_url, "presence", "change", "AIS", str(int(new["id"])), "--mode", "DIRECT", "--by", "bob"
    )
    _changeset(changed)
    assert "DIRECT" in set(he.presences(engine, ais)["mode"])
    nationwide = _run(
        db_url, "presence", "add", "AIS", "--sector", "EDU", "--nationwide", "--by", "carol"
    )
    _changeset(nationwide)
    one = int(he.presences(engine, ais)["id"].iloc[0])
    closed = _run(db_url, "presence", "close", "AIS", str(one), "--by", "dan")
    _changeset(closed)
    assert one not in set(he.presences(engine, ais)["id"])

    # The first edit was touched later (its presence changed): undo names it, then does both.
    refused = _run(db_url, "undo", str(changeset), code=1)
    assert "later change" in refused
    _run(db_url, "undo", str(changeset), "--with-later", "--by", "erin")
    assert "NUT" not in set(he.presences(engine, ais)["sector"])
    assert len(state.records(engine)) == before  # + EDU nationwide - the closed one


def test_bad_arguments_name_the_argument_and_what_to_do(db_url: str, tmp_path: Path) -> None:
    _registry(db_url, tmp_path)
    engine = db.engine_for(db_url)
    count = len(state.records(engine))
    cases = {
        ("--sector", "Astrologie", "--area", "ML01"): "--sector 'Astrologie'",
        ("--sector", "EDU", "--area", "XX99"): "--area 'XX99' is not a P-code",
        ("--sector", "EDU"): "--area P-CODE (a region, cercle or commune) or --nationwide",
        ("--sector", "EDU", "--area", "ML01", "--nationwide"): "not both",
        ("--sector", "EDU", "--nationwide", "--mode", "souvent"): "--mode 'souvent'",
        ("--sector", "EDU", "--nationwide", "--start", "31/12/2025"): "--start '31/12/2025'",
        ("--sector", "EDU", "--nationwide", "--start", "2025-06", "--end", "2025-01"): "swap",
    }
    for args, said in cases.items():
        output = _run(db_url, "presence", "add", "AIS", *args, "--by", "x", code=2)
        assert said in output, (args, output)
    output = _run(
        db_url, "presence", "change", "AIS", "999999", "--status", "x", "--by", "x", code=2
    )
    assert "presence list" in output
    output = _run(db_url, "presence", "change", "AIS", "1", "--by", "x", code=2)
    assert "Nothing to change" in output
    french = _run(
        db_url, "presence", "add", "AIS", "--sector", "EDU", "--by", "x", "--lang", "fr", code=2
    )
    assert "Dites où" in french
    missing_by = runner.invoke(
        cli,
        ["registry", "presence", "add", "AIS", "--sector", "EDU", "--nationwide", "--db", db_url],
    )
    assert missing_by.exit_code == 2
    assert "--by" in missing_by.output
    assert _run(
        db_url, "presence", "add", "Nobody", "--sector", "EDU", "--nationwide", "--by", "x", code=1
    )
    assert len(state.records(engine)) == count  # nothing written by any of them


def test_merge_on_the_command_line_previews_then_merges_and_undoes(
    db_url: str, tmp_path: Path
) -> None:
    _registry(db_url, tmp_path)
    engine = db.engine_for(db_url)
    preview = json.loads(_run(db_url, "merge", "AIS", "EPT", "--json"))
    assert preview["changeset"] is None
    assert preview["presences_moved"] == 2
    assert orgs.get(engine, orgs.find(engine, "EPT"))["merged_into"] is None
    done = json.loads(_run(db_url, "merge", "AIS", "EPT", "--yes", "--json"))
    assert orgs.find(engine, "Eau Pour Tous") == orgs.find(engine, "AIS")
    _run(db_url, "undo", str(done["changeset"]))
    assert orgs.find(engine, "Eau Pour Tous") != orgs.find(engine, "AIS")
