"""Accounts and roles: rights by role, local logins with lock-out, domain rules, CSV import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from ngomap.cli import cli
from ngomap.registry import accounts as ac
from ngomap.registry import db
from ngomap.registry.db import RegistryError
from ngomap.registry.setup import init


def _engine(db_url: str) -> Engine:
    init(db_url, empty=True)
    return db.engine_for(db_url)


def test_rights_grow_with_the_role() -> None:
    assert [ac.can(r, "review") for r in (ac.PUBLIC, *ac.ROLES)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert [ac.can(r, "edit") for r in (ac.PUBLIC, *ac.ROLES)] == [False, False, True, True, True]
    assert [ac.can(r, "accounts") for r in ac.ROLES] == [False, False, False, True]
    assert ac.can(ac.PUBLIC, "request")
    assert ac.can(ac.PUBLIC, "view")
    assert not ac.can("someone-unknown", "edit")
    with pytest.raises(RegistryError):
        ac.can(ac.ADMIN, "launch")


def test_staff_fields_reach_staff_only() -> None:
    record = {
        "name": "A",
        "contacts_public": [{"email": "pub@x.org"}],
        "contacts_staff": [{"email": "secret@x.org"}],
        "notes": "n",
        "contact": {},
        "message": "m",
    }
    for role in (ac.PUBLIC, ac.VIEWER):
        seen = ac.visible(record, role)
        assert set(seen) == {"name", "contacts_public"}
    assert ac.visible(record, ac.EDITOR) == record
    assert ac.visible_columns(["name", "contacts_staff", "website"], ac.VIEWER) == [
        "name",
        "website",
    ]


def test_open_until_an_account_exists(db_url: str) -> None:
    engine = _engine(db_url)
    assert ac.auth_mode(engine) == ac.OPEN
    ac.add(engine, "Vera@Embassy.example", role="validator", password="correct horse 1")
    assert ac.auth_mode(engine) == ac.LOCAL
    assert ac.login(engine, "vera@embassy.example", "correct horse 1") == "validator"
    with pytest.raises(RegistryError, match="already has an account"):
        ac.add(engine, "vera@embassy.example", role="viewer")
    with pytest.raises(RegistryError, match="not a role"):
        ac.add(engine, "x@embassy.example", role="king")
    with engine.connect() as connection:
        stored = connection.scalar(text("select password_hash from accounts"))
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored


def test_lock_out_after_repeated_failures(db_url: str) -> None:
    engine = _engine(db_url)
    ac.add(engine, "ed@ngo.example", role="editor", password="right password")
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    for _ in range(ac.MAX_FAILURES - 1):
        with pytest.raises(ac.LoginError, match="Wrong e-mail or password"):
            ac.login(engine, "ed@ngo.example", "wrong", now=now)
    with pytest.raises(ac.LoginError, match="locked for 15 minutes"):
        ac.login(engine, "ed@ngo.example", "wrong", now=now)
    with pytest.raises(ac.LoginError, match="locked"):  # even the right password, for a while
        ac.login(engine, "ed@ngo.example", "right password", now=now + timedelta(minutes=5))
    later = now + timedelta(minutes=ac.LOCK_MINUTES + 1)
    assert ac.login(engine, "ed@ngo.example", "right password", now=later) == "editor"
    with pytest.raises(ac.LoginError, match="Wrong"):  # unknown account: the same words
        ac.login(engine, "nobody@ngo.example", "x", now=later)


def test_roles_by_account_then_domain(db_url: str) -> None:
    engine = _engine(db_url)
    ac.set_domain_rule(engine, "@embassy.example", role="editor")
    ac.set_domain_rule(engine, "ml.embassy.example", role="validator")
    ac.add(engine, "boss@embassy.example", role="admin")  # an OpenID Connect account
    assert ac.role_for_email(engine, "boss@embassy.example") == "admin"
    assert ac.role_for_email(engine, "anna@embassy.example") == "editor"
    assert ac.role_for_email(engine, "zou@ml.embassy.example") == "validator"
    assert ac.role_for_email(engine, "eve@embassy.example.evil.example") == "viewer"
    assert ac.role_for_email(engine, "joe@gmail.example") == "viewer"
    with pytest.raises(ac.LoginError):  # no password: no local login
        ac.login(engine, "boss@embassy.example", "")
    ac.set_domain_rule(engine, "embassy.example", role=None)
    assert ac.role_for_email(engine, "anna@embassy.example") == "viewer"


def test_csv_import_says_every_bad_row_then_writes_nothing(db_url: str) -> None:
    engine = _engine(db_url)
    bad = (
        b"email,role,password\nok@x.example,editor,pw1234567890\nnot-an-address,editor,\n"
        b"b@x.example,emperor,\nok@x.example,viewer,\n"
    )
    with pytest.raises(RegistryError) as raised:
        ac.import_csv(engine, bad, name="team.csv")
    text = str(raised.value)
    assert "team.csv row 3" in text
    assert "team.csv row 4" in text
    assert "row 5" in text
    assert ac.listing(engine) == []
    good = "\ufeffEmail,Role,Password\nok@x.example,editor,pw1234567890\nv@x.example,viewer,\n"
    assert ac.import_csv(engine, good.encode()) == ac.Imported(added=2, updated=0)
    assert ac.import_csv(engine, b"email,role\nv@x.example,validator\n") == ac.Imported(0, 1)
    assert {r["email"]: r["role"] for r in ac.listing(engine)} == {
        "ok@x.example": "editor",
        "v@x.example": "validator",
    }
    with pytest.raises(RegistryError, match="columns email and role"):
        ac.import_csv(engine, b"mail;role\n")


def test_users_command_line(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    init(db_url, empty=True)
    added = runner.invoke(
        cli,
        ["users", "add", "Ada@NGO.example", "--role", "admin", "--db", db_url],
        input="long enough pw\nlong enough pw\n",
    )
    assert added.exit_code == 0, added.output
    engine = db.engine_for(db_url)
    assert ac.login(engine, "ada@ngo.example", "long enough pw") == "admin"
    short = runner.invoke(
        cli,
        ["users", "add", "b@ngo.example", "--role", "editor", "--db", db_url],
        input="short\nshort\n",
    )
    assert short.exit_code == 1
    assert "10 characters" in short.output
    team = tmp_path / "team.csv"
    team.write_text("email,role\nc@ngo.example,validator\nd@ngo.example,nobody\n")
    failed = runner.invoke(cli, ["users", "import", str(team), "--db", db_url])
    assert failed.exit_code == 1
    assert "team.csv row 3" in failed.output
    team.write_text("email,role\nc@ngo.example,validator\n")
    done = runner.invoke(cli, ["users", "import", str(team), "--db", db_url])
    assert done.exit_code == 0
    assert "1 added" in done.output
    rule = runner.invoke(
        cli, ["users", "domain", "embassy.example", "--role", "editor", "--db", db_url]
    )
    assert rule.exit_code == 0
    listed = runner.invoke(cli, ["users", "list", "--db", db_url]).output
    assert "ada@ngo.example\tadmin\tlocal" in listed
    assert "@embassy.example\teditor" in listed
    assert "$argon2" not in listed
