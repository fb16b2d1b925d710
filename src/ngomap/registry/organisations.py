"""Organisations by hand: edit under a version column, merge two, revert one change, history."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import pandas as pd
from sqlalchemy import Connection, Engine, insert, or_, select, update

from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text, norm_text
from ngomap.registry.db import RegistryError
from ngomap.registry.models import (
    EDIT,
    REVERT,
    Alias,
    Change,
    Changeset,
    Organisation,
    Presence,
    Round,
)
from ngomap.registry.rounds import _new_changeset

# Fields a person may edit, and whether each is a list.
EDITABLE: Final[dict[str, type]] = {
    "name": str,
    "acronym": str,
    "org_type": str,
    "country": str,
    "headquarters": str,
    "website": str,
    "contacts_public": list,
    "contacts_staff": list,
    "funders": list,
    "active": bool,
    "last_confirmed": date,
}


class EditConflictError(RegistryError):
    """Someone saved the organisation since this editor loaded it: nothing was written."""

    def __init__(
        self, organisation_id: int, expected: int, current: int, theirs: dict[str, tuple[Any, Any]]
    ) -> None:
        fields = ", ".join(theirs) or "nothing you edited"
        super().__init__(
            *pair(
                Msg.ORGANISATIONS_ORGANISATION_CHANGED_SINCE,
                organisation_id=organisation_id,
                expected=expected,
                current=current,
                fields=fields,
            ),
        )
        self.organisation_id = organisation_id
        self.expected = expected
        self.current = current
        self.theirs = theirs  # field -> (value when you loaded it, value now)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _from_json(field: str, value: Any) -> Any:
    if EDITABLE.get(field) is date and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _checked(field: str, value: Any) -> Any:
    kind = EDITABLE.get(field)
    if kind is None:
        raise RegistryError(
            *pair(
                Msg.ORGANISATIONS_CANNOT_EDITED_FIELDS, field=field, editable=", ".join(EDITABLE)
            ),
        )
    if kind is str:
        return clean_text(value)
    if kind is date and value is not None and not isinstance(value, date):
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise RegistryError(
                *pair(Msg.ORGANISATIONS_NOT_DATE, field=field, value=value),
            ) from None
    if kind is list and not isinstance(value, list):
        raise RegistryError(*pair(Msg.ORGANISATIONS_MUST_LIST, field=field))
    if kind is bool:
        return bool(value)
    return value


def get(engine: Engine, organisation_id: int) -> dict[str, Any]:
    """An organisation's fields, its version (give it back to ``edit``) and its aliases."""
    with engine.connect() as connection:
        return _get(connection, organisation_id)


def _get(connection: Connection, organisation_id: int) -> dict[str, Any]:
    row = connection.execute(
        select(Organisation.__table__).where(Organisation.id == organisation_id)
    ).first()
    if row is None:
        raise RegistryError(
            *pair(Msg.ORGANISATIONS_THERE_NO_ORGANISATION, organisation_id=organisation_id),
        )
    org = row
    out = {field: getattr(org, field) for field in EDITABLE}
    out.update(id=org.id, key=org.key, version=org.version, merged_into=org.merged_into)
    out["aliases"] = [
        {"spelling": a.spelling, "kind": a.kind, "met_in": a.met_in}
        for a in connection.execute(
            select(Alias.__table__)
            .where(Alias.organisation_id == organisation_id)
            .order_by(Alias.id)
        )
    ]
    return out


def find(engine: Engine, name: str) -> int:
    """The id of the organisation named ``name`` (a spelling, an acronym, or its id)."""
    with engine.connect() as connection:
        return _find(connection, name)


def _find(connection: Connection, name: str) -> int:
    text = name.strip()
    if text.isdigit() and connection.scalar(
        select(Organisation.id).where(Organisation.id == int(text))
    ):
        return int(text)
    norm = norm_text(text)
    found = sorted(
        set(
            connection.scalars(
                select(Organisation.id)
                .join(Alias, Alias.organisation_id == Organisation.id)
                .where(
                    or_(Alias.norm == norm, Organisation.key == norm),
                    Organisation.merged_into.is_(None),
                )
            )
        )
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise RegistryError(
            *pair(Msg.ORGANISATIONS_NO_ORGANISATION_CALLED, name=name),
        )
    raise RegistryError(
        *pair(
            Msg.ORGANISATIONS_NAMES_SEVERAL_ORGANISATIONS,
            name=name,
            found=", ".join(map(str, found)),
        ),
    )


def edit(
    engine: Engine,
    organisation_id: int,
    *,
    version: int,
    changes: dict[str, Any],
    by: str = "",
    note: str = "",
) -> int:
    """Save a person's edit of an organisation loaded at ``version``; its new version.

    When someone saved it since, raises EditConflictError naming what they changed, and writes
    nothing (no edit is overwritten in silence).
    """
    values = {field: _checked(field, value) for field, value in changes.items()}
    with engine.begin() as connection:
        current = _get(connection, organisation_id)
        if current["version"] != version:
            theirs = _changed_since(connection, organisation_id, version, current)
            raise EditConflictError(organisation_id, version, current["version"], theirs)
        edited = {f: v for f, v in values.items() if current[f] != v}
        if not edited:
            return version
        changeset = _new_changeset(connection, EDIT, by=by, note=note)
        done = connection.execute(
            update(Organisation)
            .where(Organisation.id == organisation_id, Organisation.version == version)
            .values({**edited, "version": version + 1})
        )
        if done.rowcount != 1:  # saved by another in the meantime, between read and write
            latest = _get(connection, organisation_id)
            theirs = _changed_since(connection, organisation_id, version, latest)
            raise EditConflictError(organisation_id, version, latest["version"], theirs)
        _record(
            connection, changeset, organisation_id, {f: (current[f], v) for f, v in edited.items()}
        )
        return version + 1


def _record(
    connection: Connection,
    changeset: int,
    organisation_id: int,
    fields: dict[str, tuple[Any, Any]],
) -> None:
    if fields:
        connection.execute(
            insert(Change),
            [
                {
                    "changeset_id": changeset,
                    "organisation_id": organisation_id,
                    "field": f,
                    "before": _json_value(b),
                    "after": _json_value(a),
                }
                for f, (b, a) in fields.items()
            ],
        )


def _changed_since(
    connection: Connection, organisation_id: int, version: int, current: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Fields changed since ``version``: (value then, value now), from the change log."""
    rows = connection.execute(
        select(Change.field, Change.before, Change.changeset_id)
        .where(Change.organisation_id == organisation_id)
        .order_by(Change.id.desc())
    ).all()
    theirs: dict[str, tuple[Any, Any]] = {}
    steps = current["version"] - version
    changesets: list[int] = []
    for field, before, changeset in rows:
        if changeset not in changesets:
            if len(changesets) == steps:
                break
            changesets.append(changeset)
        theirs[field] = (_from_json(field, before), current.get(field))
    return theirs


def merge(engine: Engine, keep: int, gone: int, *, by: str = "") -> int:
    """Make ``gone`` part of ``keep`` at once (no preview): its spellings become aliases of
    ``keep``, its presences, partners and funders move to ``keep``, its history is shown with
    ``keep``'s; the changeset id. ``merging.plan`` and ``merging.merge`` show it first."""
    from ngomap.registry import merging

    return merging.merge(engine, merging.plan(engine, keep, gone), by=by)


def revert_change(engine: Engine, change_id: int, *, by: str = "") -> int:
    """Put one field back as it was before a change; refused when it changed again since."""
    with engine.begin() as connection:
        change = connection.execute(select(Change.__table__).where(Change.id == change_id)).first()
        if change is None or change.field not in EDITABLE:
            raise RegistryError(
                *pair(Msg.ORGANISATIONS_THERE_NO_REVERTIBLE, change_id=change_id),
            )
        if change.reverted_by_id is not None:
            raise RegistryError(
                *pair(Msg.ORGANISATIONS_CHANGE_ALREADY_REVERTED, change_id=change_id),
            )
        current = _get(connection, change.organisation_id)
        if _json_value(current[change.field]) != change.after:
            raise RegistryError(
                *pair(
                    Msg.ORGANISATIONS_CHANGED_AGAIN_SINCE, field=change.field, change_id=change_id
                ),
            )
        changeset = _new_changeset(
            connection,
            REVERT,
            by=by,
            reverts=change.changeset_id,
            note=f"revert change {change_id}",
        )
        connection.execute(
            update(Organisation)
            .where(Organisation.id == change.organisation_id)
            .values(
                {
                    change.field: _from_json(change.field, change.before),
                    "version": Organisation.version + 1,
                }
            )
        )
        _record(
            connection,
            changeset,
            change.organisation_id,
            {change.field: (current[change.field], _from_json(change.field, change.before))},
        )
        connection.execute(
            update(Change).where(Change.id == change_id).values(reverted_by_id=changeset)
        )
        return changeset


HISTORY_COLUMNS: Final = (
    "changeset",
    "at",
    "effective",
    "by",
    "kind",
    "round",
    "file",
    "organisation_id",
    "what",
    "field",
    "before",
    "after",
    "change",
)


def history(engine: Engine, organisation: int | str) -> pd.DataFrame:
    """Everything that happened to an organisation (and those merged into it), oldest first:
    field changes with before and after, presences added and withdrawn; who, when, from which
    round, edit or merge."""
    with engine.connect() as connection:
        org_id = organisation if isinstance(organisation, int) else _find(connection, organisation)
        ids = [
            org_id,
            *connection.scalars(select(Organisation.id).where(Organisation.merged_into == org_id)),
        ]
        meta = (
            Changeset.id,
            Changeset.at,
            Changeset.effective,
            Changeset.by,
            Changeset.kind,
            Changeset.round_id,
            Round.file_name,
        )
        fields = connection.execute(
            select(
                *meta, Change.organisation_id, Change.field, Change.before, Change.after, Change.id
            )
            .join(Changeset, Changeset.id == Change.changeset_id)
            .outerjoin(Round, Round.id == Changeset.round_id)
            .where(Change.organisation_id.in_(ids))
        ).all()
        rows: list[tuple[Any, ...]] = [(*r[:8], "field", r[8], r[9], r[10], r[11]) for r in fields]
        # Presences added and withdrawn in one query: each presence with the changeset that
        # opened it and, once closed, the one that closed it.
        found = connection.execute(
            select(
                *meta,
                Presence.organisation_id,
                Presence.sector,
                Presence.area_code,
                Presence.national,
                Presence.mode,
                Presence.opened_in,
                Presence.closed_in,
            )
            .join(
                Changeset,
                or_(Changeset.id == Presence.opened_in, Changeset.id == Presence.closed_in),
            )
            .outerjoin(Round, Round.id == Changeset.round_id)
            .where(Presence.organisation_id.in_(ids))
        ).all()
        for r in found:
            area = "nationwide" if r[10] else r[9]
            what = f"{r[8]} {area} {r[11] or ''}".strip()
            for event, changeset in (("presence added", r[12]), ("presence withdrawn", r[13])):
                if r[0] == changeset:
                    rows.append((*r[:8], event, "presence", None, what, None))
    frame = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
    return frame.sort_values(["changeset", "what"], kind="stable").reset_index(drop=True)
