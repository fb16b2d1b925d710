"""Partners and funders read from rounds: links to organisations (found or created), funders
added, each with its round in the history; reverting the round takes them back."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, select

from ngomap import schema as s
from ngomap.advise import reminders
from ngomap.importer.threew import read_3w
from ngomap.registry import db, directory, feed, links, organisations, state
from ngomap.registry.models import Organisation
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init

HEADER = (
    "Nom,Sigle,Type d'organisation,Mode de présence,Partenaires,Bailleurs,Secteur,Code région\n"
    "#org+name,#org+acronym,#org+type,#org+presence,#org+impl,#org+funding,#sector,#adm1+code\n"
)
FIRST = (
    "Aide Sahel,AIS,ONG internationale,Via partenaires locaux,Jeunesse Active; AMAS,AFD,Santé,ML01",
    "Aide Sahel,AIS,ONG internationale,Via partenaires locaux,Jeunesse Active,AFD | ECHO,"
    "Éducation,ML02",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,AIS,Fonds propres,EHA,ML03",
    "Jardins du Fleuve,JDF,ONG nationale,Présence directe,,,Agriculture,ML05",
)
# The next quarter: the same partner in capitals, a funder more, Jardins du Fleuve with a
# partner that is a known organisation's name.
SECOND = (
    "Aide Sahel,AIS,ONG internationale,Via partenaires locaux,JEUNESSE ACTIVE,AFD; UNICEF,"
    "Santé,ML01",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,AIS,,EHA,ML03",
    "Jardins du Fleuve,JDF,ONG nationale,Via partenaires locaux,Eau Pour Tous,,Agriculture,ML05",
)


def _records(*rows: str, name: str) -> pd.DataFrame:
    records, report = read_3w((HEADER + "".join(f"{r}\n" for r in rows)).encode(), name=name)
    assert report.rows_rejected == 0, [p.message_en for p in report.problems]
    return records


def _info(name: str) -> RoundInfo:
    return RoundInfo(file_name=name, sha256="0" * 64, by="tester")


def _partners(engine: Engine, name: str, as_of: int | None = None) -> list[str]:
    found = links.partners(engine, organisations.find(engine, name), as_of=as_of)
    return sorted(found["partner"])


def _funders(engine: Engine, name: str) -> list[str]:
    return list(organisations.get(engine, organisations.find(engine, name))["funders"])


def test_a_round_links_partners_and_adds_funders(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, _records(*FIRST, name="q1.csv"), _info("q1.csv"))
    assert _partners(engine, "Aide Sahel") == ["AMAS", "Jeunesse Active"]
    assert _partners(engine, "Eau Pour Tous") == ["Aide Sahel"]  # by its acronym
    assert _partners(engine, "Jardins du Fleuve") == []
    assert _funders(engine, "Aide Sahel") == ["AFD", "ECHO"]
    assert _funders(engine, "Eau Pour Tous") == []  # own funds name no funder
    # The partners are organisations of the registry, created by the round, on no map.
    jeunesse = organisations.find(engine, "Jeunesse Active")
    found = links.partners(engine, organisations.find(engine, "Aide Sahel"))
    assert jeunesse in set(found["partner_id"])
    assert set(found["round"]) == {1}
    records = state.records(engine)
    assert "Jeunesse Active" not in set(records[s.ORG_NAME])
    assert set(records.loc[records[s.ORG_NAME] == "Aide Sahel", s.FUNDER]) == {"AFD", "AFD | ECHO"}
    # The history says which round added them.
    story = organisations.history(engine, "Aide Sahel")
    partners = story[story["field"] == links.PARTNERS].iloc[0]
    assert (partners["round"], partners["file"]) == (1, "q1.csv")
    assert (partners["before"], partners["after"]) == ([], ["Jeunesse Active", "AMAS"])
    funders = story[story["field"] == links.FUNDERS].iloc[0]
    assert (funders["before"], funders["after"]) == ([], ["AFD", "ECHO"])


def test_a_later_round_adds_what_is_new_only(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, _records(*FIRST, name="q1.csv"), _info("q1.csv"))
    with engine.connect() as connection:
        created = connection.scalar(select(Organisation.id).order_by(Organisation.id.desc()))
    apply_round(engine, _records(*SECOND, name="q2.csv"), _info("q2.csv"))
    with engine.connect() as connection:  # no organisation made for JEUNESSE ACTIVE
        assert connection.scalar(select(Organisation.id).order_by(Organisation.id.desc())) == (
            created
        )
    assert _partners(engine, "Aide Sahel") == ["AMAS", "Jeunesse Active"]  # none taken away
    assert _partners(engine, "Jardins du Fleuve") == ["Eau Pour Tous"]
    assert _funders(engine, "Aide Sahel") == ["AFD", "ECHO", "UNICEF"]
    story = organisations.history(engine, "Aide Sahel")
    assert list(story.loc[story["field"] == links.PARTNERS, "round"]) == [1]
    assert list(story.loc[story["field"] == links.FUNDERS, "round"]) == [1, 2]
    # As of the first round, Jardins du Fleuve had no partner yet.
    with engine.connect() as connection:
        first = state.changeset_at(connection, "R1")
    assert _partners(engine, "Jardins du Fleuve", as_of=first) == []


def test_reverting_rounds_takes_partners_and_funders_back(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, _records(*FIRST, name="q1.csv"), _info("q1.csv"))
    apply_round(engine, _records(*SECOND, name="q2.csv"), _info("q2.csv"))
    second = revert_round(engine, 2, by="tester")
    assert second.conflicts == []
    assert _funders(engine, "Aide Sahel") == ["AFD", "ECHO"]
    assert _partners(engine, "Jardins du Fleuve") == []
    first = revert_round(engine, 1, by="tester")
    assert first.conflicts == []
    assert _partners(engine, "Aide Sahel") == []
    assert _funders(engine, "Aide Sahel") == []
    with engine.connect() as connection:
        removed = connection.execute(
            select(Organisation.name).where(Organisation.removed_in.is_not(None))
        ).scalars()
        assert {"Jeunesse Active", "AMAS"} <= set(removed)
    story = organisations.history(engine, "Aide Sahel")
    back = story[(story["field"] == links.PARTNERS) & (story["kind"] == "revert")]
    assert list(back["after"]) == [[]]


def test_partners_known_only_as_partners_are_not_entries_of_the_list(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, _records(*FIRST, name="q1.csv"), _info("q1.csv"))
    listed = {"Aide Sahel", "Eau Pour Tous", "Jardins du Fleuve"}
    # The directory and the feed list the organisations with presences, not their partners...
    assert set(directory.build(engine).table["name"]) == listed
    assert {o["name"] for o in feed.snapshot(engine).organisations} == listed
    # ...reminders go to entries of the list only (every one is due: none was confirmed)...
    due = reminders.due(engine, months=1, today=date(2030, 1, 1))
    assert set(due["name"]) == listed
    # ...and a partner may still ask to be listed from its name (the request form's view).
    everyone = {o["name"] for o in feed.snapshot(engine, listed_only=False).organisations}
    assert everyone == listed | {"AMAS", "Jeunesse Active"}
    # Once it has a presence of its own, a partner is an entry like any other.
    apply_round(
        engine,
        _records(*FIRST, "AMAS,AMAS,ONG nationale,Présence directe,,,Santé,ML04", name="q2.csv"),
        _info("q2.csv"),
    )
    assert "AMAS" in set(directory.build(engine).table["name"])
