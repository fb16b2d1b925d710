"""The state kept in a process: served while nothing is committed, never stale after a commit,
whoever commits (another engine, another process, a late commit on PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from registry_helpers import FIRST, SECOND, three_w
from sqlalchemy import Engine, create_engine, insert, select

from ngomap import schema as s
from ngomap.registry import db, organisations, state, statecache
from ngomap.registry.models import Changeset, Organisation, Presence
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init

ORDER = [s.ORG_KEY, s.SECTOR, s.AREA_CODE, s.START, s.ROW]


def _info(name: str) -> RoundInfo:
    return RoundInfo(file_name=name, sha256="0" * 64, by="tester")


def _fresh(engine: Engine, **kwargs: object) -> pd.DataFrame:
    """The state read afresh on a connection of its own, bypassing what is kept."""
    with engine.connect() as connection:
        return state.records(connection, **kwargs)  # type: ignore[arg-type]


def _same(kept: pd.DataFrame, fresh: pd.DataFrame) -> None:
    assert list(kept.columns) == list(fresh.columns)
    pd.testing.assert_frame_equal(
        kept.sort_values(ORDER).reset_index(drop=True),
        fresh.sort_values(ORDER).reset_index(drop=True),
    )


def _read(engine: Engine, **kwargs: object) -> tuple[pd.DataFrame, str]:
    frame = state.records(engine, **kwargs)  # type: ignore[arg-type]
    return frame, statecache.last_read["how"]


def test_kept_until_a_commit_then_caught_up(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    first, how = _read(engine)
    assert how == "read"
    again, how = _read(engine)
    assert how == "kept"
    _same(again, first)
    # A second round by another engine on the same database (another pool, other connections).
    other = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        second = apply_round(other, three_w(*SECOND), _info("q2.csv"))
    finally:
        other.dispose()
    after, how = _read(engine)
    assert how == "caught up"
    _same(after, _fresh(engine))
    assert "nouveaux horizons" in set(after[s.ORG_KEY])
    assert "jardins du fleuve" not in set(after[s.ORG_KEY])
    # Reverted: back to the first state exactly, caught up again.
    assert second.round is not None
    revert_round(engine, second.round, by="tester")
    back, how = _read(engine)
    assert how == "caught up"
    _same(back, first)


def test_an_edit_of_an_organisation_only_is_seen(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    state.records(engine)
    org = organisations.find(engine, "Aide Sahel")
    version = organisations.get(engine, org)["version"]
    organisations.edit(engine, org, version=version, changes={"name": "Aide au Sahel"}, by="t")
    after, how = _read(engine)
    assert how == "caught up"
    assert "Aide au Sahel" in set(after[s.ORG_NAME])
    assert "Aide Sahel" not in set(after[s.ORG_NAME])
    _same(after, _fresh(engine))


def test_a_commit_from_another_process_is_seen(db_url: str, tmp_path: Path) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    before, _ = _read(engine)
    assert len(before) == 5
    script = textwrap.dedent(
        f"""
        from ngomap.registry import db
        from ngomap.registry.rounds import revert_round
        revert_round(db.engine_for({db_url!r}), 1, by="elsewhere")
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120, cwd=tmp_path)
    after, how = _read(engine)
    assert how == "caught up"
    assert after.empty
    assert _fresh(engine).empty


def test_what_a_caller_changes_stays_with_the_caller(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    mine = state.records(engine)
    mine[s.ORG_NAME] = "changed"
    mine.loc[0, s.SECTOR] = "XXX"
    again, how = _read(engine)
    assert how == "kept"
    assert "changed" not in set(again[s.ORG_NAME])
    assert "XXX" not in set(again[s.SECTOR])


def test_a_database_made_again_under_the_same_url_is_not_mistaken(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'again.sqlite'}"
    init(url, empty=True)
    engine = db.engine_for(url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    assert len(state.records(engine)) == 5
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp_path / 'again.sqlite'}{suffix}").unlink(missing_ok=True)
    init(url, empty=True)
    apply_round(engine, three_w(FIRST[0]), _info("other.csv"))  # the same ids again
    after, how = _read(engine)
    assert how == "read"
    assert len(after) == 1


def test_as_of_is_kept_and_read_again_after_a_commit(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
    apply_round(engine, three_w(*SECOND), _info("q2.csv"))
    then, how = _read(engine, as_of="R1")
    assert how == "read"
    _same(then, _fresh(engine, as_of="R1"))
    _, how = _read(engine, as_of="R1")
    assert how == "kept"
    revert_round(engine, 2, by="tester")
    again, how = _read(engine, as_of="R1")
    assert how == "read"
    _same(again, then)


def test_a_late_commit_of_a_lower_changeset_is_seen(postgres_cluster: object) -> None:
    """PostgreSQL hands out ids when a writer starts, not when it commits: a writer that took
    id N and commits after the writer of N+1 must still be seen (the count changes)."""
    from ngomap.registry.throwaway import Cluster

    assert isinstance(postgres_cluster, Cluster)
    url = postgres_cluster.new_database()
    init(url, empty=True)
    engine = db.engine_for(url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv"))
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
            # Meanwhile another writer commits a higher changeset.
            aide = organisations.find(engine, "Aide Sahel")
            version = organisations.get(engine, aide)["version"]
            organisations.edit(engine, aide, version=version, changes={"acronym": "AS"}, by="t")
            during, _ = _read(engine)
            assert "LOG" not in set(during[s.SECTOR])
            with engine.connect() as check:
                newest = check.scalar(select(Changeset.id).order_by(Changeset.id.desc()).limit(1))
            assert newest is not None
            assert low is not None
            assert newest > low
        after, how = _read(engine)  # the slow writer has committed
    finally:
        slow.close()
    assert how == "caught up"
    assert "LOG" in set(after[s.SECTOR])
    _same(after, _fresh(engine))
    with engine.connect() as check:
        assert check.scalar(select(Organisation.acronym).where(Organisation.id == aide)) == "AS"
