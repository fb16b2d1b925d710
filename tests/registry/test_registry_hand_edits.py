"""One hand edit: profile fields and single presences in one changeset, under the version
column, reverted whole; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from registry_helpers import FIRST, three_w
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap.registry import db, state
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.hand_edits import NewPresence, presences, save
from ngomap.registry.reverting import revert
from ngomap.registry.rounds import RoundInfo, apply_round
from ngomap.registry.setup import init

DAY = date(2024, 5, 2)


def _registry(db_url: str) -> tuple[Engine, int]:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    info = RoundInfo(file_name="q1.csv", sha256="0" * 64, data_date=date(2024, 3, 31), by="t")
    apply_round(engine, three_w(*FIRST), info)
    return engine, orgs.find(engine, "Eau Pour Tous")


def _rows(engine: Engine, name: str) -> list[tuple[str, str, str]]:
    records = state.records(engine)
    mine = records.loc[records[s.ORG_NAME] == name]
    return sorted(
        zip(mine[s.SECTOR], mine[s.AREA_CODE].fillna(""), mine[s.PRESENCE].fillna(""), strict=True)
    )


def test_one_save_changes_profile_and_presences_and_reverts_whole(db_url: str) -> None:
    engine, org = _registry(db_url)
    before = _rows(engine, "Eau Pour Tous")
    assert [(sector, area) for sector, area, _ in before] == [("WSH", "ML03"), ("WSH", "ML04")]
    opened = orgs.get(engine, org)
    held = presences(engine, org)
    ml03 = int(held.loc[held["area_code"] == "ML03", "id"].iloc[0])
    ml04 = int(held.loc[held["area_code"] == "ML04", "id"].iloc[0])
    saved = save(
        engine,
        org,
        version=opened["version"],
        profile={"website": "https://ept.example", "country": "France"},
        add=[
            NewPresence(
                sector="HEA",
                area_code="ML06",
                area={"area_level": "adm1", "adm1_code": "ML06", "adm1_name": "Tombouctou"},
                mode="DIRECT",
            ),
            NewPresence(sector="EDU", area_code=None, mode="OPERATOR"),
        ],
        close=[ml04],
        change={ml03: {"mode": "DIRECT", "status": "En cours"}},
        by="editor@example.org",
        today=DAY,
    )
    assert saved.version == opened["version"] + 1
    assert saved.changeset is not None
    after = orgs.get(engine, org)
    assert after["website"] == "https://ept.example"
    assert after["last_confirmed"] == DAY  # an edit confirms the organisation
    assert _rows(engine, "Eau Pour Tous") == [
        ("EDU", "", "OPERATOR"),
        ("HEA", "ML06", "DIRECT"),
        ("WSH", "ML03", "DIRECT"),
    ]
    records = state.records(engine)
    national = records.loc[(records[s.ORG_NAME] == "Eau Pour Tous") & (records[s.SECTOR] == "EDU")]
    assert bool(national[s.NATIONAL].iloc[0])
    history = orgs.history(engine, org)
    edit_rows = history.loc[history["changeset"] == saved.changeset]
    assert set(edit_rows["what"]) == {"field", "presence added", "presence withdrawn"}
    assert set(edit_rows["by"]) == {"editor@example.org"}
    # The registry as it was before the edit is still there.
    assert len(state.records(engine, as_of=saved.changeset - 1)) == 5

    (undone,) = revert(engine, saved.changeset, by="editor@example.org")
    assert undone.conflicts == []
    assert _rows(engine, "Eau Pour Tous") == before
    assert orgs.get(engine, org)["website"] == ""
    assert orgs.get(engine, org)["version"] > saved.version
    with pytest.raises(RegistryError, match="already reverted"):
        revert(engine, saved.changeset)


def test_a_stale_edit_is_refused_and_writes_nothing(db_url: str) -> None:
    engine, org = _registry(db_url)
    opened = orgs.get(engine, org)["version"]
    first = save(engine, org, version=opened, profile={"headquarters": "Lyon"}, today=DAY)
    held = presences(engine, org)
    with pytest.raises(orgs.EditConflictError) as caught:
        save(
            engine,
            org,
            version=opened,  # loaded before the first save
            profile={"headquarters": "Paris"},
            close=[int(held["id"].iloc[0])],
            today=DAY,
        )
    assert "headquarters" in caught.value.theirs
    assert "Rien n'a été enregistré" in caught.value.message("fr")
    assert orgs.get(engine, org)["headquarters"] == "Lyon"
    assert orgs.get(engine, org)["version"] == first.version
    assert len(presences(engine, org)) == 2


def test_nothing_to_save_writes_no_changeset(db_url: str) -> None:
    engine, org = _registry(db_url)
    opened = orgs.get(engine, org)
    same = save(engine, org, version=opened["version"], profile={"name": opened["name"]})
    assert same.changeset is None
    assert same.version == opened["version"]


def test_bad_edits_are_refused_saying_what_to_do(db_url: str) -> None:
    engine, org = _registry(db_url)
    version = orgs.get(engine, org)["version"]
    held = presences(engine, org)
    with pytest.raises(RegistryError, match="close it and add another"):
        save(engine, org, version=version, change={int(held["id"].iloc[0]): {"sector": "HEA"}})
    with pytest.raises(RegistryError, match="not one of this organisation"):
        save(engine, org, version=version, close=[999_999])
    with pytest.raises(RegistryError, match="needs a sector"):
        save(engine, org, version=version, add=[NewPresence(sector=" ", area_code=None)])
    assert orgs.get(engine, org)["version"] == version
