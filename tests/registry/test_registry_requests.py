"""Listing requests: sent with every defence, queued, compared, decided, reverted, in history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_helpers import FIRST, three_w
from sqlalchemy import Engine, text

from ngomap.areas.boundaries import LEVEL, NAME_FR, PARENT
from ngomap.registry import db, state
from ngomap.registry import organisations as orgs
from ngomap.registry import requests as rq
from ngomap.registry.access_models import APPROVED, NEEDS_INFO, NEW, REJECTED
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round
from ngomap.registry.setup import init

AREAS = pd.DataFrame(
    {
        LEVEL: ["adm1", "adm2", "adm3", "adm1"],
        NAME_FR: ["Kayes", "Bafoulabé", "Diakon", "Koulikoro"],
        PARENT: [None, "ML01", "ML0101", None],
    },
    index=["ML01", "ML0101", "ML010101", "ML02"],
)
CONTACT = {"name": "Awa Diallo", "email": "awa@ngo.example", "phone": "+223 00", "role": "chef"}


def _registry(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    info = RoundInfo(
        file_name="q1.csv", sha256="0" * 64, by="importer", data_date=date(2024, 3, 31)
    )
    apply_round(engine, three_w(*FIRST), info)
    return engine


def _form(**overrides: object) -> rq.RequestForm:
    values: dict[str, object] = {
        "profile": {"name": "Santé Pour Tous", "acronym": "SPT", "org_type": "INGO"},
        "presences": [
            rq.PresenceAsk("HEA", "ML010101", "DIRECT"),
            rq.PresenceAsk("NUT", "", "PARTNER"),
        ],
        "contact": CONTACT,
    }
    values.update(overrides)
    return rq.RequestForm(**values)  # type: ignore[arg-type]


def test_new_organisation_sent_queued_approved_reverted(db_url: str) -> None:
    engine = _registry(db_url)
    before = len(state.records(engine))
    sent = rq.submit(engine, _form(), session="s1", address="10.0.0.1", areas=AREAS)
    assert sent.kept
    assert len(sent.reference) == 11
    queued = rq.queue(engine)
    assert list(queued["reference"]) == [sent.reference]
    assert queued.loc[0, "kind"] == "listing"
    assert queued.loc[0, "status"] == NEW
    diff = rq.difference(engine, sent.reference)
    assert diff.organisation_id is None
    assert {"name", "acronym", "org_type"} <= set(diff.changed_fields)
    assert [(p.sector, p.area_code) for p in diff.added] == [("HEA", "ML010101"), ("NUT", "")]
    assert not diff.withdrawn
    decision = rq.decide(engine, sent.reference, status=APPROVED, by="vera", note="Bienvenue")
    assert decision.organisation_id is not None
    assert decision.changeset is not None
    records = state.records(engine)
    assert len(records) == before + 2
    mine = records[records["org_name"] == "Santé Pour Tous"]
    commune = mine[mine["sector"] == "HEA"].iloc[0]
    assert (commune["adm1_code"], commune["adm2_code"], commune["adm3_name"]) == (
        "ML01",
        "ML0101",
        "Diakon",
    )
    assert bool(mine[mine["sector"] == "NUT"].iloc[0]["national"])
    entry = orgs.get(engine, decision.organisation_id)
    assert entry["contacts_staff"] == [CONTACT]  # the requester's contact, staff-only
    assert orgs.find(engine, "SPT") == decision.organisation_id
    assert rq.queue(engine).empty
    assert rq.public_status(engine, sent.reference)["note"] == "Bienvenue"
    with engine.connect() as connection:
        kind = connection.scalar(
            text("select kind from changesets where id = :i"), {"i": decision.changeset}
        )
    assert kind == "request"
    history = rq.history(engine, decision.organisation_id)
    assert "request approved" in set(history["what"])
    assert "request new" in set(history["what"])
    assert "presence added" in set(history["what"])
    reverted = rq.revert(engine, sent.reference, by="vera")
    assert reverted.presences_closed == 2
    assert len(state.records(engine)) == before  # one revertible change, undone whole
    assert "request reverted" in set(rq.history(engine, decision.organisation_id)["what"])
    with pytest.raises(RegistryError, match="already reverted"):
        rq.revert(engine, sent.reference, by="vera")


def test_update_shows_the_difference_and_applies_only_it(db_url: str) -> None:
    engine = _registry(db_url)
    ais = orgs.find(engine, "Aide Sahel")
    entry = orgs.get(engine, ais)
    now = {
        (r.sector, r.area_code)
        for r in state.records(engine).itertuples()
        if r.org_name == "Aide Sahel"
    }
    assert now == {("HEA", "ML01"), ("EDU", "ML02")}
    form = _form(
        organisation_id=ais,
        based_on_version=entry["version"],
        profile={
            "name": "Aide Sahel",
            "acronym": "AIS",
            "org_type": entry["org_type"],
            "website": "https://ais.example",
        },
        presences=[
            rq.PresenceAsk("HEA", "ML01", "PARTNER"),
            rq.PresenceAsk("NUT", "ML02", "DIRECT"),
        ],
    )
    sent = rq.submit(engine, form, session="s", address="a", areas=AREAS)
    assert rq.queue(engine).loc[0, "kind"] == "update"
    diff = rq.difference(engine, sent.reference)
    assert diff.changed_fields == ["website"]
    assert [(p.sector, p.area_code) for p in diff.withdrawn] == [("EDU", "ML02")]
    assert [(p.sector, p.area_code) for p in diff.added] == [("NUT", "ML02")]
    assert [(a.mode, b.mode) for a, b in diff.mode_changed] == [("DIRECT", "PARTNER")]
    assert not diff.changed_since_sent
    orgs.edit(engine, ais, version=entry["version"], changes={"country": "France"}, by="ed")
    assert rq.difference(engine, sent.reference).changed_since_sent  # edited meanwhile
    decision = rq.decide(engine, sent.reference, status=APPROVED, by="vera")
    assert decision.changes == {"fields": 2, "added": 1, "withdrawn": 1, "mode_changed": 1}
    after = orgs.get(engine, ais)
    assert after["website"] == "https://ais.example"
    assert after["country"] == "France"
    kept = {
        (r.sector, r.area_code, r.presence)
        for r in state.records(engine).itertuples()
        if r.org_name == "Aide Sahel"
    }
    assert kept == {("HEA", "ML01", "PARTNER"), ("NUT", "ML02", "DIRECT")}
    with pytest.raises(RegistryError, match="already approved"):
        rq.decide(engine, sent.reference, status=REJECTED, by="vera")
    rq.revert(engine, sent.reference, by="vera")
    assert orgs.get(engine, ais)["website"] == ""
    back = {
        (r.sector, r.area_code, r.presence)
        for r in state.records(engine).itertuples()
        if r.org_name == "Aide Sahel"
    }
    assert back == {("HEA", "ML01", "DIRECT"), ("EDU", "ML02", "DIRECT")}


def test_needs_information_then_rejected_each_in_history(db_url: str) -> None:
    engine = _registry(db_url)
    ais = orgs.find(engine, "AIS")
    form = _form(organisation_id=ais, profile={"name": "Aide Sahel", "acronym": "AIS"})
    sent = rq.submit(engine, form, session="s", address="a", areas=AREAS)
    with pytest.raises(rq.RequestError, match="information"):
        rq.decide(engine, sent.reference, status=NEEDS_INFO, by="vera", note="  ")
    rq.decide(engine, sent.reference, status=NEEDS_INFO, by="vera", note="Quel secteur ?")
    assert rq.queue(engine).loc[0, "status"] == NEEDS_INFO  # still open
    records = len(state.records(engine))
    rq.decide(engine, sent.reference, status=REJECTED, by="vera", note="Doublon")
    assert len(state.records(engine)) == records  # nothing applied
    assert rq.queue(engine).empty
    assert list(rq.queue(engine, statuses=[REJECTED])["reference"]) == [sent.reference]
    what = list(rq.history(engine, ais)["what"])
    assert [w for w in what if w.startswith("request")] == [
        "request new",
        "request needs_information",
        "request rejected",
    ]


def test_queue_oldest_first_and_overdue_flagged(db_url: str) -> None:
    engine = _registry(db_url)
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    late = rq.submit(engine, _form(), session="a", now=now - timedelta(days=20))
    fresh = rq.submit(engine, _form(), session="b", now=now - timedelta(days=1))
    queued = rq.queue(engine, now=now, overdue_days=14)
    assert list(queued["reference"]) == [late.reference, fresh.reference]
    assert list(queued["overdue"]) == [True, False]
    assert list(queued["age_days"]) == [20, 1]


def test_every_problem_is_said_at_once(db_url: str) -> None:
    engine = _registry(db_url)
    form = _form(
        profile={"name": "", "website": "x" * 301, "org_type": "ALIEN", "colour": "red"},
        presences=[rq.PresenceAsk("NOPE", "ML99", "DIRECT"), rq.PresenceAsk("HEA", "ML01", "?")],
        contact={"email": "not an address"},
        message="m" * 2001,
    )
    with pytest.raises(rq.RequestError) as raised:
        rq.submit(engine, form, session="s", areas=AREAS)
    text = str(raised.value)
    for expected in (
        "name is required",
        "website: 301 characters, at most 300",
        "'ALIEN' is not a known type",
        "Unknown fields: colour",
        "presence 1: unknown sector 'NOPE'",
        "presence 1: unknown P-code 'ML99'",
        "presence 2: unknown mode '?'",
        "e-mail address is needed",
        "message: 2001 characters",
    ):
        assert expected in text
    assert "obligatoire" in raised.value.message("fr")
    assert rq.queue(engine).empty
    too_many = _form(presences=[rq.PresenceAsk("HEA", "", "DIRECT")] * (rq.PRESENCE_LIMIT + 1))
    with pytest.raises(rq.RequestError, match="At most"):
        rq.submit(engine, too_many, session="s")
    with pytest.raises(rq.RequestError, match="no organisation 9999"):
        rq.submit(engine, _form(organisation_id=9999), session="s")


def test_honeypot_gives_a_reference_but_keeps_nothing(db_url: str) -> None:
    engine = _registry(db_url)
    sent = rq.submit(engine, _form(), session="bot", honeypot="http://spam.example")
    assert not sent.kept
    assert sent.reference
    assert rq.queue(engine).empty
    with pytest.raises(RegistryError, match="no request"):
        rq.get(engine, sent.reference)


def test_rate_limit_per_session_and_address(db_url: str) -> None:
    engine = _registry(db_url)
    limits = rq.Limits(session_per_hour=2, address_per_hour=3, address_per_day=4)
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    for _ in range(2):
        rq.submit(engine, _form(), session="s1", address="ip", limits=limits, now=now)
    with pytest.raises(rq.TooManyRequestsError, match="try again"):
        rq.submit(engine, _form(), session="s1", address="ip", limits=limits, now=now)
    rq.submit(engine, _form(), session="s2", address="ip", limits=limits, now=now)
    with pytest.raises(rq.TooManyRequestsError):  # a new session, the same address
        rq.submit(engine, _form(), session="s3", address="ip", limits=limits, now=now)
    later = now + timedelta(hours=2)
    rq.submit(engine, _form(), session="s3", address="ip", limits=limits, now=later)
    with pytest.raises(rq.TooManyRequestsError):  # four in a day from one address
        rq.submit(engine, _form(), session="s4", address="ip", limits=limits, now=later)
    rq.submit(engine, _form(), session="s5", address="other", limits=limits, now=later)
    assert len(rq.queue(engine)) == 5
    with engine.connect() as connection:
        stored = set(connection.scalars(text("select address_hash from listing_requests")))
    assert "ip" not in stored
    assert rq.client_hash("ip") in stored


def test_text_is_kept_as_text(db_url: str) -> None:
    engine = _registry(db_url)
    payload = "<script>alert(1)</script> **gras** [x](javascript:alert(1)) =1+1"
    form = _form(
        profile={"name": payload, "headquarters": payload, "funders": [payload]},
        contact={**CONTACT, "name": payload},
        message=payload + "\x00\x07",
    )
    sent = rq.submit(engine, form, session="s")
    kept = rq.get(engine, sent.reference)
    assert kept["profile"]["name"] == payload
    assert kept["profile"]["funders"] == [payload]
    assert kept["contact"]["name"] == payload
    assert kept["message"] == payload  # control characters dropped, nothing else changed


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(min_size=1, max_size=320),
    website=st.text(max_size=320),
    message=st.text(max_size=50),
    funders=st.lists(st.text(max_size=40), max_size=3),
)
def test_messy_text_is_kept_or_refused_with_reasons(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    website: str,
    message: str,
    funders: list[str],
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('h') / 'r.sqlite'}"
    init(url, empty=True)
    engine = db.engine_for(url)
    form = _form(profile={"name": name, "website": website, "funders": funders}, message=message)
    try:
        sent = rq.submit(engine, form, session="s", limits=rq.Limits(10**6, 10**6, 10**6))
    except rq.RequestError as refused:
        problems = refused.problems
    else:
        problems = []
    if problems:  # a refusal says why; nothing was kept
        assert rq.queue(engine).empty
        return
    kept = rq.get(engine, sent.reference)
    assert kept["profile"]["name"].strip()
    assert len(kept["profile"]["name"]) <= rq.PROFILE_FIELDS["name"]
    assert len(kept["profile"]["website"]) <= rq.PROFILE_FIELDS["website"]
    assert all(ch.isprintable() for ch in kept["message"])


def test_a_request_updates_the_list_chosen(db_url: str) -> None:
    engine = _registry(db_url)
    info = RoundInfo(file_name="ocha.csv", sha256="1" * 64, by="importer", source="ocha")
    apply_round(engine, three_w(FIRST[0]), info)
    assert rq.list_sources(engine) == ["main", "ocha"]
    ais = orgs.find(engine, "AIS")
    form = _form(organisation_id=ais, profile={}, presences=[rq.PresenceAsk("NUT", "", "DIRECT")])
    sent = rq.submit(engine, form, session="s")
    diff = rq.difference(engine, sent.reference, list_source="ocha")
    assert [(p.sector, p.area_code) for p in diff.withdrawn] == [("HEA", "ML01")]
    rq.decide(engine, sent.reference, status=APPROVED, by="vera", list_source="ocha")
    ocha = state.records(engine, list_source="ocha")
    assert list(ocha["sector"]) == ["NUT"]
    main = state.records(engine, list_source="main")
    assert {("HEA", "ML01"), ("EDU", "ML02")} <= set(
        zip(main["sector"], main["area_code"], strict=True)
    )
