"""`ngomap notify`, `ngomap remind` and `ngomap brief --db` on a registry (SQLite and
PostgreSQL), the messages received by a local SMTP server."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from registry_helpers import FIRST, SECOND, three_w
from smtp_inbox import Inbox, smtp_inbox
from sqlalchemy import Engine
from typer.testing import CliRunner

from ngomap.advise import subscribe as sub
from ngomap.advise.notify import Subscription
from ngomap.cli import cli
from ngomap.registry import db
from ngomap.registry import organisations as orgs
from ngomap.registry.rounds import RoundInfo, apply_round
from ngomap.registry.setup import init

runner = CliRunner()


def _two_rounds(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(
        engine,
        three_w(*FIRST),
        RoundInfo(file_name="q1.csv", sha256="0" * 64, by="t", data_date=date(2024, 3, 31)),
    )
    return engine


def _smtp_env(monkeypatch: pytest.MonkeyPatch, inbox: Inbox) -> None:
    monkeypatch.setenv("NGOMAP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NGOMAP_SMTP_PORT", str(inbox.port))
    monkeypatch.setenv("NGOMAP_SMTP_FROM", "ngomap@bureau.example")


def test_notify_after_a_round_sends_the_digest(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _two_rounds(db_url)
    sub.subscribe(engine, Subscription("awa@bureau.example", ("ML06",), ("HEA",), lang="fr"))
    apply_round(
        engine,
        three_w(*SECOND),
        RoundInfo(file_name="q2.csv", sha256="1" * 64, by="t", data_date=date(2024, 6, 30)),
    )
    without = runner.invoke(cli, ["notify", "--db", db_url, "--lang", "en"])
    assert without.exit_code == 0, without.output
    assert "1 digest(s) made, 0 sent." in without.output
    assert "kept, not sent: no SMTP server" in without.output
    with smtp_inbox() as inbox:
        _smtp_env(monkeypatch, inbox)
        result = runner.invoke(cli, ["notify", "--db", db_url, "--lang", "en"])
        assert result.exit_code == 0, result.output
        assert "0 digest(s) made, 1 sent." in result.output
        (body,) = inbox.bodies()
    assert "Arrivée : Nouveaux Horizons, Santé, Tombouctou" in body
    assert inbox.received[0][2]["Subject"] == "ngomap : 1 arrivée(s) ou départ(s) dans vos zones"


def test_remind_sends_and_lists(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _two_rounds(db_url)
    org = orgs.get(engine, orgs.find(engine, "Aide Sahel"))
    orgs.edit(
        engine,
        org["id"],
        version=org["version"],
        changes={"contacts_public": [{"email": "info@ais.example"}]},
        by="t",
    )
    url = "https://ngomap.example/"
    listed = runner.invoke(cli, ["remind", "--db", db_url, "--url", url, "--dry-run"])
    assert listed.exit_code == 0, listed.output
    assert "Aide Sahel\t2024-03-31\tinfo@ais.example" in listed.output
    assert "Eau Pour Tous\t2024-03-31\t—" in listed.output
    refused = runner.invoke(cli, ["remind", "--db", db_url, "--url", url, "--lang", "en"])
    assert refused.exit_code == 1
    assert "No SMTP server" in refused.output
    with smtp_inbox() as inbox:
        _smtp_env(monkeypatch, inbox)
        result = runner.invoke(
            cli, ["remind", "--db", db_url, "--url", url, "--lang", "en", "--by", "awa"]
        )
        assert result.exit_code == 0, result.output
        assert "1 reminder(s) sent." in result.output
        assert "No address: Eau Pour Tous" in result.output
        (body,) = inbox.bodies()
    assert f"{url}?page=request&org={org['id']}" in body


def test_brief_reads_the_registry_and_its_rounds(db_url: str, tmp_path: Path) -> None:
    engine = _two_rounds(db_url)
    apply_round(
        engine,
        three_w(*SECOND),
        RoundInfo(file_name="q2.csv", sha256="1" * 64, by="t", data_date=date(2024, 6, 30)),
    )
    sheet = tmp_path / "projet.csv"
    sheet.write_text(
        "Organisation,Secteurs,Zones\nNouvelle ONG,Santé;Agriculture,ML05;ML06\n", encoding="utf-8"
    )
    out = tmp_path / "brief.pdf"
    result = runner.invoke(
        cli,
        ["brief", str(sheet), "--db", db_url, "--rounds", "1", "--lang", "en", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Arrivals and departures (between R1 (q1.csv, 2024-03-31) and R2 (q2.csv" in text
    assert "Arrival: Nouveaux Horizons, Health, Timbuktu" in text
    assert "Departure: Jardins du Fleuve, Agriculture" in text
    assert "ngomap registry" in text  # the source line
    both = runner.invoke(
        cli, ["brief", str(sheet), "--db", db_url, "--data", str(sheet), "--out", str(out)]
    )
    assert both.exit_code == 2
