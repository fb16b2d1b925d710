"""SQLite: a reader takes no lock (a long read never keeps a writer waiting), a writer takes the
write lock when it begins (two writers that read first never fail on each other), and a
reader cannot write."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import OperationalError

from ngomap.registry import db
from ngomap.registry.models import Changeset
from ngomap.registry.setup import init


def _engine(tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'locks.sqlite'}"
    init(url, empty=True)
    return db.engine_for(url)


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Changeset)) or 0)


def _new_changeset(engine: Engine, by: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(Changeset).values(
                kind="edit", at=datetime.now(UTC), effective=date(2025, 1, 1), by=by
            )
        )


def test_a_long_reader_does_not_keep_a_writer_waiting(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    before = _count(engine)
    reader = engine.connect()
    try:
        # A read transaction stays open (as a slow read of the whole state would).
        assert reader.scalar(select(func.count()).select_from(Changeset)) == before
        writer = threading.Thread(target=_new_changeset, args=(engine, "writer"))
        writer.start()
        writer.join(timeout=10)  # waiting for a lock would take busy_timeout: 30 s
        assert not writer.is_alive(), "the writer waited for the reader"
        # The reader still sees its own snapshot; a new reader sees the write.
        assert reader.scalar(select(func.count()).select_from(Changeset)) == before
        assert _count(engine) == before + 1
    finally:
        reader.close()
        writer.join()


def test_a_reader_is_not_kept_waiting_by_a_writer(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    before = _count(engine)
    with engine.begin() as writing:
        writing.execute(
            insert(Changeset).values(
                kind="edit", at=datetime.now(UTC), effective=date(2025, 1, 1), by="w"
            )
        )
        seen: list[int] = []
        reader = threading.Thread(target=lambda: seen.append(_count(engine)))
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "the reader waited for the writer"
        assert seen == [before]  # what was committed, not the write in progress
    assert _count(engine) == before + 1


def test_two_writers_that_read_first_both_succeed_one_after_the_other(tmp_path: Path) -> None:
    """Begun deferred, the second writer would read, then fail to upgrade to a writer once
    the first committed ("database is locked"): begun immediate, it waits, then reads what
    the first wrote."""
    engine = _engine(tmp_path)
    before = _count(engine)
    first_read = threading.Event()
    counts: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with engine.begin() as connection:
                counts["first"] = int(
                    connection.scalar(select(func.count()).select_from(Changeset)) or 0
                )
                first_read.set()
                threading.Event().wait(0.5)  # the second writer starts meanwhile
                connection.execute(
                    insert(Changeset).values(
                        kind="edit", at=datetime.now(UTC), effective=date(2025, 1, 1), by="1"
                    )
                )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
            first_read.set()

    def second() -> None:
        try:
            with engine.begin() as connection:
                counts["second"] = int(
                    connection.scalar(select(func.count()).select_from(Changeset)) or 0
                )
                connection.execute(
                    insert(Changeset).values(
                        kind="edit", at=datetime.now(UTC), effective=date(2025, 1, 1), by="2"
                    )
                )
        except BaseException as exc:
            errors.append(exc)

    one = threading.Thread(target=first)
    one.start()
    assert first_read.wait(timeout=20)
    two = threading.Thread(target=second)
    two.start()
    one.join(timeout=30)
    two.join(timeout=30)
    assert errors == []
    assert counts == {"first": before, "second": before + 1}
    assert _count(engine) == before + 2


def test_a_reader_cannot_write(tmp_path: Path) -> None:
    """A write on ``engine.connect()`` would be a deferred writer: refused, to be made in
    ``engine.begin()``."""
    engine = _engine(tmp_path)
    before = _count(engine)
    with engine.connect() as connection:
        connection.scalar(select(func.count()).select_from(Changeset))
        with pytest.raises(OperationalError, match="readonly"):
            connection.execute(
                insert(Changeset).values(
                    kind="edit", at=datetime.now(UTC), effective=date(2025, 1, 1), by="r"
                )
            )
        connection.rollback()
        with connection.begin():  # asked for: a writer
            connection.execute(
                insert(Changeset).values(
                    kind="edit", at=datetime.now(UTC), effective=date(2025, 1, 1), by="w"
                )
            )
    assert _count(engine) == before + 1
