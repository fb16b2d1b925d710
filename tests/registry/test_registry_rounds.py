"""Import as a round: compare, apply in one transaction, revert, diff, as of a round or date."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from registry_helpers import FIRST, SECOND, three_w
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap.registry import db, state
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import RoundInfo, apply_round, compare_file, diff, revert_round
from ngomap.registry.setup import init


def _info(name: str, day: date | None = None, source: str = "main") -> RoundInfo:
    return RoundInfo(file_name=name, sha256="0" * 64, data_date=day, by="tester", source=source)


def _empty(db_url: str) -> Engine:
    init(db_url, empty=True)
    return db.engine_for(db_url)


def _snapshot(engine: Engine, **kwargs: object) -> pd.DataFrame:
    records = state.records(engine, **kwargs)  # type: ignore[arg-type]
    order = [s.ORG_KEY, s.SECTOR, s.AREA_CODE, s.START]
    return records.sort_values(order).reset_index(drop=True).astype(object).fillna("")


def test_first_round_is_all_new(db_url: str) -> None:
    engine = _empty(db_url)
    records = three_w(*FIRST)
    comparison = compare_file(engine, records)
    assert comparison.organisations_new == ["Aide Sahel", "Eau Pour Tous", "Jardins du Fleuve"]
    assert comparison.presences_new == 5
    assert comparison.round is None
    assert state.records(engine).empty  # comparing writes nothing
    applied = apply_round(engine, records, _info("q1.csv"))
    assert applied.round == 1
    assert len(state.records(engine)) == 5
    again = compare_file(engine, records)  # the same file again: nothing to do
    assert again.organisations_new == []
    assert again.presences_new == again.presences_withdrawn == again.presences_changed == 0
    assert again.presences_unchanged == 5


def test_second_round_says_what_changed(db_url: str) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    comparison = compare_file(engine, three_w(*SECOND))
    found = comparison.as_dict()
    assert found["organisations_new"] == [
        "Eaux Pour Tous",
        "Jardins Fleuve Niger",
        "Nouveaux Horizons",
    ]
    assert found["organisations_absent"] == ["Jardins du Fleuve"]
    ambiguous = {a.name: a for a in comparison.organisations_ambiguous}
    assert set(ambiguous) == {"Eaux Pour Tous", "Jardins Fleuve Niger"}
    assert [c.name for c in ambiguous["Eaux Pour Tous"].candidates] == ["Eau Pour Tous"]
    assert ambiguous["Eaux Pour Tous"].candidates[0].why == "spelling"
    assert ambiguous["Jardins Fleuve Niger"].candidates[0].why == "acronym"
    assert [(c.name, c.field, c.after) for c in comparison.organisations_changed] == [
        ("Aide Sahel", "org_type", "NNGO")
    ]
    # ML04 and Jardins du Fleuve's ML05 withdrawn; EPT's ML03 mode changed; AIS health's end
    # date updated; AIS education unchanged; three new presences.
    assert (found["presences_new"], found["presences_withdrawn"]) == (3, 2)
    assert (found["presences_changed"], found["presences_updated"]) == (1, 1)
    assert found["presences_unchanged"] == 1
    by_area = comparison.by_area.set_index(["area", "sector"])
    assert by_area.loc[("ML04", "WSH"), "departures"] == 1
    assert by_area.loc[("ML06", "HEA"), "arrivals"] == 1


def test_apply_keeps_the_round_and_reads_it_back(db_url: str) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv", date(2024, 3, 31)))
    second = three_w(*SECOND)
    applied = apply_round(engine, second, _info("q2.csv", date(2024, 6, 30)))
    assert applied.round == 2
    now = _snapshot(engine)
    assert len(now) == len(second)
    assert set(now[s.ORG_NAME]) == set(second[s.ORG_NAME])
    assert set(now.loc[now[s.ORG_NAME] == "Aide Sahel", s.ORG_TYPE]) == {"NNGO"}
    rounds = state.rounds_frame(engine)
    assert rounds["file_name"].tolist() == ["q1.csv", "q2.csv"]
    # As of the first round, by its id or by a date: the first file's records.
    first = _snapshot(engine, as_of="R1")
    assert len(first) == 5
    assert set(first.loc[first[s.ORG_NAME] == "Aide Sahel", s.ORG_TYPE]) == {"INGO"}
    pd.testing.assert_frame_equal(_snapshot(engine, as_of=date(2024, 4, 1)), first)
    pd.testing.assert_frame_equal(_snapshot(engine, as_of="2024-03-31"), first)
    assert _snapshot(engine, as_of=date(2023, 1, 1)).empty


def test_diff_of_two_rounds_matches_the_import(db_url: str) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv", date(2024, 3, 31)))
    applied = apply_round(engine, three_w(*SECOND), _info("q2.csv", date(2024, 6, 30)))
    between = diff(engine, "R1", "R2").as_dict()
    imported = applied.as_dict()
    for field in (
        "organisations_new",
        "organisations_absent",
        "presences_new",
        "presences_withdrawn",
        "presences_changed",
        "presences_updated",
    ):
        assert between[field] == imported[field], field
    assert between["organisations_changed"][0]["before"] == "INGO"
    assert diff(engine, "2024-04-01", None).as_dict()["presences_new"] == 3
    back = diff(engine, "R2", "R1").as_dict()
    assert (back["presences_new"], back["presences_withdrawn"]) == (2, 3)
    with pytest.raises(RegistryError, match="no round 9"):
        diff(engine, "R9", None)
    with pytest.raises(RegistryError, match="neither a round"):
        diff(engine, "last week", None)


def test_revert_a_round_puts_everything_back(db_url: str) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    before = _snapshot(engine)
    apply_round(engine, three_w(*SECOND), _info("q2.csv"))
    reverted = revert_round(engine, 2, by="tester")
    assert reverted.conflicts == []
    assert reverted.fields_restored == 1  # Aide Sahel's type
    pd.testing.assert_frame_equal(_snapshot(engine), before)
    assert state.rounds_frame(engine)["reverted"].tolist() == [False, True]
    # The organisations the round created are gone: the next import finds them new again.
    assert compare_file(engine, three_w(*SECOND)).organisations_new == [
        "Eaux Pour Tous",
        "Jardins Fleuve Niger",
        "Nouveaux Horizons",
    ]
    with pytest.raises(RegistryError, match="already reverted"):
        revert_round(engine, 2)
    with pytest.raises(RegistryError, match="no round 7"):
        revert_round(engine, 7)


def test_decisions_make_a_spelling_the_same_organisation(db_url: str) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    known = state.records(engine)
    ept = known.loc[known[s.ORG_NAME] == "Eau Pour Tous", s.ORG_KEY].iloc[0]
    with engine.connect() as connection:
        ept_id = connection.exec_driver_sql(
            f"SELECT id FROM organisations WHERE key = '{ept}'"
        ).scalar()
    applied = apply_round(
        engine,
        three_w(*SECOND),
        _info("q2.csv"),
        decisions={"Eaux Pour Tous": ept_id, "Jardins Fleuve Niger": None},
    )
    assert "Eaux Pour Tous" not in applied.organisations_new
    assert applied.organisations_ambiguous == []
    now = state.records(engine)
    assert set(now.loc[now[s.AREA_CODE] == "ML07", s.ORG_NAME]) == {"Eau Pour Tous"}
    # The spelling is now an alias: the next file with it matches at once.
    later = compare_file(engine, three_w("Eaux Pour Tous,,,Présence directe,EHA,ML07,,"))
    assert later.organisations_new == []


def test_lists_are_separate(db_url: str) -> None:
    """A round of one list (OCHA's 3W) withdraws nothing from another (the embassy's)."""
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("embassy.csv"))
    ocha = apply_round(engine, three_w(SECOND[3]), _info("ocha.csv", source="ocha"))
    assert ocha.presences_withdrawn == 0
    assert ocha.organisations_absent == []
    assert len(state.records(engine)) == 6
    assert len(state.records(engine, list_source="ocha")) == 1


def test_records_without_keys_are_refused(db_url: str) -> None:
    engine = _empty(db_url)
    with pytest.raises(RegistryError, match="org_key"):
        compare_file(engine, pd.DataFrame({s.ORG_NAME: ["A"], s.SECTOR: ["HEA"]}))


_CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from registry_helpers import three_w
    from ngomap.registry import db
    from ngomap.registry.rounds import RoundInfo, apply_round

    rows = [
        f"Org {{i}},O{{i}},ONG internationale,Présence directe,Santé,ML0{{1 + i % 9}},,"
        for i in range(2000)
    ]
    records = three_w(*rows)

    def progress(fraction, step):
        if step == "presences" and fraction > 0.6:  # organisations written, presences next
            print("inside", flush=True)
            time.sleep(120)

    apply_round(db.engine_for({url!r}), records, RoundInfo(file_name="big.csv", sha256="0" * 64),
                progress=progress)
    """
)


def test_kill_9_during_apply_leaves_the_registry_as_it_was(db_url: str) -> None:
    engine = _empty(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    before = _snapshot(engine)
    tests = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD.format(tests=tests, url=db_url)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "inside"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    pd.testing.assert_frame_equal(_snapshot(engine), before)
    assert state.rounds_frame(engine)["file_name"].tolist() == ["q1.csv"]
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM organisations").scalar()
    assert count == 3
    # And the registry still takes rounds after it (PostgreSQL may skip the id it had used).
    assert apply_round(engine, three_w(*SECOND), _info("q2.csv")).round is not None
    assert state.rounds_frame(engine)["file_name"].tolist() == ["q1.csv", "q2.csv"]
