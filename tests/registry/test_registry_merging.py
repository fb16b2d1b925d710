"""Two organisations made one: the preview, the merge under both versions, its revert whole."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap.importer.threew import read_3w
from ngomap.registry import db, links, merging, reverting, state
from ngomap.registry import hand_edits as he
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round
from ngomap.registry.setup import init

HEADER = (
    "Nom,Sigle,Type d'organisation,Mode de présence,Partenaires,Bailleurs,Secteur,Code région,"
    "Début,Fin\n"
    "#org+name,#org+acronym,#org+type,#org+presence,#org+impl,#org+funding,#sector,#adm1+code,"
    "#date+start,#date+end\n"
)
# "Aide au Sahel" is "Aide Sahel" written another way: the same health work in ML01 (another
# period), water in ML03, another partner and funder; Eau Pour Tous names it as a partner.
ROWS = (
    "Aide Sahel,AIS,ONG internationale,Présence directe,Jeunesse Active,AFD,Santé,ML01,"
    "2024-01-01,2024-12-31",
    "Aide Sahel,AIS,ONG internationale,Présence directe,,,Éducation,ML02,2024-01-01,",
    "Aide au Sahel,ADS,,Présence directe,AMAS,ECHO,Santé,ML01,2023-06-01,2025-06-30",
    "Aide au Sahel,ADS,,Présence directe,,,EHA,ML03,,",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,Aide au Sahel,,EHA,ML04,,",
)


def _records(*rows: str) -> pd.DataFrame:
    records, report = read_3w((HEADER + "".join(f"{r}\n" for r in rows)).encode(), name="q.csv")
    assert report.rows_rejected == 0, [p.message_en for p in report.problems]
    return records


def _registry(db_url: str) -> tuple[Engine, int, int]:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, _records(*ROWS), RoundInfo(file_name="q1.csv", sha256="0" * 64))
    return engine, orgs.find(engine, "Aide Sahel"), orgs.find(engine, "Aide au Sahel")


def _rows(engine: Engine, name: str) -> pd.DataFrame:
    now = state.records(engine)
    return now[now[s.ORG_NAME] == name].sort_values([s.SECTOR, s.AREA_CODE])


def test_the_plan_says_what_will_happen_and_writes_nothing(db_url: str) -> None:
    engine, keep, gone = _registry(db_url)
    before = state.records(engine)
    plan = merging.plan(engine, keep, gone)
    assert plan.keep_name == "Aide Sahel"
    assert plan.gone_name == "Aide au Sahel"
    assert {"Aide au Sahel", "ADS"} <= set(plan.aliases)
    assert plan.presences_moved == 1  # water in ML03
    assert [(j.sector, j.area, j.period) for j in plan.joined] == [
        ("HEA", "ML01", "2023-06-01 – 2025-06-30")
    ]
    assert plan.partners_moved == ("AMAS",)
    assert plan.partner_of == ("Eau Pour Tous",)
    assert plan.funders_added == ("ECHO",)
    assert plan.history >= 2
    pd.testing.assert_frame_equal(state.records(engine), before)
    with pytest.raises(RegistryError, match="itself"):
        merging.plan(engine, keep, keep)


def test_merge_moves_joins_repoints_and_reverts_whole(db_url: str) -> None:
    engine, keep, gone = _registry(db_url)
    before = state.records(engine).sort_values([s.ORG_NAME, s.SECTOR, s.AREA_CODE])
    epts = orgs.find(engine, "Eau Pour Tous")
    changeset = merging.merge(engine, merging.plan(engine, keep, gone), by="alice")

    rows = _rows(engine, "Aide Sahel")
    assert "Aide au Sahel" not in set(state.records(engine)[s.ORG_NAME])
    assert list(zip(rows[s.SECTOR], rows[s.AREA_CODE], strict=True)) == [
        ("EDU", "ML02"),
        ("HEA", "ML01"),  # one row, joined
        ("WSH", "ML03"),
    ]
    health = rows[rows[s.SECTOR] == "HEA"].iloc[0]
    assert (str(health[s.START])[:10], str(health[s.END])[:10]) == ("2023-06-01", "2025-06-30")
    assert orgs.find(engine, "Aide au Sahel") == keep
    assert orgs.find(engine, "ADS") == keep
    assert sorted(links.partners(engine, keep)["partner"]) == ["AMAS", "Jeunesse Active"]
    assert list(links.partners(engine, epts)["partner_id"]) == [keep]
    assert orgs.get(engine, keep)["funders"] == ["AFD", "ECHO"]
    history = orgs.history(engine, keep)
    assert set(history["organisation_id"]) == {keep, gone}

    done = reverting.revert(engine, changeset, by="bob")
    assert len(done) == 1
    after = state.records(engine).sort_values([s.ORG_NAME, s.SECTOR, s.AREA_CODE])
    columns = [s.ORG_NAME, s.SECTOR, s.AREA_CODE, s.START, s.END, s.PRESENCE]
    pd.testing.assert_frame_equal(
        after[columns].reset_index(drop=True), before[columns].reset_index(drop=True)
    )
    assert orgs.find(engine, "Aide au Sahel") == gone
    assert orgs.get(engine, gone)["merged_into"] is None
    assert orgs.get(engine, gone)["active"] is True
    assert sorted(links.partners(engine, keep)["partner"]) == ["Jeunesse Active"]
    assert list(links.partners(engine, gone)["partner"]) == ["AMAS"]
    assert list(links.partners(engine, epts)["partner_id"]) == [gone]
    assert orgs.get(engine, keep)["funders"] == ["AFD"]
    assert "ADS" not in {a["spelling"] for a in orgs.get(engine, keep)["aliases"]}
    with pytest.raises(RegistryError, match="already reverted"):
        merging.revert_merge(engine, changeset)


def test_a_stale_merge_is_refused_and_writes_nothing(db_url: str) -> None:
    engine, keep, gone = _registry(db_url)
    plan = merging.plan(engine, keep, gone)
    # Another editor saves the organisation to keep meanwhile.
    he.save(engine, keep, version=plan.keep_version, profile={"website": "https://ais.example"})
    with pytest.raises(orgs.EditConflictError) as conflict:
        merging.merge(engine, plan)
    assert conflict.value.organisation_id == keep
    assert conflict.value.theirs["website"] == ("", "https://ais.example")
    assert orgs.get(engine, gone)["merged_into"] is None
    assert "Aide au Sahel" in set(state.records(engine)[s.ORG_NAME])
    # A round moved presences meanwhile (no version changed): told, with the new plan.
    plan = merging.plan(engine, keep, gone)
    apply_round(
        engine,
        _records(*ROWS, "Aide au Sahel,ADS,,Présence directe,,,Nutrition,ML05,,"),
        RoundInfo(file_name="q2.csv", sha256="1" * 64),
    )
    with pytest.raises(merging.MergeChangedError) as changed:
        merging.merge(engine, plan)
    assert changed.value.plan.presences_moved == plan.presences_moved + 1
    assert orgs.get(engine, gone)["merged_into"] is None
    merging.merge(engine, changed.value.plan)
    assert orgs.get(engine, gone)["merged_into"] == keep


def test_a_merge_touched_since_is_reverted_only_with_the_later_change(db_url: str) -> None:
    engine, keep, gone = _registry(db_url)
    changeset = merging.merge(engine, merging.plan(engine, keep, gone))
    held = he.presences(engine, keep)
    water = int(held.loc[held["sector"] == "WSH", "id"].iloc[0])
    edit = he.save(engine, keep, version=orgs.get(engine, keep)["version"], close=[water])
    with pytest.raises(RegistryError, match="later"):
        merging.revert_merge(engine, changeset)
    shown = reverting.plan(engine, changeset)
    assert [step.changeset for step in shown.later] == [edit.changeset]
    with pytest.raises(RegistryError) as refused:
        reverting.revert(engine, changeset)
    assert f"edit {edit.changeset}" in str(refused.value)
    assert orgs.get(engine, gone)["merged_into"] == keep  # nothing written
    done = reverting.revert(engine, changeset, with_later=True)
    assert len(done) == 2
    assert orgs.get(engine, gone)["merged_into"] is None
    assert set(_rows(engine, "Aide au Sahel")[s.SECTOR]) == {"HEA", "WSH"}
