"""The advice kept in the registry: the introduction log, subscriptions and their digests
after a round (received by a local SMTP server), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from registry_helpers import FIRST, SECOND, three_w
from smtp_inbox import smtp_inbox
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap.advise import connect as c
from ngomap.advise import log, rounds_history
from ngomap.advise import subscribe as sub
from ngomap.advise.notify import SmtpSettings, Subscription
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import load_boundaries
from ngomap.registry import db
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init


def _info(name: str, day: date) -> RoundInfo:
    return RoundInfo(file_name=name, sha256="0" * 64, data_date=day, by="tester")


def _empty(db_url: str) -> Engine:
    init(db_url, empty=True)
    return db.engine_for(db_url)


@pytest.fixture(scope="module")
def regions() -> Boundaries:
    return load_boundaries(None)


def test_introductions_are_logged_marked_and_given_an_outcome(db_url: str) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv", date(2024, 3, 31)))
    records = pd.concat([three_w(*FIRST), three_w(*SECOND)], ignore_index=True)
    aide, eau = "aide sahel", "eau pour tous"
    assert {aide, eau} <= set(records[s.ORG_KEY])
    first = log.record(
        engine,
        log.Party(aide, "Aide Sahel"),
        log.Party(eau, "Eau Pour Tous"),
        by="awa@bureau.example",
        note="Both in health and water near Kayes",
        at=datetime(2026, 5, 2, 9, tzinfo=UTC),
    )
    log.record(engine, log.Party(eau, "Eau Pour Tous"), log.Party("outsider", "Outsider"), by="b")
    with pytest.raises(RegistryError, match="two different"):
        log.record(engine, log.Party(aide, "Aide Sahel"), log.Party(aide, "Aide Sahel"), by="x")
    log.set_outcome(engine, first, "Met in June; joint proposal to AFD", by="awa@bureau.example")
    with pytest.raises(RegistryError, match="no introduction 999"):
        log.set_outcome(engine, 999, "x", by="x")

    shown = log.listing(engine)
    assert list(shown["org_a"]) == ["Eau Pour Tous", "Aide Sahel"]  # newest first
    assert shown.loc[shown["id"] == first, "outcome"].item().startswith("Met in June")
    assert list(log.listing(engine, organisation=aide)["id"]) == [first]

    # The ranked list of who to meet marks the pair, either way round.
    book = log.RegistryIntroductions.load(engine)
    marked = book.between(eau, aide)
    assert marked is not None
    assert marked.when == date(2026, 5, 2)
    assert marked.outcome.startswith("Met in June")
    assert book.between(aide, "jardins du fleuve") is None
    ranked = c.meet(records, load_boundaries(None), c.focus_of(records, aide), introductions=book)
    flags = {x.org_key: x.introduced for x in ranked}
    assert all(v is None for k, v in flags.items() if k != eau)


def test_digest_of_a_round_reaches_the_local_smtp_server(db_url: str, regions: Boundaries) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv", date(2024, 3, 31)))
    follows = sub.subscribe(
        engine,
        Subscription("awa@bureau.example", ("ML06", "ML04"), (), lang="en"),
        boundaries=regions,
    )
    sub.subscribe(
        engine, Subscription("paul@bureau.example", ("ML10",), ("HEA",), lang="fr")
    )  # nothing moves there: kept, never sent
    with pytest.raises(RegistryError, match="Unknown areas: XX99"):
        sub.subscribe(engine, Subscription("x@y.example", ("XX99",)), boundaries=regions)
    applied = apply_round(engine, three_w(*SECOND), _info("q2.csv", date(2024, 6, 30)))

    with smtp_inbox() as inbox:
        settings = SmtpSettings(host="127.0.0.1", port=inbox.port, sender="ngomap@bureau.example")
        outcome = sub.digest_rounds(engine, regions, settings=settings)
        assert (outcome.made, outcome.sent, outcome.unsent) == (2, 1, 0)  # round 1 predates them
        (body,) = inbox.bodies()
        assert inbox.received[0][1] == ["awa@bureau.example"]
        assert "Arrival: Nouveaux Horizons" in body  # arrived in ML06
        assert "Departure: Eau Pour Tous" in body  # left ML04
        assert "q2.csv" in body
        again = sub.digest_rounds(engine, regions, settings=settings)  # once per round
        assert (again.made, again.sent) == (0, 0)
        assert len(inbox.received) == 1

    kept = sub.digest_log(engine)
    assert set(kept["round"]) == {applied.round}
    mine = kept.loc[kept["email"] == "awa@bureau.example"].iloc[0]
    assert mine["movements"] == 2
    assert mine["sent_at"] is not None
    assert "Nouveaux Horizons" in mine["body"]
    sub.unsubscribe(engine, follows)
    assert not sub.subscriptions(engine, email="awa@bureau.example")["active"].item()


def test_digests_wait_for_a_server_and_skip_reverted_rounds(
    db_url: str, regions: Boundaries
) -> None:
    engine = _empty(db_url)
    sub.subscribe(engine, Subscription("awa@bureau.example", ("ML06",), ("HEA",), lang="fr"))
    apply_round(engine, three_w(*FIRST), _info("q1.csv", date(2024, 3, 31)))
    second = apply_round(engine, three_w(*SECOND), _info("q2.csv", date(2024, 6, 30)))
    assert second.round is not None
    revert_round(engine, second.round, by="tester")
    outcome = sub.digest_rounds(engine, regions, settings=None)
    assert outcome.made == 1
    assert outcome.unsent == 0
    third = apply_round(engine, three_w(*SECOND), _info("q2b.csv", date(2024, 7, 1)))
    waiting = sub.digest_rounds(engine, regions, settings=None)
    assert (waiting.made, waiting.sent, waiting.unsent) == (1, 0, 1)
    with smtp_inbox() as inbox:
        settings = SmtpSettings(host="127.0.0.1", port=inbox.port, sender="ngomap@bureau.example")
        later = sub.digest_rounds(engine, regions, settings=settings)
        assert (later.made, later.sent, later.unsent) == (0, 1, 0)
        (body,) = inbox.bodies()
    assert "Arrivée : Nouveaux Horizons" in body
    assert f"R{third.round}" in body


def test_last_rounds_history(db_url: str, regions: Boundaries) -> None:
    engine = _empty(db_url)
    assert rounds_history.last_rounds(engine) is None
    apply_round(engine, three_w(*FIRST), _info("q1.csv", date(2024, 3, 31)))
    apply_round(engine, three_w(*SECOND), _info("q2.csv", date(2024, 6, 30)))
    one = rounds_history.last_rounds(engine, 1)
    assert one is not None
    moves = {(m.kind, m.org_name, m.zone) for m in one.movements(regions, ["ML05", "ML06"], [])}
    assert ("arrival", "Nouveaux Horizons", "ML06") in moves
    assert ("departure", "Jardins du Fleuve", "ML05") in moves
    assert "R1 (q1.csv, 2024-03-31)" in one.label("en")
    assert "R2 (q2.csv" in one.label("en")
    both = rounds_history.last_rounds(engine, 2)
    assert both is not None
    everything = {(m.kind, m.zone) for m in both.movements(regions, ["ML05", "ML06"], [])}
    assert ("departure", "ML05") not in everything  # before R1 nobody was there
    assert ("arrival", "ML06") in everything
