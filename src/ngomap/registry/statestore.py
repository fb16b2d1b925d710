"""A copy of the registry's current state kept in the database, so that a new process does
not read 500,000 presences to show its first map.

``statecache`` keeps the state per process; a process that starts (a new app server, the
command line) has nothing kept and would read every open presence (seconds). So the
state's presence rows are also stored in the database, one copy per list (or for every
list): an Arrow IPC stream (string columns dictionary-encoded, zstd), with the changesets
it accounts for. A reader takes the stored copy as it would a kept one: only when every
changeset it accounts for is still there (the newest one written at the same time) and
then catches up from the changesets committed since, as read in its own consistent
transaction. A copy can therefore be old, never wrong: on PostgreSQL a changeset with a
lower id committed after the copy was written is simply one more to catch up from.

Copies are written by readers, after reading (``save``): in a transaction of their own,
only over an older copy, and never waiting long for a lock (another writer busy: the next
reader writes it). Only the state now is stored; a state "as of" a round or date is read
whole (``statecache``).
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    String,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from ngomap.registry.models import Base

EVERY_LIST: Final = "*"  # the scope of the state of every list
WAIT_MS: Final = 500  # at most this long for the lock to write a copy
Token = tuple[int, int, str]
_log = logging.getLogger(__name__)


class StoredState(Base):
    """The registry's state now (presence rows) for one list or all, as of some changesets."""

    __tablename__ = "state_snapshots"

    scope: Mapped[str] = mapped_column(String(210), primary_key=True)  # "*" or "=<list>"
    changesets: Mapped[int] = mapped_column(Integer)  # how many it accounts for
    newest: Mapped[int] = mapped_column(Integer)  # the newest one's id
    newest_at: Mapped[str] = mapped_column(String(64))  # and when it was written
    seen: Mapped[bytes] = mapped_column(LargeBinary)  # their ids: int64, zlib
    rows: Mapped[bytes] = mapped_column(LargeBinary)  # Arrow IPC stream, zstd
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Stored:
    """A stored copy, read back."""

    token: Token
    seen: frozenset[int]
    rows: pd.DataFrame


def scope_of(list_source: str | None) -> str:
    """The scope a state is stored under: every list, or one."""
    return EVERY_LIST if list_source is None else f"={list_source}"


def stored_count(connection: Connection, scope: str) -> int | None:
    """How many changesets the stored copy accounts for (None: no copy). Cheap."""
    found = connection.scalar(select(StoredState.changesets).where(StoredState.scope == scope))
    return None if found is None else int(found)


def load(connection: Connection, scope: str, *, columns: list[str]) -> Stored | None:
    """The stored copy, when there is one with these columns (another version of ngomap may
    have stored other columns: then it is not used)."""
    row = connection.execute(
        select(
            StoredState.changesets,
            StoredState.newest,
            StoredState.newest_at,
            StoredState.seen,
            StoredState.rows,
        ).where(StoredState.scope == scope)
    ).first()
    if row is None:
        return None
    rows = decode(bytes(row.rows))
    if list(rows.columns) != columns:
        return None
    seen = np.frombuffer(zlib.decompress(bytes(row.seen)), dtype="<i8")
    return Stored(
        token=(int(row.changesets), int(row.newest), str(row.newest_at)),
        seen=frozenset(int(i) for i in seen),
        rows=rows,
    )


def save(
    engine: Engine, scope: str, *, token: Token, seen: frozenset[int], rows: pd.DataFrame
) -> bool:
    """Store ``rows`` as the state after the changesets ``seen`` (``token``), unless a copy
    accounting for as many is there already. False when not written: a newer copy there, or
    another writer holding the lock (the next reader will write it)."""
    blob = encode(rows)
    ids = np.array(sorted(seen), dtype="<i8").tobytes()
    try:
        with engine.connect() as connection:
            connection.execution_options(ngomap_wait_ms=WAIT_MS)
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {WAIT_MS}")
                    connection.exec_driver_sql("LOCK TABLE state_snapshots IN EXCLUSIVE MODE")
                there = stored_count(connection, scope)
                if there is not None and there >= token[0]:
                    return False
                connection.execute(delete(StoredState).where(StoredState.scope == scope))
                connection.execute(
                    insert(StoredState).values(
                        scope=scope,
                        changesets=token[0],
                        newest=token[1],
                        newest_at=token[2],
                        seen=zlib.compress(ids),
                        rows=blob,
                        written_at=datetime.now(UTC),
                    )
                )
    except DBAPIError as exc:
        # The copy only saves time: another writer holding the lock (the next reader writes
        # it), or a database this process may read but not write, must not fail the read.
        if not _busy(exc):
            _log.warning("the registry's state was read but its copy not stored: %s", exc.orig)
        return False
    return True


def _busy(exc: DBAPIError) -> bool:
    """Whether the write failed for want of the lock (SQLite busy, PostgreSQL lock timeout)."""
    text = str(exc.orig).lower()
    return "database is locked" in text or "lock timeout" in text or "locknotavailable" in text


def encode(rows: pd.DataFrame) -> bytes:
    """A frame of text and number columns as an Arrow IPC stream: text dictionary-encoded
    (a few distinct values repeated over 500,000 rows), compressed with zstd."""
    table = pa.Table.from_pandas(rows, preserve_index=False)
    table = pa.table(
        {
            name: pc.dictionary_encode(column) if _is_text(column.type) else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )
    sink = pa.BufferOutputStream()
    options = ipc.IpcWriteOptions(compression="zstd")
    with ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def decode(blob: bytes) -> pd.DataFrame:
    """The frame ``encode`` stored, with its text columns as they were (large strings)."""
    table = ipc.open_stream(pa.py_buffer(blob)).read_all()
    table = pa.table(
        {
            name: column.cast(column.type.value_type)
            if pa.types.is_dictionary(column.type)
            else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )
    frame: pd.DataFrame = table.to_pandas()
    return frame


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))
