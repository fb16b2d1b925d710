"""Reading the registry: its state now or as of a changeset, a round or a date, as frames.

``records`` gives the same columns as an imported file's records (``Dataset.records``), so
every view (analysis, maps, exports) works on the registry as it does on a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, Executable, Select, and_, func, or_, select

from ngomap import schema as s
from ngomap.messages import Msg, pair
from ngomap.registry.db import RegistryError
from ngomap.registry.models import Change, Changeset, Organisation, Presence, Round

ORGANISATION_ID: Final = "organisation_id"
ORGANISATION_ID_COLUMN: Final = ORGANISATION_ID
# Presence columns read for the records frame, in the records' own names.
PRESENCE_COLUMNS: Final[dict[str, str]] = {
    "mode": s.PRESENCE,
    "partner": s.PARTNER,
    "funder": s.FUNDER,
    "sector": s.SECTOR,
    "adm1_code": s.ADM1_CODE,
    "adm1_name": s.ADM1_NAME,
    "adm2_code": s.ADM2_CODE,
    "adm2_name": s.ADM2_NAME,
    "adm3_code": s.ADM3_CODE,
    "adm3_name": s.ADM3_NAME,
    "status": s.STATUS,
    "start": s.START,
    "end": s.END,
    "targeted": s.TARGETED,
    "reached": s.REACHED,
    "row": s.ROW,
    "sector_raw": s.SECTOR_RAW,
    "area_code": s.AREA_CODE,
    "area_level": s.AREA_LEVEL,
    "area_rule": s.AREA_RULE,
    "national": s.NATIONAL,
    "source": s.SOURCE,
    "list_source": s.LIST_SOURCE,
}
# Arrow types of the presence columns read fast (text otherwise).
PRESENCE_TYPES: Final[dict[str, pa.DataType]] = {
    "id": pa.int64(),
    ORGANISATION_ID_COLUMN: pa.int64(),
    "national": pa.bool_(),
    "targeted": pa.float64(),
    "reached": pa.float64(),
    "row": pa.float64(),  # may be null
    "closed_in": pa.float64(),  # null while open
    **{
        c: pa.large_string()
        for c in PRESENCE_COLUMNS
        if c not in ("national", "targeted", "reached", "row")
    },
}
ORG_COLUMNS: Final[dict[str, str]] = {
    "name": s.ORG_NAME,
    "acronym": s.ORG_ACRONYM,
    "org_type": s.ORG_TYPE,
    "key": s.ORG_KEY,
    "country": s.ORG_COUNTRY,
}
CONFIRMED_COLUMN: Final = "last_confirmed"  # read with the organisations, a date
# Columns kept only when some record has a value (a file without them has no such column).
_OPTIONAL: Final = (
    s.ADM2_CODE,
    s.ADM2_NAME,
    s.ADM3_CODE,
    s.ADM3_NAME,
    s.TARGETED,
    s.REACHED,
    s.SECTOR_RAW,
)
# The order of an imported file's records.
RECORD_ORDER: Final = (
    s.ORG_NAME,
    s.ORG_ACRONYM,
    s.ORG_TYPE,
    s.PRESENCE,
    s.PARTNER,
    s.FUNDER,
    s.SECTOR,
    s.ADM1_NAME,
    s.ADM1_CODE,
    s.ADM2_NAME,
    s.ADM2_CODE,
    s.ADM3_NAME,
    s.ADM3_CODE,
    s.STATUS,
    s.START,
    s.END,
    s.TARGETED,
    s.REACHED,
    s.ROW,
    s.ORG_KEY,
    s.SECTOR_RAW,
    s.AREA_CODE,
    s.AREA_LEVEL,
    s.AREA_RULE,
    s.NATIONAL,
    s.SOURCE,
    # The registry's own: which list, the organisation's origin and last confirmation.
    s.LIST_SOURCE,
    s.ORG_COUNTRY,
    s.CONFIRMED,
)


def latest_changeset(connection: Connection) -> int:
    """The newest changeset's id (0 for an empty registry)."""
    return int(connection.scalar(select(func.coalesce(func.max(Changeset.id), 0))) or 0)


def changeset_at(connection: Connection, when: int | str | date | None) -> int:
    """The changeset a point in time names: None (now), a round ("12" or "R12"), a date, or
    a changeset id (an int).

    A date names the registry as it was after the last change effective on or before it.
    """
    if when is None:
        return latest_changeset(connection)
    if isinstance(when, int):  # a changeset id already
        return when
    if isinstance(when, date):
        found = connection.scalar(select(func.max(Changeset.id)).where(Changeset.effective <= when))
        return int(found or 0)
    text = str(when).strip()
    round_text = text[1:] if text[:1] in "rR" else text
    if round_text.isdigit():
        found = connection.scalar(
            select(func.max(Changeset.id)).where(
                Changeset.round_id == int(round_text), Changeset.kind == "round"
            )
        )
        if found is None:
            raise RegistryError(
                *pair(Msg.STATE_THERE_NO_ROUND, round_text=round_text),
            )
        return int(found)
    try:
        return changeset_at(connection, date.fromisoformat(text))
    except ValueError:
        raise RegistryError(
            *pair(Msg.STATE_NEITHER_ROUND_NOR, text=text),
        ) from None


def open_at(changeset: int | None) -> Any:
    """The condition for presences that hold at ``changeset`` (None: now)."""
    if changeset is None:
        return Presence.closed_in.is_(None)
    return and_(
        Presence.opened_in <= changeset,
        or_(Presence.closed_in.is_(None), Presence.closed_in > changeset),
    )


def frame_of(connection: Connection, query: Executable) -> pd.DataFrame:
    """A query's rows as a frame, built column by column (pandas is slow on Row objects)."""
    result = connection.execute(query)
    keys = list(result.keys())
    columns = list(zip(*result.fetchall(), strict=True)) or [() for _ in keys]
    return pd.DataFrame(
        {key: _column(values) for key, values in zip(keys, columns, strict=True)}, copy=False
    )


def fast_frame(
    connection: Connection, query: Executable, *, types: Mapping[str, pa.DataType] | None = None
) -> pd.DataFrame:
    """A query's rows as a frame, read with the driver's own cursor and built through Arrow.

    For plain text and number columns only: the rows skip SQLAlchemy's Row objects and type
    processing, and each column becomes one Arrow array (of the type ``types`` gives it,
    else of its first value's), which pandas wraps without copying the strings again.
    """
    result = connection.execute(query)
    keys = list(result.keys())
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in keys]
    given = types or {}
    table = pa.table(
        {key: _arrow(values, given.get(key)) for key, values in zip(keys, columns, strict=True)}
    )
    frame: pd.DataFrame = table.to_pandas()
    return frame


def _arrow(values: tuple[Any, ...], kind: pa.DataType | None) -> pa.Array:
    if kind is None:
        first = next((v for v in values if v is not None), None)
        if first is None or isinstance(first, str):
            kind = pa.large_string()
        elif isinstance(first, bool):
            kind = pa.bool_()
        elif isinstance(first, int) and all(isinstance(v, int | None) for v in values):
            kind = pa.int64()
        elif isinstance(first, int | float):
            kind = pa.float64()
        else:
            return pa.array(values)
    if pa.types.is_boolean(kind):  # SQLite gives 0 and 1
        values = tuple(None if v is None else bool(v) for v in values)
    return pa.array(values, type=kind, from_pandas=True)


def _column(values: tuple[Any, ...]) -> pd.Series:
    """Text stays as Python objects (as an imported file's records have it, and without the
    cost of Arrow strings); numbers and booleans get their own type."""
    first = next((v for v in values if v is not None), None)
    if first is None or isinstance(first, str):
        return pd.Series(np.asarray(values, dtype=object), dtype=object, copy=False)
    return pd.Series(values)


def organisations_at(connection: Connection, changeset: int | None) -> pd.DataFrame:
    """Every organisation (id, key, name, acronym, type, country, last confirmed) with its
    fields as of ``changeset``.

    Fields edited after it are read back from the first later change's value before. The
    last confirmation is the latest known (an organisation confirmed since counts as such).
    """
    orgs = fast_frame(
        connection,
        select(
            Organisation.id,
            Organisation.key,
            Organisation.name,
            Organisation.acronym,
            Organisation.org_type,
            Organisation.country,
            Organisation.last_confirmed,
        ),
        # The last confirmation's type is the driver's: text on SQLite, a date on PostgreSQL.
        types={"id": pa.int64(), **dict.fromkeys(ORG_COLUMNS, pa.large_string())},
    ).set_index("id")
    if changeset is None or changeset >= latest_changeset(connection):
        return orgs
    later = frame_of(
        connection,
        select(Change.organisation_id, Change.field, Change.before, Change.id)
        .where(
            Change.changeset_id > changeset,
            Change.field.in_(["name", "acronym", "org_type", "country"]),
        )
        .order_by(Change.id),
    )
    if not later.empty:
        first = later.drop_duplicates(["organisation_id", "field"], keep="first")
        for field, rows in first.groupby("field"):
            known = rows[rows["organisation_id"].isin(orgs.index)]
            orgs.loc[known["organisation_id"].to_numpy(), str(field)] = known["before"].to_numpy()
    return orgs


def presences_query(changeset: int | None, list_source: str | None) -> Select[Any]:
    """The presence rows (id, organisation, the records' columns) holding at ``changeset``."""
    query = select(
        Presence.id, Presence.organisation_id, *(getattr(Presence, c) for c in PRESENCE_COLUMNS)
    ).where(open_at(changeset))
    if list_source is not None:
        query = query.where(Presence.list_source == list_source)
    return query.order_by(Presence.id)


def records(
    connection_or_engine: Connection | Engine,
    *,
    as_of: int | str | date | None = None,
    list_source: str | None = None,
) -> pd.DataFrame:
    """The registry as records (the columns of an imported file's records), now or as of a
    round ("R3"), a date or a changeset id; only one list when ``list_source`` is given.

    Given an engine, the state is kept in this process and read again only when a changeset
    was committed since (``statecache``): the page asks for it on every rerun. Given a
    connection (which may hold uncommitted writes), it is read afresh.
    """
    if isinstance(connection_or_engine, Engine):
        from ngomap.registry import statecache

        return statecache.records(connection_or_engine, as_of=as_of, list_source=list_source)
    connection = connection_or_engine
    changeset = None if as_of is None else changeset_at(connection, as_of)
    rows = fast_frame(connection, presences_query(changeset, list_source), types=PRESENCE_TYPES)
    return as_records(rows, organisations_at(connection, changeset))


def as_records(rows: pd.DataFrame, orgs: pd.DataFrame) -> pd.DataFrame:
    """Presence rows (from ``presences_query``) joined to their organisations, as records."""
    ids = rows[ORGANISATION_ID]
    positions = orgs.index.get_indexer(pd.Index(ids))
    out: dict[str, Any] = {}
    for column, name in ORG_COLUMNS.items():
        values = pd.Series(orgs[column].to_numpy(dtype=object), dtype="str")
        out[name] = values.array.take(positions, allow_fill=True)
    for column, name in PRESENCE_COLUMNS.items():
        out[name] = rows[column].array
    confirmed = pd.to_datetime(
        pd.Series(orgs[CONFIRMED_COLUMN].to_numpy(dtype=object)), errors="coerce", format="ISO8601"
    )
    out[s.CONFIRMED] = confirmed.array.take(positions, allow_fill=True)
    frame = pd.DataFrame(out, index=pd.RangeIndex(len(rows)), copy=False)
    frame[s.NATIONAL] = frame[s.NATIONAL].fillna(False).astype(bool)
    frame[s.ROW] = pd.to_numeric(frame[s.ROW], errors="coerce").fillna(0).astype("int64")
    frame[s.SOURCE] = _objects(frame[s.SOURCE])
    for column in (s.TARGETED, s.REACHED):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    keep = [c for c in RECORD_ORDER if c not in _OPTIONAL or frame[c].notna().any()]
    return frame[keep]


def _objects(values: pd.Series) -> pd.Series:
    """Text as Python objects (``astype(object)``), one object per distinct value: a column
    of a few file names over 500,000 rows converts in milliseconds, not a second."""
    encoded = pc.dictionary_encode(pa.chunked_array(pa.array(values.array))).combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    table = np.append(np.asarray(encoded.dictionary.to_pylist(), dtype=object), np.nan)
    return pd.Series(table[codes], index=values.index, dtype=object, name=values.name, copy=False)


def rounds_frame(connection_or_engine: Connection | Engine) -> pd.DataFrame:
    """Every round, oldest first: id, file, source, date, when imported, by whom, reverted."""
    if isinstance(connection_or_engine, Engine):
        with connection_or_engine.connect() as connection:
            return rounds_frame(connection)
    reverted = select(Changeset.round_id, Changeset.reverted_by_id).where(Changeset.kind == "round")
    frame = frame_of(
        connection_or_engine,
        select(
            Round.id,
            Round.file_name,
            Round.source,
            Round.data_date,
            Round.imported_at,
            Round.imported_by,
            Round.rows_kept,
            Round.sha256,
        ).order_by(Round.id),
    )
    undone = frame_of(connection_or_engine, reverted).dropna()
    frame["reverted"] = frame["id"].isin(undone["round_id"])
    return frame
