"""One hand edit of an organisation: profile fields and single presences, saved as one change.

An editor opens an organisation at a version, changes some profile fields, adds a presence,
closes one, or changes one's mode, status, dates, partner or funder; ``save`` writes all of
it in one changeset of kind "edit" under the organisation's version column: when someone
saved the organisation since, nothing is written and ``EditConflictError`` names what they
changed. A saved edit is reverted whole by ``reverting.revert`` (refused when a later change
touched the same facts, as for a round), and shows in the organisation's history
(``organisations.history``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.models import EDIT, Organisation, Presence
from ngomap.registry.rounds import DEFAULT_SOURCE, _close, _new_changeset
from ngomap.registry.state import frame_of

# What an editor may change in a presence (the rest is where and what: close and add instead).
PRESENCE_FIELDS: Final = ("mode", "status", "start", "end", "partner", "funder")
_AREA_FIELDS: Final = (
    "area_level",
    "adm1_code",
    "adm1_name",
    "adm2_code",
    "adm2_name",
    "adm3_code",
    "adm3_name",
)
PRESENCE_COLUMNS: Final = (
    "id",
    "list_source",
    "sector",
    "area_code",
    "national",
    *_AREA_FIELDS,
    *PRESENCE_FIELDS,
    "origin",
    "opened_in",
)


@dataclass(frozen=True)
class NewPresence:
    """A presence to add: a sector in an area (a P-code with the codes and names of the
    levels above it), or nationwide (``area_code`` None)."""

    sector: str
    area_code: str | None
    area: Mapping[str, Any] = field(default_factory=dict)  # area_level, adm1_code, adm1_name...
    mode: str | None = None
    status: str | None = None
    start: str | None = None
    end: str | None = None
    partner: str | None = None
    funder: str | None = None
    list_source: str = DEFAULT_SOURCE


@dataclass(frozen=True)
class Saved:
    """What ``save`` wrote: the changeset (None when nothing differed) and the new version."""

    changeset: int | None
    version: int


def presences(engine: Engine, organisation_id: int) -> pd.DataFrame:
    """The organisation's presences in force now, one row each, oldest first."""
    with engine.connect() as connection:
        return _open(connection, organisation_id)


def _open(connection: Connection, organisation_id: int) -> pd.DataFrame:
    query = (
        select(*(getattr(Presence, column) for column in PRESENCE_COLUMNS))
        .where(Presence.organisation_id == organisation_id, Presence.closed_in.is_(None))
        .order_by(Presence.id)
    )
    frame = frame_of(connection, query)
    return frame if not frame.empty else pd.DataFrame(columns=list(PRESENCE_COLUMNS))


def _text(value: Any) -> str | None:
    cleaned = clean_text(value) if value is not None else ""
    return cleaned or None


def _check_presence_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(PRESENCE_FIELDS))
    if unknown:
        raise RegistryError(
            *pair(
                Msg.HAND_EDITS_PRESENCE_CANNOT_EDITED,
                unknown=", ".join(unknown),
                presence_fields=", ".join(PRESENCE_FIELDS),
            ),
        )
    return {name: _text(value) for name, value in changes.items()}


def _presence_row(presence: Any, values: Mapping[str, Any], changeset: int) -> dict[str, Any]:
    columns = [col.key for col in Presence.__table__.columns if col.key != "id"]
    row = {col: getattr(presence, col) for col in columns}
    row.update(values)
    row.update(opened_in=changeset, closed_in=None, origin=EDIT)
    return row


def _new_row(
    organisation_id: int, new: NewPresence, changeset: int, by: str, today: date
) -> dict[str, Any]:
    if not clean_text(new.sector):
        raise RegistryError(*pair(Msg.HAND_EDITS_PRESENCE_NEEDS_SECTOR))
    national = new.area_code is None or new.area_code == ""
    row: dict[str, Any] = {col.key: None for col in Presence.__table__.columns if col.key != "id"}
    row |= {
        "organisation_id": organisation_id,
        "list_source": new.list_source or DEFAULT_SOURCE,
        "sector": clean_text(new.sector),
        "area_code": None if national else new.area_code,
        "area_rule": EDIT,
        "national": national,
        "origin": EDIT,
        "source": f"edit by {by} on {today.isoformat()}",
        "opened_in": changeset,
    }
    for name in _AREA_FIELDS:
        row[name] = None if national else new.area.get(name)
    for name in PRESENCE_FIELDS:
        row[name] = _text(getattr(new, name))
    return row


def _conflict(connection: Connection, organisation_id: int, version: int) -> RegistryError:
    latest = orgs._get(connection, organisation_id)
    theirs = orgs._changed_since(connection, organisation_id, version, latest)
    return orgs.EditConflictError(organisation_id, version, latest["version"], theirs)


def save(
    engine: Engine,
    organisation_id: int,
    *,
    version: int,
    profile: Mapping[str, Any] | None = None,
    add: Sequence[NewPresence] = (),
    close: Sequence[int] = (),
    change: Mapping[int, Mapping[str, Any]] | None = None,
    by: str = "",
    note: str = "",
    today: date | None = None,
) -> Saved:
    """Save an editor's edit of an organisation opened at ``version``, in one transaction:
    profile fields, presences added, closed (by id) and changed (id -> fields).

    The organisation counts as confirmed today (unless the edit sets ``last_confirmed``).
    Raises EditConflictError, writing nothing, when the organisation was saved since.
    """
    today = today or datetime.now(UTC).date()
    values = {name: orgs._checked(name, value) for name, value in (profile or {}).items()}
    changed = {pid: _check_presence_changes(fields) for pid, fields in (change or {}).items()}
    with engine.begin() as connection:
        current = orgs._get(connection, organisation_id)
        if current["version"] != version:
            raise _conflict(connection, organisation_id, version)
        if current["merged_into"] is not None:
            raise RegistryError(
                *pair(
                    Msg.HAND_EDITS_ORGANISATION_MERGED_INTO,
                    organisation_id=organisation_id,
                    current=current["merged_into"],
                ),
            )
        edited = {name: v for name, v in values.items() if current[name] != v}
        open_rows = {
            row.id: row
            for row in connection.execute(
                select(Presence.__table__).where(
                    Presence.organisation_id == organisation_id, Presence.closed_in.is_(None)
                )
            )
        }
        for pid in [*close, *changed]:
            if pid not in open_rows:
                raise RegistryError(
                    *pair(Msg.HAND_EDITS_PRESENCE_NOT_ONE, pid=pid),
                )
        really = {
            pid: fields
            for pid, fields in changed.items()
            if pid not in close and any(getattr(open_rows[pid], k) != v for k, v in fields.items())
        }
        if not (edited or add or close or really):
            return Saved(None, version)
        # Saving confirms the organisation today: not a change of its content, so not in
        # the change log (a revert leaves the confirmation, as a round's revert does).
        confirmed = {} if "last_confirmed" in values else {"last_confirmed": today}
        changeset = _new_changeset(connection, EDIT, by=by, note=note or "edit", effective=today)
        done = connection.execute(
            update(Organisation)
            .where(Organisation.id == organisation_id, Organisation.version == version)
            .values({**edited, **confirmed, "version": version + 1})
        )
        if done.rowcount != 1:  # saved by another between our read and our write
            raise _conflict(connection, organisation_id, version)
        orgs._record(
            connection, changeset, organisation_id, {f: (current[f], v) for f, v in edited.items()}
        )
        _close(connection, [*close, *really], changeset)
        rows = [_presence_row(open_rows[pid], fields, changeset) for pid, fields in really.items()]
        rows += [_new_row(organisation_id, new, changeset, by or "?", today) for new in add]
        if rows:
            connection.execute(insert(Presence), rows)
        return Saved(changeset, version + 1)


def organisations(engine: Engine) -> pd.DataFrame:
    """The organisations one may edit (not merged, not removed): id, name, acronym, by name."""
    with engine.connect() as connection:
        frame = frame_of(
            connection,
            select(Organisation.id, Organisation.name, Organisation.acronym).where(
                Organisation.merged_into.is_(None), Organisation.removed_in.is_(None)
            ),
        )
    if frame.empty:
        return pd.DataFrame(columns=["id", "name", "acronym"])
    order = frame["name"].astype(str).str.casefold().argsort(kind="stable")
    return frame.iloc[order.to_numpy()].reset_index(drop=True)
