"""`ngomap registry ...` as DESIGN.md writes it, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from registry_helpers import FIRST, HASHTAGS, HEADER, SECOND
from typer.testing import CliRunner

from ngomap.cli import cli

runner = CliRunner()


def _file(folder: Path, name: str, rows: tuple[str, ...]) -> Path:
    path = folder / name
    path.write_text(HEADER + HASHTAGS + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def _run(*args: str) -> str:
    result = runner.invoke(cli, ["registry", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_command_line_round_trip(db_url: str, tmp_path: Path) -> None:
    created = _run("init", "--db", db_url, "--empty")
    assert "created" in created
    assert "up to date" in _run("init", "--db", db_url)
    q1 = _file(tmp_path, "q1.csv", FIRST)
    q2 = _file(tmp_path, "q2.csv", SECOND)
    compared = json.loads(_run("import", str(q1), "--db", db_url, "--json"))
    assert compared["round"] is None
    assert compared["presences_new"] == 5
    kept = json.loads(
        _run("import", str(q1), "--db", db_url, "--apply", "--date", "2024-03-31", "--json")
    )
    assert kept["round"] == 1
    text = _run("import", str(q2), "--db", db_url)
    assert "Jardins du Fleuve" in text  # absent
    assert "Eaux Pour Tous ~" in text  # may be a known one
    second = json.loads(
        _run("import", str(q2), "--db", db_url, "--apply", "--json", "--new", "Eaux Pour Tous")
    )
    assert second["organisations_ambiguous"] == ["Jardins Fleuve Niger"]
    assert {
        k: second[k]
        for k in ("organisations_new", "organisations_absent", "organisations_ambiguous")
    } == {
        "organisations_new": ["Eaux Pour Tous", "Jardins Fleuve Niger", "Nouveaux Horizons"],
        "organisations_absent": ["Jardins du Fleuve"],
        "organisations_ambiguous": ["Jardins Fleuve Niger"],
    }
    rounds = json.loads(_run("rounds", "--db", db_url, "--json"))
    assert [r["file_name"] for r in rounds] == ["q1.csv", "q2.csv"]
    between = json.loads(_run("diff", "1", str(second["round"]), "--db", db_url, "--json"))
    assert between["presences_new"] == second["presences_new"]
    assert between["organisations_absent"] == ["Jardins du Fleuve"]
    history = json.loads(_run("history", "Aide Sahel", "--db", db_url, "--json"))
    assert {h["file"] for h in history} == {"q1.csv", "q2.csv"}
    assert "reverted" in _run("revert", f"R{second['round']}", "--db", db_url)
    back = json.loads(_run("diff", "1", "2099-01-01", "--db", db_url, "--json"))
    assert back["presences_new"] == back["presences_withdrawn"] == 0


def test_reverting_a_round_that_later_changes_touched_is_refused_naming_them(
    db_url: str, tmp_path: Path
) -> None:
    """As on the page: round 1's facts were touched by round 2 (a presence withdrawn), so
    reverting round 1 alone is refused, naming round 2, and nothing is written;
    ``--with-later`` reverts round 2 first, then round 1."""
    _run("init", "--db", db_url, "--empty")
    q1 = _file(tmp_path, "q1.csv", FIRST)
    q2 = _file(tmp_path, "q2.csv", SECOND)
    _run("import", str(q1), "--db", db_url, "--apply", "--date", "2024-03-31")
    _run("import", str(q2), "--db", db_url, "--apply", "--new", "Eaux Pour Tous")
    before = _run("diff", "1", "2099-01-01", "--db", db_url, "--json")
    refused = runner.invoke(cli, ["registry", "revert", "R1", "--db", db_url])
    assert refused.exit_code == 1, refused.output
    assert "later change(s) touched the same facts" in refused.output
    assert "R2 (q2.csv)" in refused.output
    assert "--with-later" in refused.output  # what to type to revert them too
    assert _run("diff", "1", "2099-01-01", "--db", db_url, "--json") == before  # untouched
    both = _run("revert", "R1", "--with-later", "--db", db_url)
    assert "Reverted first" in both
    assert "Round 1 reverted" in both
    rounds = json.loads(_run("rounds", "--db", db_url, "--json"))
    assert [bool(r["reverted"]) for r in rounds] == [True, True]


def test_database_from_the_environment(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NGOMAP_DATABASE_URL", db_url)
    _run("init")  # with the sample
    rounds = json.loads(_run("rounds", "--json"))
    assert [r["file_name"] for r in rounds] == ["mali_ong_exemple.csv"]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["revert", "7"], 1, "no round 7"),
        (["revert", "seven"], 2, "not a round id"),
        (["diff", "yesterday"], 1, "neither a round"),
        (["history", "Nobody At All"], 1, "No organisation"),
        (["import", "missing.csv"], 2, "does not exist"),
        (["import", "q.csv", "--same", "Aide Sahel"], 2, "NAME=ID"),
        (["import", "q.csv", "--date", "soon"], 2, "not a date"),
    ],
)
def test_mistakes_are_said(
    args: list[str], code: int, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _file(tmp_path, "q.csv", FIRST)
    result = runner.invoke(cli, ["registry", *args])
    assert result.exit_code == code, result.output
    assert words in result.output


def test_unreachable_database_is_said() -> None:
    result = runner.invoke(cli, ["registry", "rounds", "--db", "postgresql://x@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert "cannot be reached" in result.output


def test_summary_and_export_read_the_registry(db_url: str, tmp_path: Path) -> None:
    _run("init", "--db", db_url)  # the sample
    from_file = runner.invoke(cli, ["summary", "--format", "json"])
    from_registry = runner.invoke(cli, ["summary", "--format", "json", "--db", db_url])
    assert from_registry.exit_code == 0, from_registry.output
    assert json.loads(from_registry.stdout) == json.loads(from_file.stdout)
    # A later round, then the registry as of the first one: the sample's numbers again.
    _run("import", str(_file(tmp_path, "q.csv", FIRST)), "--db", db_url, "--apply")
    now = runner.invoke(cli, ["summary", "--format", "json", "--db", db_url])
    assert json.loads(now.stdout) != json.loads(from_file.stdout)
    then = runner.invoke(cli, ["summary", "--format", "json", "--db", db_url, "--as-of", "R1"])
    assert json.loads(then.stdout) == json.loads(from_file.stdout)
    out = tmp_path / "then.csv"
    done = runner.invoke(cli, ["export", "--db", db_url, "--as-of", "R1", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8-sig").count("\n") > 300  # the sample's records
    both = runner.invoke(cli, ["summary", str(out), "--db", db_url])
    assert both.exit_code == 2
    assert "not both" in both.output
