"""Organisations by hand: edits under a version column, merges, one change reverted, history."""

from __future__ import annotations

from datetime import date

import pytest
from registry_helpers import FIRST, SECOND, three_w
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap.registry import db, state
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round, compare_file
from ngomap.registry.setup import init


def _registry(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    info = RoundInfo(
        file_name="q1.csv", sha256="0" * 64, by="importer", data_date=date(2024, 3, 31)
    )
    apply_round(engine, three_w(*FIRST), info)
    return engine


def test_edit_then_a_second_editor_is_told(db_url: str) -> None:
    engine = _registry(db_url)
    ais = orgs.find(engine, "Aide Sahel")
    assert orgs.find(engine, "AIS") == ais  # the acronym names it too
    assert orgs.find(engine, str(ais)) == ais
    loaded = orgs.get(engine, ais)
    first_editor, second_editor = loaded["version"], loaded["version"]
    new_version = orgs.edit(
        engine,
        ais,
        version=first_editor,
        changes={"website": "https://aide-sahel.example", "country": "France"},
        by="alice",
    )
    assert new_version == first_editor + 1
    with pytest.raises(orgs.EditConflictError) as conflict:
        orgs.edit(engine, ais, version=second_editor, changes={"website": "https://x"}, by="bob")
    assert conflict.value.current == new_version
    assert conflict.value.theirs["website"] == ("", "https://aide-sahel.example")
    assert "website" in str(conflict.value)
    assert "changé" in conflict.value.message("fr")
    after = orgs.get(engine, ais)
    assert after["website"] == "https://aide-sahel.example"  # nothing overwritten in silence
    assert after["country"] == "France"
    # Reloaded, bob saves.
    assert orgs.edit(engine, ais, version=after["version"], changes={"website": "https://x"}) == (
        new_version + 1
    )
    # An edit that changes nothing keeps the version.
    assert orgs.edit(engine, ais, version=new_version + 1, changes={"website": "https://x"}) == (
        new_version + 1
    )


def test_bad_edits_are_refused(db_url: str) -> None:
    engine = _registry(db_url)
    ais = orgs.find(engine, "Aide Sahel")
    version = orgs.get(engine, ais)["version"]
    with pytest.raises(RegistryError, match="cannot be edited"):
        orgs.edit(engine, ais, version=version, changes={"id": 3})
    with pytest.raises(RegistryError, match="not a date"):
        orgs.edit(engine, ais, version=version, changes={"last_confirmed": "soon"})
    with pytest.raises(RegistryError, match="No organisation is called"):
        orgs.find(engine, "Nobody")


def test_edited_name_shows_in_records_and_as_of_before(db_url: str) -> None:
    engine = _registry(db_url)
    ais = orgs.find(engine, "Aide Sahel")
    orgs.edit(
        engine, ais, version=orgs.get(engine, ais)["version"], changes={"name": "Aide au Sahel"}
    )
    now = state.records(engine)
    assert "Aide au Sahel" in set(now[s.ORG_NAME])
    then = state.records(engine, as_of="R1")
    assert "Aide Sahel" in set(then[s.ORG_NAME])
    assert "Aide au Sahel" not in set(then[s.ORG_NAME])


def test_revert_one_change(db_url: str) -> None:
    engine = _registry(db_url)
    ais = orgs.find(engine, "Aide Sahel")
    orgs.edit(engine, ais, version=orgs.get(engine, ais)["version"], changes={"acronym": "ASL"})
    history = orgs.history(engine, ais)
    change = int(history.loc[history["field"] == "acronym", "change"].iloc[0])
    orgs.revert_change(engine, change, by="carol")
    assert orgs.get(engine, ais)["acronym"] == "AIS"
    with pytest.raises(RegistryError, match="already reverted"):
        orgs.revert_change(engine, change)
    # A change overtaken by a later one is not reverted blindly.
    version = orgs.get(engine, ais)["version"]
    orgs.edit(engine, ais, version=version, changes={"acronym": "A1"})
    orgs.edit(engine, ais, version=version + 1, changes={"acronym": "A2"})
    history = orgs.history(engine, ais)
    first = int(history.loc[history["after"] == "A1", "change"].iloc[0])
    with pytest.raises(RegistryError, match="changed again"):
        orgs.revert_change(engine, first)


def test_merge_joins_presences_aliases_and_history(db_url: str) -> None:
    engine = _registry(db_url)
    info = RoundInfo(file_name="q2.csv", sha256="1" * 64, by="importer")
    apply_round(engine, three_w(*SECOND), info)
    keep = orgs.find(engine, "Eau Pour Tous")
    gone = orgs.find(engine, "Eaux Pour Tous")
    orgs.merge(engine, keep, gone, by="alice")
    now = state.records(engine)
    assert "Eaux Pour Tous" not in set(now[s.ORG_NAME])
    assert set(now.loc[now[s.ORG_NAME] == "Eau Pour Tous", s.AREA_CODE]) == {"ML03", "ML07"}
    assert orgs.find(engine, "Eaux Pour Tous") == keep  # the spelling is an alias now
    assert orgs.get(engine, gone)["merged_into"] == keep
    # The same file again: nothing new, nothing withdrawn.
    again = compare_file(engine, three_w(*SECOND))
    assert again.organisations_new == []
    assert again.presences_new == again.presences_withdrawn == 0
    history = orgs.history(engine, keep)
    assert set(history["organisation_id"]) == {keep, gone}
    assert {"round", "merge"} <= set(history["kind"])
    with pytest.raises(RegistryError, match="already merged"):
        orgs.merge(engine, keep, gone)
    with pytest.raises(RegistryError, match="itself"):
        orgs.merge(engine, keep, keep)


def test_history_says_who_when_and_from_where(db_url: str) -> None:
    engine = _registry(db_url)
    ais = orgs.find(engine, "Aide Sahel")
    apply_round(
        engine,
        three_w(*SECOND),
        RoundInfo(file_name="q2.csv", sha256="1" * 64, by="importer"),
    )
    orgs.edit(
        engine,
        ais,
        version=orgs.get(engine, ais)["version"],
        changes={"country": "Mali"},
        by="alice",
    )
    history = orgs.history(engine, "Aide Sahel")
    added = history[history["what"] == "presence added"]
    assert set(added["file"].dropna()) == {"q1.csv", "q2.csv"}
    assert set(added.loc[added["file"] == "q1.csv", "by"]) == {"importer"}
    typed = history[history["field"] == "org_type"].iloc[0]
    assert (typed["before"], typed["after"], typed["kind"]) == ("INGO", "NNGO", "round")
    edited = history[history["field"] == "country"].iloc[0]
    assert (edited["by"], edited["kind"], edited["after"]) == ("alice", "edit", "Mali")
    assert history["changeset"].is_monotonic_increasing
