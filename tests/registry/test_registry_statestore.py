"""The stored copy of the state: a new process starts from it instead of reading every
presence, and catches up from what was committed since; it is never taken for what it is
not (another process's commit, a revert, a late commit on PostgreSQL, another database,
other columns, a past state)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from registry_helpers import FIRST, SECOND, three_w
from sqlalchemy import Engine, delete, insert, select, update

from ngomap import schema as s
from ngomap.registry import db, organisations, state, statecache, statestore
from ngomap.registry.models import Changeset, Presence
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init

ORDER = [s.ORG_KEY, s.SECTOR, s.AREA_CODE, s.START, s.ROW]


def _info(name: str) -> RoundInfo:
    return RoundInfo(file_name=name, sha256="0" * 64, by="tester")


def _fresh(engine: Engine, **kwargs: object) -> pd.DataFrame:
    with engine.connect() as connection:
        return state.records(connection, **kwargs)  # type: ignore[arg-type]


def _same(got: pd.DataFrame, fresh: pd.DataFrame) -> None:
    assert list(got.columns) == list(fresh.columns)
    pd.testing.assert_frame_equal(
        got.sort_values(ORDER).reset_index(drop=True),
        fresh.sort_values(ORDER).reset_index(drop=True),
    )


def _new_process_read(engine: Engine, **kwargs: object) -> tuple[pd.DataFrame, str]:
    """A read as a process that has kept nothing would make it."""
    statecache.forget()
    frame = state.records(engine, **kwargs)  # type: ignore[arg-type]
    return frame, statecache.last_read["how"]


def _registry(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    return engine


def test_the_first_read_stores_the_state_and_another_process_starts_from_it(
    db_url: str, tmp_path: Path
) -> None:
    engine = _registry(db_url)
    first, how = _new_process_read(engine)
    assert how == "read"
    assert statecache.last_read["stored"] == "written"
    script = textwrap.dedent(
        f"""
        import json
        from ngomap.registry import db, state, statecache
        frame = state.records(db.engine_for({db_url!r}))
        print(json.dumps([statecache.last_read["how"], sorted(frame["org_key"].unique())]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        timeout=120,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    how, keys = json.loads(done.stdout.strip().splitlines()[-1])
    assert how == "stored"
    assert keys == sorted(first[s.ORG_KEY].unique())
    again, how = _new_process_read(engine)
    assert how == "stored"
    assert "stored" not in statecache.last_read  # up to date: not written again
    _same(again, first)
    _same(again, _fresh(engine))


def test_a_round_and_its_revert_after_the_copy_are_caught_up(db_url: str) -> None:
    engine = _registry(db_url)
    first, _ = _new_process_read(engine)
    second = apply_round(engine, three_w(*SECOND), _info("q2.csv"))
    after, how = _new_process_read(engine)
    assert how == "stored, caught up"
    _same(after, _fresh(engine))
    assert "nouveaux horizons" in set(after[s.ORG_KEY])
    assert "jardins du fleuve" not in set(after[s.ORG_KEY])
    assert second.round is not None
    revert_round(engine, second.round, by="tester")
    back, how = _new_process_read(engine)
    assert how == "stored, caught up"
    _same(back, first)


def test_an_edit_of_an_organisation_after_the_copy_is_seen(db_url: str) -> None:
    engine = _registry(db_url)
    _new_process_read(engine)
    org = organisations.find(engine, "Aide Sahel")
    version = organisations.get(engine, org)["version"]
    organisations.edit(engine, org, version=version, changes={"name": "Aide au Sahel"}, by="t")
    after, how = _new_process_read(engine)
    assert how == "stored, caught up"
    assert "Aide au Sahel" in set(after[s.ORG_NAME])
    assert "Aide Sahel" not in set(after[s.ORG_NAME])


def test_the_copy_is_written_again_once_far_behind_never_over_a_newer_one(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _registry(db_url)
    _new_process_read(engine)
    with engine.connect() as connection:
        old = statestore.stored_count(connection, statestore.EVERY_LIST)
    monkeypatch.setattr(statecache, "STORE_AFTER", 2)
    apply_round(engine, three_w(*SECOND), _info("q2.csv"))
    _, how = _new_process_read(engine)
    assert how == "stored, caught up"
    assert "stored" not in statecache.last_read  # one behind: not worth writing yet
    revert_round(engine, 2, by="tester")
    after, how = _new_process_read(engine)
    assert how == "stored, caught up"
    assert statecache.last_read["stored"] == "written"
    with engine.connect() as connection:
        newer = statestore.stored_count(connection, statestore.EVERY_LIST)
        copy = statestore.load(connection, statestore.EVERY_LIST, columns=statecache._ROW_COLUMNS)
    assert old is not None
    assert newer == old + 2
    assert copy is not None
    # An older state (a slow reader finishing late) does not replace it.
    assert not statestore.save(
        engine, statestore.EVERY_LIST, token=(old, 1, ""), seen=frozenset(), rows=copy.rows
    )
    _, how = _new_process_read(engine)
    assert how == "stored"
    _same(after, _fresh(engine))


def test_a_past_state_and_one_list_are_not_taken_from_the_copy_of_all(db_url: str) -> None:
    engine = _registry(db_url)
    apply_round(engine, three_w(*SECOND), _info("q2.csv"))
    _new_process_read(engine)
    then, how = _new_process_read(engine, as_of="R1")
    assert how == "read"
    _same(then, _fresh(engine, as_of="R1"))
    one, how = _new_process_read(engine, list_source="other list")
    assert how == "read"  # its own copy, written now
    assert one.empty
    _, how = _new_process_read(engine, list_source="other list")
    assert how == "stored"
    every, how = _new_process_read(engine)
    assert how == "stored"
    assert not every.empty


def test_a_database_made_again_or_a_copy_of_other_columns_is_not_used(db_url: str) -> None:
    engine = _registry(db_url)
    first, _ = _new_process_read(engine)
    # Another version of ngomap stored other columns: read whole (and stored again).
    with engine.connect() as connection:
        copy = statestore.load(connection, statestore.EVERY_LIST, columns=statecache._ROW_COLUMNS)
        now = statecache.token(connection)
    assert copy is not None
    with engine.begin() as connection:
        connection.execute(delete(statestore.StoredState))
    assert statestore.save(
        engine,
        statestore.EVERY_LIST,
        token=now,
        seen=copy.seen,
        rows=copy.rows.drop(columns=["funder"]),
    )
    again, how = _new_process_read(engine)
    assert how == "read"
    _same(again, first)
    # The newest changeset it accounts for is not the one written then: not this registry.
    with engine.begin() as connection:
        connection.execute(
            update(Changeset)
            .where(Changeset.id == now[1])
            .values(at=datetime(2001, 1, 1, tzinfo=UTC))
        )
    again, how = _new_process_read(engine)
    assert how == "read"
    _same(again, first)


def test_a_late_commit_of_a_lower_changeset_after_the_copy_is_caught_up(
    postgres_cluster: object,
) -> None:
    """A writer that took changeset id N commits after the copy was stored with N+1: the copy
    does not account for N, the next reader catches up from it."""
    from ngomap.registry.throwaway import Cluster

    assert isinstance(postgres_cluster, Cluster)
    engine = _registry(postgres_cluster.new_database())
    org = organisations.find(engine, "Jardins du Fleuve")
    slow = engine.connect()
    try:
        with slow.begin():
            low = slow.scalar(
                insert(Changeset)
                .values(
                    kind="edit", at=datetime.now(UTC), effective=datetime.now(UTC).date(), by="slow"
                )
                .returning(Changeset.id)
            )
            slow.execute(
                insert(Presence).values(
                    organisation_id=org,
                    list_source="main",
                    sector="LOG",
                    area_code="ML09",
                    area_level="adm1",
                    adm1_code="ML09",
                    national=False,
                    origin="edit",
                    opened_in=low,
                )
            )
            aide = organisations.find(engine, "Aide Sahel")
            version = organisations.get(engine, aide)["version"]
            organisations.edit(engine, aide, version=version, changes={"acronym": "AS"}, by="t")
            during, how = _new_process_read(engine)
            assert how == "read"
            assert statecache.last_read["stored"] == "written"
            assert "LOG" not in set(during[s.SECTOR])
            with engine.connect() as check:
                newest = check.scalar(select(Changeset.id).order_by(Changeset.id.desc()).limit(1))
            assert newest is not None
            assert low is not None
            assert newest > low
        after, how = _new_process_read(engine)  # the slow writer has committed
    finally:
        slow.close()
    assert how == "stored, caught up"
    assert "LOG" in set(after[s.SECTOR])
    _same(after, _fresh(engine))


def test_a_reader_does_not_wait_long_for_the_lock_to_store_its_copy(tmp_path: Path) -> None:
    """SQLite: another writer holds the lock; the reader reads, gives up storing its copy
    after half a second (the next reader stores it) instead of waiting for the writer."""
    engine = _registry(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    with engine.begin() as writing:
        writing.execute(
            update(Changeset).where(Changeset.id == 1).values(note="a long write in progress")
        )
        frame, how = _new_process_read(engine)
        assert how == "read"
        assert statecache.last_read["stored"] == "not written"
        assert len(frame) == 5
    _, how = _new_process_read(engine)
    assert how == "read"
    assert statecache.last_read["stored"] == "written"
    _, how = _new_process_read(engine)
    assert how == "stored"
