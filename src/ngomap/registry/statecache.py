"""The registry's state kept in this process, never stale: keyed by what has been committed.

The page asks for the state on every rerun; reading 500,000 presences each time would take
seconds. A kept state is valid while the registry's changesets are the same, told by a
token read with the state in one transaction: how many changesets there are, the newest
one's id and when it was written. Every write to the registry is a changeset and
presences are never updated in place (only opened and closed), so:

- same token: nothing was committed since, the kept frame is returned (milliseconds);
- another token, for the state now: only the presences opened or closed by the changesets
  not seen yet are read, and set against the kept rows by presence id; the organisations
  (a few thousand rows) are read again;
- another token, for a past state (``as_of``): it is read again whole.

A process that has kept nothing yet (it has just started) takes the copy of the state now
stored in the database (``statestore``) as it would a kept one, and catches up from the
changesets committed since; it writes the copy again when it is missing or
``STORE_AFTER`` changesets behind. Only a registry never read before is read whole.

The count is in the token because on PostgreSQL two writers may commit their changesets
out of order (the lower id last): the newest id alone would not change, the count does.
The time is there because a database dropped and created again under the same URL starts
its ids again. Kept frames are shared between callers: pandas' copy-on-write gives each
caller its own copy of what it changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Final, Protocol

import pandas as pd
from sqlalchemy import Connection, Engine, Executable, bindparam, func, or_, select, text

from ngomap.registry import state, statestore
from ngomap.registry.models import Changeset, Presence

KEPT: Final = 4  # states kept per process (the current one, a few "as of")
CATCH_UP_AT_MOST: Final = 200  # more new changesets than this: the state is read again whole
STORE_AFTER: Final = 8  # the stored copy is written again once this many changesets behind
Token = statestore.Token
# The columns of presences_query's rows (what a stored copy must hold to be used).
_ROW_COLUMNS: Final = ["id", state.ORGANISATION_ID, *state.PRESENCE_COLUMNS]


class _Rows(Protocol):
    """Presence rows as of some changesets: kept in this process, or stored."""

    @property
    def token(self) -> Token: ...
    @property
    def seen(self) -> frozenset[int]: ...  # the changeset ids the rows account for
    @property
    def rows(self) -> pd.DataFrame: ...  # presences_query's rows, by presence id


@dataclass(frozen=True)
class _Kept:
    token: Token
    seen: frozenset[int]
    rows: pd.DataFrame
    records: pd.DataFrame


_kept: OrderedDict[tuple[str, str | None, int | None], _Kept] = OrderedDict()
_lock = threading.Lock()
# How each read was served, for tests and benchmarks ("how": "kept", "caught up", "stored",
# "stored, caught up" or "read"; "stored": whether the stored copy was written after it).
last_read: dict[str, str] = {}


def token(connection: Connection) -> Token:
    """What identifies the committed state: changeset count, newest id, its time."""
    count = int(connection.scalar(select(func.count()).select_from(Changeset)) or 0)
    newest = connection.execute(
        select(Changeset.id, Changeset.at).order_by(Changeset.id.desc()).limit(1)
    ).first()
    if newest is None:
        return (0, 0, "")
    return (count, int(newest[0]), str(newest[1]))


def forget() -> None:
    """Drop every kept state (a test's clean start; memory)."""
    with _lock:
        _kept.clear()


def _consistent(engine: Engine) -> Connection:
    """A connection whose reads all see one snapshot (SQLite: a transaction already is)."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def records(
    engine: Engine, *, as_of: int | str | date | None = None, list_source: str | None = None
) -> pd.DataFrame:
    """``state.records`` for an engine, kept while no changeset is committed."""
    stored_lag: int | None = None
    last_read.pop("stored", None)
    with _consistent(engine) as connection:
        changeset = None if as_of is None else state.changeset_at(connection, as_of)
        key = (engine.url.render_as_string(hide_password=False), list_source, changeset)
        now = token(connection)
        with _lock:
            kept = _kept.get(key)
            if kept is not None:
                _kept.move_to_end(key)
        if kept is not None and kept.token == now:
            last_read["how"] = "kept"
            return kept.records.copy(deep=False)
        seen = _seen(connection)
        base: _Rows | None = None
        if changeset is None:  # the state now: from what is kept, else from the stored copy
            if kept is not None and _can_catch_up(connection, kept, seen):
                base, how = kept, "caught up"
            scope = statestore.scope_of(list_source)
            stored = statestore.stored_count(connection, scope)
            stored_lag = len(seen) - stored if stored is not None else None
            if base is None and stored is not None:
                copy = statestore.load(connection, scope, columns=_ROW_COLUMNS)
                if copy is not None and _can_catch_up(connection, copy, seen):
                    base, how = copy, "stored" if copy.token == now else "stored, caught up"
        if base is not None:
            rows = _catch_up(connection, base, seen - base.seen, list_source)
        else:
            rows = state.fast_frame(
                connection,
                state.presences_query(changeset, list_source),
                types=state.PRESENCE_TYPES,
            )
            how = "read"
        last_read["how"] = how
        built = state.as_records(rows, state.organisations_at(connection, changeset))
    if changeset is None and (stored_lag is None or stored_lag >= STORE_AFTER):
        written = statestore.save(
            engine, statestore.scope_of(list_source), token=now, seen=seen, rows=rows
        )
        last_read["stored"] = "written" if written else "not written"
    fresh = _Kept(token=now, seen=seen, rows=rows, records=built)
    with _lock:
        _kept[key] = fresh
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return built.copy(deep=False)


def _seen(connection: Connection) -> frozenset[int]:
    return frozenset(int(i) for i in connection.scalars(select(Changeset.id)))


def _can_catch_up(connection: Connection, kept: _Rows, seen: frozenset[int]) -> bool:
    """True when the registry is the kept one plus a few changesets: every changeset seen is
    still there, the newest kept one written at the same time (not a database made again)."""
    if not kept.seen <= seen or len(seen - kept.seen) > CATCH_UP_AT_MOST:
        return False
    if not kept.token[1]:
        return True
    at = connection.scalar(select(Changeset.at).where(Changeset.id == kept.token[1]))
    return str(at) == kept.token[2]


def _catch_up(
    connection: Connection, kept: _Rows, new: frozenset[int], list_source: str | None
) -> pd.DataFrame:
    """The kept rows with the presences that the new changesets opened or closed set right."""
    if not new:
        return kept.rows
    touched = state.fast_frame(
        connection, _touched_query(connection, sorted(new), list_source), types=state.PRESENCE_TYPES
    )
    if touched.empty:
        return kept.rows
    still = kept.rows[~kept.rows["id"].isin(touched["id"])]
    opened = touched[touched["closed_in"].isna()].drop(columns="closed_in")
    parts: list[pd.DataFrame] = [frame for frame in (still, opened) if not frame.empty]
    if not parts:
        return kept.rows.iloc[0:0]
    rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if not rows["id"].is_monotonic_increasing:
        rows = rows.sort_values("id", kind="stable", ignore_index=True)
    return rows.reset_index(drop=True)


def _touched_query(
    connection: Connection, changesets: list[int], list_source: str | None
) -> Executable:
    """The presences opened or closed by ``changesets``, by id, with ``closed_in``.

    On SQLite through the indexes on ``opened_in`` and ``closed_in`` by name: once ANALYZE
    has seen one changeset open most presences (a first import) and most of them open
    (``closed_in`` null), its planner reads the whole table instead (0.7 s for 500,000)."""
    columns = ["id", state.ORGANISATION_ID, *state.PRESENCE_COLUMNS, "closed_in"]
    if connection.dialect.name != "sqlite":
        query = select(*(getattr(Presence, c) for c in columns)).where(
            or_(Presence.opened_in.in_(changesets), Presence.closed_in.in_(changesets))
        )
        if list_source is not None:
            query = query.where(Presence.list_source == list_source)
        return query.order_by(Presence.id)
    names = ", ".join(f'"{c}"' for c in columns)
    one_list = " AND list_source = :list_source" if list_source is not None else ""
    query_text = text(
        f"SELECT {names} FROM presences INDEXED BY ix_presences_opened_in "
        f"WHERE opened_in IN :new{one_list} "
        f"UNION ALL SELECT {names} FROM presences INDEXED BY ix_presences_closed_in "
        f"WHERE closed_in IN :new AND opened_in NOT IN :new{one_list} ORDER BY id"
    ).bindparams(bindparam("new", value=changesets, expanding=True))
    if list_source is not None:
        query_text = query_text.bindparams(list_source=list_source)
    return query_text
