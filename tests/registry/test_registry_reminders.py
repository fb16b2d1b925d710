"""Reminders to confirm an entry: who is due, the message with the form's link received by
a local SMTP server, who answered (a request after the reminder), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from registry_helpers import FIRST, SECOND, three_w
from smtp_inbox import smtp_inbox
from sqlalchemy import Engine

from ngomap.advise import reminders as rm
from ngomap.advise.notify import SmtpSettings
from ngomap.registry import db
from ngomap.registry import organisations as orgs
from ngomap.registry import requests as rq
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round
from ngomap.registry.setup import init

PAGE = "https://ngomap.example/app"


def _registry(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(
        engine,
        three_w(*FIRST),
        RoundInfo(file_name="q1.csv", sha256="0" * 64, by="t", data_date=date(2024, 3, 31)),
    )
    # Aide Sahel is confirmed again in 2025 (it is in the second round); the others are not.
    apply_round(
        engine,
        three_w(*SECOND[:2]),
        RoundInfo(file_name="q2.csv", sha256="1" * 64, by="t", data_date=date(2025, 9, 30)),
    )
    for name, contacts in (
        ("Eau Pour Tous", {"contacts_staff": [{"name": "Moussa", "email": "moussa@ept.example"}]}),
        ("Jardins du Fleuve", {"contacts_public": [{"email": "contact@jdf.example"}]}),
    ):
        org = orgs.get(engine, orgs.find(engine, name))
        orgs.edit(engine, org["id"], version=org["version"], changes=contacts, by="t")
    return engine


def test_due_reminded_answered(db_url: str) -> None:
    engine = _registry(db_url)
    today = date(2026, 1, 15)
    due = rm.due(engine, months=12, today=today)
    assert list(due["name"]) == ["Eau Pour Tous", "Jardins du Fleuve"]
    assert list(due["email"]) == ["moussa@ept.example", "contact@jdf.example"]  # staff first
    assert rm.due(engine, months=48, today=today).empty

    with smtp_inbox() as inbox:
        settings = SmtpSettings(host="127.0.0.1", port=inbox.port, sender="bureau@amb.example")
        done = rm.remind(
            engine,
            settings,
            base_url=PAGE,
            by="awa@amb.example",
            months=12,
            lang="en",
            now=datetime(2026, 1, 15, 10, tzinfo=UTC),
        )
        assert done.sent == 2
        assert done.without_address == ()
        assert sorted(r[1][0] for r in inbox.received) == [
            "contact@jdf.example",
            "moussa@ept.example",
        ]
        bodies = dict(zip((r[1][0] for r in inbox.received), inbox.bodies(), strict=True))
    body = bodies["moussa@ept.example"]
    assert "Eau Pour Tous" in body
    assert "2024-03-31" in body  # when it was last confirmed
    link = next(line for line in body.splitlines() if line.startswith(PAGE))
    query = parse_qs(urlsplit(link).query)
    eau = orgs.find(engine, "Eau Pour Tous")
    assert query == {"page": ["request"], "org": [str(eau)]}
    # Reminded: not due again within the span.
    assert rm.due(engine, months=12, today=date(2026, 2, 1)).empty

    # Eau Pour Tous answers through the form; Jardins du Fleuve does not.
    rq.submit(
        engine,
        rq.RequestForm(
            profile={"name": "Eau Pour Tous", "acronym": "EPT"},
            presences=[rq.PresenceAsk("WSH", "", "DIRECT")],
            contact={"name": "Moussa", "email": "moussa@ept.example"},
            organisation_id=eau,
        ),
        session="s",
        now=datetime(2026, 1, 20, tzinfo=UTC),
    )
    shown = rm.status(engine).set_index("organisation")
    assert shown.at["Eau Pour Tous", "answered"] == datetime(2026, 1, 20, tzinfo=UTC)
    assert shown.at["Eau Pour Tous", "request"] != ""
    assert shown["answered"].isna().to_dict() == {"Eau Pour Tous": False, "Jardins du Fleuve": True}
    assert shown.at["Jardins du Fleuve", "by"] == "awa@amb.example"


def test_no_address_is_listed_and_bad_input_refused(db_url: str) -> None:
    engine = _registry(db_url)
    org = orgs.get(engine, orgs.find(engine, "Jardins du Fleuve"))
    orgs.edit(engine, org["id"], version=org["version"], changes={"contacts_public": []}, by="t")
    with smtp_inbox() as inbox:
        settings = SmtpSettings(host="127.0.0.1", port=inbox.port, sender="bureau@amb.example")
        done = rm.remind(
            engine, settings, base_url=PAGE, by="x", today=date(2026, 1, 15), lang="fr"
        )
        assert done.without_address == ("Jardins du Fleuve",)
        assert done.sent == 1
        (body,) = inbox.bodies()
    assert "confirmée pour la dernière fois le : 2024-03-31" in body
    with pytest.raises(RegistryError, match="not the page's address"):
        rm.request_link("javascript:alert(1)", 3)
    with pytest.raises(RegistryError, match="at least 1"):
        rm.due(engine, months=0)
    assert rm.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_an_organisations_entry_as_each_role_sees_it(db_url: str) -> None:
    from ngomap.advise import profile
    from ngomap.registry import accounts as ac

    engine = _registry(db_url)
    eau = profile.find_by_key(engine, "eau pour tous")
    assert eau is not None
    sent = rq.submit(
        engine,
        rq.RequestForm(
            profile={"name": "Eau Pour Tous"},
            presences=[rq.PresenceAsk("WSH", "", "DIRECT")],
            contact={"name": "Moussa", "email": "moussa@ept.example"},
            organisation_id=eau,
        ),
        session="s",
    )
    assert profile.find_by_key(engine, "nobody") is None
    seen = profile.entry(engine, eau, role=ac.VIEWER)
    assert "contacts_staff" not in seen.fields  # staff-only, never to a viewer
    assert seen.fields["last_confirmed"] == date(2024, 3, 31)
    assert "moussa@ept.example" not in seen.latest.to_string()  # nor its history
    staff = profile.entry(engine, eau, role=ac.EDITOR)
    assert staff.fields["contacts_staff"] == [{"name": "Moussa", "email": "moussa@ept.example"}]
    assert (staff.rounds, staff.added, staff.withdrawn) == (2, 2, 2)  # gone from q2
    assert staff.edits == 1
    assert seen.edits == 0
    assert staff.listed_since == date(2024, 3, 31)
    assert staff.requests == seen.requests == 1  # counted for all, shown to staff only
    assert sent.reference in staff.latest.to_string()
    assert sent.reference not in seen.latest.to_string()
