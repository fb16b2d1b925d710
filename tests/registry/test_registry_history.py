"""An organisation's history lists every presence it had: added by the changeset that opened
it, withdrawn by the one that closed it (rounds, a revert), with the changeset's round."""

from __future__ import annotations

from registry_helpers import FIRST, SECOND, three_w
from sqlalchemy import select

from ngomap.registry import db, organisations
from ngomap.registry.models import Presence
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init


def test_presences_added_and_withdrawn_each_with_its_changeset(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), RoundInfo(file_name="q1.csv", sha256="0" * 64))
    apply_round(engine, three_w(*SECOND), RoundInfo(file_name="q2.csv", sha256="1" * 64))
    revert_round(engine, 2, by="tester")
    org = organisations.find(engine, "Eau Pour Tous")
    with engine.connect() as connection:
        presences = connection.execute(
            select(Presence.area_code, Presence.opened_in, Presence.closed_in).where(
                Presence.organisation_id == org
            )
        ).all()
    expected = sorted(
        [("presence added", p.opened_in, p.area_code) for p in presences]
        + [("presence withdrawn", p.closed_in, p.area_code) for p in presences if p.closed_in]
    )
    history = organisations.history(engine, org)
    events = history.loc[history["what"] != "field"]
    got = sorted(
        (str(what), int(changeset), str(after).split()[1])
        for what, changeset, after in zip(
            events["what"], events["changeset"], events["after"], strict=True
        )
    )
    assert got == expected
    # Added in the first round, withdrawn by the second (ML04), back with the revert.
    assert ("presence withdrawn", 2, "ML04") in got
    assert sum(1 for what, _, area in got if what == "presence added" and area == "ML04") == 2
    files = dict(zip(events["changeset"], events["file"], strict=False))
    assert files[1] == "q1.csv"
    assert files[2] == "q2.csv"
    assert list(history["changeset"]) == sorted(history["changeset"])
