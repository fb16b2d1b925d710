"""Revert any change, not only the latest: say first which later changes touched the same facts.

A round, a hand edit or a merge (a changeset), or one field of one organisation (a change),
can be reverted whenever it was made. Facts it set may have been changed since: a later round
withdrew a presence it added, an editor changed a field it set, a merge moved its presences.
Reverting it alone would then either overwrite that later work or leave part of it in place.
So ``plan`` names the later changes that touched the same facts (and those that touched
theirs), newest first, and ``revert`` either refuses (the default: nothing written, the
error names them) or, with ``with_later``, reverts them first, newest first, then the one
asked for, all in one transaction: each is its own revert changeset, so every step is in
the history and nothing is lost in silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from ngomap.messages import Msg, pair
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.merging import _revert_merge, touching
from ngomap.registry.models import (
    EDIT,
    INIT,
    MERGE,
    REQUEST,
    REVERT,
    ROUND,
    Change,
    Changeset,
    Organisation,
    Presence,
)
from ngomap.registry.rounds import Reverted, _new_changeset, _revert


@dataclass(frozen=True)
class Step:
    """A changeset in a plan: what it was, when, by whom."""

    changeset: int
    kind: str  # round, edit, merge, init, request
    round_id: int | None
    at: datetime | None
    by: str
    note: str

    def label(self) -> str:
        """How the page and the command line name it: "R3 (q2.csv)", "edit 12 (alice)"."""
        if self.round_id is not None:
            return f"R{self.round_id} ({self.note})"
        return f"{self.kind} {self.changeset} ({self.by})"


@dataclass(frozen=True)
class RevertPlan:
    """What reverting ``target`` involves: the later changes touching the same facts."""

    target: Step
    later: tuple[Step, ...]  # newest first: reverted before the target with ``with_later``
    change: int | None = None  # a single field change, when that is what is reverted

    @property
    def alone(self) -> bool:
        """True when nothing later touched the same facts: reverting it alone is safe."""
        return not self.later


def _step(connection: Connection, changeset: int) -> Step:
    row = connection.execute(
        select(
            Changeset.id,
            Changeset.kind,
            Changeset.round_id,
            Changeset.at,
            Changeset.by,
            Changeset.note,
            Changeset.reverted_by_id,
        ).where(Changeset.id == changeset)
    ).first()
    if row is None:
        raise RegistryError(*pair(Msg.REVERTING_NO_CHANGESET, changeset=changeset))
    if row.reverted_by_id is not None:
        raise RegistryError(
            *pair(
                Msg.REVERTING_ALREADY_REVERTED,
                changeset=changeset,
                reverted_by=row.reverted_by_id,
            )
        )
    if row.kind == REVERT:
        raise RegistryError(*pair(Msg.REVERTING_REVERT_OF_REVERT, changeset=changeset))
    return Step(int(row.id), str(row.kind), row.round_id, row.at, str(row.by), str(row.note))


def _later(connection: Connection, first: set[int]) -> list[int]:
    """``first`` and every change in force that touched theirs, newest first."""
    seen: set[int] = set()
    todo = sorted(first)
    while todo:
        changeset = todo.pop()
        if changeset in seen:
            continue
        seen.add(changeset)
        todo += sorted(touching(connection, changeset) - seen)
    return sorted(seen, reverse=True)


def _plan(connection: Connection, changeset: int) -> RevertPlan:
    target = _step(connection, changeset)
    later = _later(connection, touching(connection, changeset))
    return RevertPlan(target, tuple(_step(connection, c) for c in later))


def plan(engine: Engine, changeset: int) -> RevertPlan:
    """What reverting changeset ``changeset`` involves; nothing is written."""
    with engine.connect() as connection:
        return _plan(connection, changeset)


def round_changeset(engine: Engine, round_id: int) -> int:
    """The changeset that applied round ``round_id``."""
    with engine.connect() as connection:
        found = connection.scalar(
            select(Changeset.id).where(Changeset.round_id == round_id, Changeset.kind == ROUND)
        )
    if found is None:
        raise RegistryError(*pair(Msg.ROUNDS_THERE_NO_ROUND, round_id=round_id))
    return int(found)


def _refused(plan: RevertPlan) -> RegistryError:
    return RegistryError(
        *pair(
            Msg.REVERTING_TOUCHED_LATER,
            target=plan.target.label(),
            later=", ".join(step.label() for step in plan.later),
        )
    )


def _one(connection: Connection, step: Step, *, by: str) -> Reverted:
    """Revert one changeset in force (its later ones already reverted)."""
    if step.kind == MERGE:
        return _revert_merge(connection, step.changeset, by=by)
    if step.kind == REQUEST:
        raise RegistryError(*pair(Msg.REVERTING_REQUEST_ELSEWHERE, changeset=step.changeset))
    what = f"round {step.round_id}" if step.kind in (ROUND, INIT) else f"{step.kind}"
    touched = set(
        connection.scalars(
            select(Presence.organisation_id).where(
                (Presence.opened_in == step.changeset) | (Presence.closed_in == step.changeset)
            )
        )
    )
    done = _revert(connection, step.changeset, by=by, note=f"revert {what} {step.changeset}")
    if touched and step.kind == EDIT:  # an editor who opened it before must reload it
        connection.execute(
            update(Organisation)
            .where(Organisation.id.in_(sorted(touched)))
            .values(version=Organisation.version + 1)
        )
    return done


def revert(
    engine: Engine, changeset: int, *, with_later: bool = False, by: str = ""
) -> list[Reverted]:
    """Revert changeset ``changeset`` (a round, an edit, a merge), one revert per changeset.

    When later changes touched the same facts: refused, writing nothing, naming them; or,
    ``with_later``, they are reverted first (newest first), all in one transaction.
    """
    with engine.begin() as connection:
        shown = _plan(connection, changeset)
        if shown.later and not with_later:
            raise _refused(shown)
        done = [_one(connection, step, by=by) for step in shown.later]
        left = touching(connection, changeset)
        if left:  # pragma: no cover - reverting the later ones leaves none
            raise _refused(_plan(connection, changeset))
        done.append(_one(connection, shown.target, by=by))
        return done


# ---------------------------------------------------------------- one field change


def _change_row(connection: Connection, change_id: int) -> Any:
    row = connection.execute(select(Change.__table__).where(Change.id == change_id)).first()
    if row is None or row.field not in orgs.EDITABLE:
        raise RegistryError(*pair(Msg.ORGANISATIONS_THERE_NO_REVERTIBLE, change_id=change_id))
    if row.reverted_by_id is not None:
        raise RegistryError(*pair(Msg.ORGANISATIONS_CHANGE_ALREADY_REVERTED, change_id=change_id))
    return row


def _later_changes(connection: Connection, row: Any) -> list[Any]:
    return list(
        connection.execute(
            select(Change.__table__)
            .where(
                Change.organisation_id == row.organisation_id,
                Change.field == row.field,
                Change.id > row.id,
                Change.reverted_by_id.is_(None),
            )
            .order_by(Change.id.desc())
        )
    )


def plan_change(engine: Engine, change_id: int) -> RevertPlan:
    """What reverting one field change involves: the later changes of the same field."""
    with engine.connect() as connection:
        row = _change_row(connection, change_id)
        later = _later_changes(connection, row)
        target = _step_any(connection, int(row.changeset_id))
        steps = tuple(_step_any(connection, int(c.changeset_id)) for c in later)
        return RevertPlan(target, steps, change=change_id)


def _step_any(connection: Connection, changeset: int) -> Step:
    row = connection.execute(
        select(
            Changeset.id,
            Changeset.kind,
            Changeset.round_id,
            Changeset.at,
            Changeset.by,
            Changeset.note,
        ).where(Changeset.id == changeset)
    ).one()
    return Step(int(row.id), str(row.kind), row.round_id, row.at, str(row.by), str(row.note))


def revert_change(engine: Engine, change_id: int, *, with_later: bool = False, by: str = "") -> int:
    """Put one field of one organisation back as it was before change ``change_id``; the
    revert's changeset. When the field changed again since: refused naming the later
    changes, or (``with_later``) they are undone too: the field gets its value from before
    ``change_id``, and each undone change is marked reverted."""
    with engine.begin() as connection:
        row = _change_row(connection, change_id)
        later = _later_changes(connection, row)
        if later and not with_later:
            steps = tuple(_step_any(connection, int(c.changeset_id)) for c in later)
            raise _refused(RevertPlan(_step_any(connection, int(row.changeset_id)), steps))
        current = orgs._get(connection, row.organisation_id)
        newest = later[0] if later else row
        if orgs._json_value(current[row.field]) != newest.after:  # pragma: no cover
            raise RegistryError(
                *pair(Msg.ORGANISATIONS_CHANGED_AGAIN_SINCE, field=row.field, change_id=change_id)
            )
        changeset = _new_changeset(
            connection,
            REVERT,
            by=by,
            reverts=int(row.changeset_id),
            note=f"revert change {change_id}" + (f" and {len(later)} later" if later else ""),
        )
        value = orgs._from_json(row.field, row.before)
        connection.execute(
            update(Organisation)
            .where(Organisation.id == row.organisation_id)
            .values({row.field: value, "version": Organisation.version + 1})
        )
        orgs._record(
            connection, changeset, row.organisation_id, {row.field: (current[row.field], value)}
        )
        connection.execute(
            update(Change)
            .where(Change.id.in_([change_id, *(int(c.id) for c in later)]))
            .values(reverted_by_id=changeset)
        )
        return changeset
