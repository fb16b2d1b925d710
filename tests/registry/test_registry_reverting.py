"""Reverting any round or change, not only the latest: later changes touching the same facts
are named, and either the revert is refused or they are reverted too."""

from __future__ import annotations

from datetime import date

import pytest
from registry_helpers import FIRST, SECOND, three_w
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap.registry import db, reverting, state
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init

THIRD = ("Nouveaux Horizons,NHO,ONG internationale,Opérateur,Santé,ML09,,",)


def _two_rounds(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(
        engine,
        three_w(*FIRST),
        RoundInfo(file_name="q1.csv", sha256="0" * 64, data_date=date(2024, 3, 31)),
    )
    apply_round(
        engine,
        three_w(*SECOND),
        RoundInfo(file_name="q2.csv", sha256="1" * 64, data_date=date(2024, 6, 30)),
    )
    return engine


def test_an_older_round_touched_by_a_later_one_names_it_then_reverts_both(db_url: str) -> None:
    engine = _two_rounds(db_url)
    first = reverting.round_changeset(engine, 1)
    second = reverting.round_changeset(engine, 2)
    shown = reverting.plan(engine, first)
    assert [step.changeset for step in shown.later] == [second]
    assert shown.later[0].label() == "R2 (q2.csv)"
    before = state.records(engine)
    with pytest.raises(RegistryError) as refused:
        reverting.revert(engine, first)
    assert "R2 (q2.csv)" in str(refused.value)
    assert "R2 (q2.csv)" in refused.value.message("fr")
    assert len(state.records(engine)) == len(before)  # nothing written
    done = reverting.revert(engine, first, with_later=True, by="carol")
    assert len(done) == 2
    assert state.records(engine).empty
    rounds = state.rounds_frame(engine)
    assert rounds["reverted"].all()


def test_an_older_round_not_touched_since_is_reverted_alone(db_url: str) -> None:
    engine = _two_rounds(db_url)
    apply_round(
        engine,
        three_w(*THIRD),
        RoundInfo(file_name="q3.csv", sha256="2" * 64, source="other"),
    )
    third = reverting.round_changeset(engine, 3)
    assert reverting.plan(engine, reverting.round_changeset(engine, 2)).later == ()
    assert reverting.plan(engine, third).alone
    reverting.revert(engine, reverting.round_changeset(engine, 2))
    now = state.records(engine)
    assert "ML05" in set(now.loc[now[s.ORG_NAME] == "Jardins du Fleuve", s.AREA_CODE])
    assert "ML06" not in set(now[s.AREA_CODE])  # R2's newcomer is gone
    assert "ML09" in set(now[s.AREA_CODE])  # R3, another list, stays


def test_a_round_withdrawn_then_put_back_by_a_revert_is_fully_reverted(db_url: str) -> None:
    engine = _two_rounds(db_url)
    revert_round(engine, 2)  # R2's withdrawals put back as copies of R1's rows
    first = reverting.round_changeset(engine, 1)
    assert reverting.plan(engine, first).alone
    reverting.revert(engine, first)
    assert state.records(engine).empty  # the copies go too: nothing of R1 stays


def test_one_field_change_with_later_changes_of_the_same_field(db_url: str) -> None:
    engine = _two_rounds(db_url)
    ais = orgs.find(engine, "Aide Sahel")
    version = orgs.get(engine, ais)["version"]
    orgs.edit(engine, ais, version=version, changes={"acronym": "A1"}, by="alice")
    orgs.edit(engine, ais, version=version + 1, changes={"acronym": "A2"}, by="bob")
    history = orgs.history(engine, ais)
    first = int(history.loc[history["after"] == "A1", "change"].iloc[0])
    shown = reverting.plan_change(engine, first)
    assert [step.by for step in shown.later] == ["bob"]
    with pytest.raises(RegistryError, match="later change"):
        reverting.revert_change(engine, first)
    assert orgs.get(engine, ais)["acronym"] == "A2"
    reverting.revert_change(engine, first, with_later=True, by="carol")
    assert orgs.get(engine, ais)["acronym"] == "AIS"
    with pytest.raises(RegistryError, match="already reverted"):
        reverting.revert_change(engine, first)
    second = int(history.loc[history["after"] == "A2", "change"].iloc[0])
    with pytest.raises(RegistryError, match="already reverted"):
        reverting.revert_change(engine, second)


def test_a_revert_itself_or_a_missing_change_is_refused_saying_so(db_url: str) -> None:
    engine = _two_rounds(db_url)
    done = revert_round(engine, 2)
    with pytest.raises(RegistryError, match="itself a revert"):
        reverting.plan(engine, done.changeset)
    with pytest.raises(RegistryError, match="already reverted"):
        reverting.revert(engine, reverting.round_changeset(engine, 2))
    with pytest.raises(RegistryError, match="no change 999"):
        reverting.revert(engine, 999)
