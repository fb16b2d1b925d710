"""Two organisations made one, with a preview, under both version columns, revertible whole.

``plan`` says what merging ``gone`` into ``keep`` will do, without writing: the spellings
that become aliases of ``keep``, the presences that move, those that ``keep`` already holds
in the same list, sector, area and mode (joined into one row: ``keep``'s, its empty fields
filled from the other's, the period spanning both), the local partners that move, the
organisations naming ``gone`` as a partner that will name ``keep``, the funders and empty
profile fields ``keep`` gets, and how much history joins. ``merge`` takes that plan back: it
is refused, writing nothing, when either organisation was saved since (``EditConflictError``
naming what changed) or when the plan no longer holds (a round moved presences meanwhile:
``MergeChangedError`` carries the new plan). Everything is one changeset of kind "merge",
and ``revert_merge`` undoes it whole, refusing when a later change touched what it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection, Engine, func, insert, select, update

from ngomap.messages import Msg, pair
from ngomap.normalise import norm_text
from ngomap.registry import links
from ngomap.registry import organisations as orgs
from ngomap.registry.db import RegistryError
from ngomap.registry.models import (
    MERGE,
    REVERT,
    Alias,
    Change,
    Changeset,
    Organisation,
    PartnerLink,
    Presence,
)
from ngomap.registry.rounds import Reverted, _close, _new_changeset, _revert, lineage

# Profile fields that ``keep`` takes from ``gone`` when its own is empty.
FILLED: Final = ("acronym", "org_type", "country", "headquarters", "website")
# Presence fields that a joined presence takes from ``gone``'s when its own is empty.
_JOIN_FILL: Final = ("status", "partner", "funder", "targeted", "reached", "area_level")
# What makes two presences the same fact: list, sector, area and mode.
_SAME: Final = ("list_source", "sector", "area_code", "national", "mode")


@dataclass(frozen=True)
class Joined:
    """A presence both hold (same list, sector, area, mode): one row stays, ``keep``'s."""

    list_source: str
    sector: str
    area: str  # the P-code, "" for nationwide
    mode: str
    period: str  # the joined row's period, "start – end"


@dataclass(frozen=True)
class MergePlan:
    """What merging ``gone`` into ``keep`` will do (see the module's text)."""

    keep: int
    gone: int
    keep_name: str
    gone_name: str
    keep_version: int
    gone_version: int
    aliases: tuple[str, ...]  # spellings of gone that become keep's
    presences_moved: int  # gone's presences that become keep's as they are
    joined: tuple[Joined, ...]  # gone's presences joined with one keep already holds
    partners_moved: tuple[str, ...]  # gone's partners that become keep's
    partners_dropped: tuple[str, ...]  # gone's partners keep already has (or keep itself)
    partner_of: tuple[str, ...]  # organisations naming gone as a partner: now keep
    funders_added: tuple[str, ...]
    fields_filled: tuple[tuple[str, Any], ...]  # (field, value from gone) keep lacks
    history: int  # changes and presence events of gone that join keep's history
    presence_ids: tuple[int, ...] = field(default=(), repr=False)  # gone's open presences

    def summary(self) -> dict[str, Any]:
        """The plan as plain data (the command line's JSON)."""
        return {
            "keep": {"id": self.keep, "name": self.keep_name, "version": self.keep_version},
            "gone": {"id": self.gone, "name": self.gone_name, "version": self.gone_version},
            "aliases": list(self.aliases),
            "presences_moved": self.presences_moved,
            "presences_joined": [j.__dict__ for j in self.joined],
            "partners_moved": list(self.partners_moved),
            "partners_dropped": list(self.partners_dropped),
            "partner_of": list(self.partner_of),
            "funders_added": list(self.funders_added),
            "fields_filled": dict(self.fields_filled),
            "history": self.history,
        }

    def same_as(self, other: MergePlan) -> bool:
        """Whether ``other`` does the same (ignoring versions, checked on their own)."""
        mine, theirs = self.summary(), other.summary()
        for data in (mine, theirs):
            for side in ("keep", "gone"):
                data[side] = {k: v for k, v in data[side].items() if k != "version"}
        return mine == theirs and self.presence_ids == other.presence_ids


class MergeChangedError(RegistryError):
    """What the merge would do changed since its preview: nothing was written."""

    def __init__(self, plan: MergePlan) -> None:
        super().__init__(*pair(Msg.MERGING_PLAN_CHANGED, keep=plan.keep_name, gone=plan.gone_name))
        self.plan = plan


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value != value  # NaN


def _same_key(row: Any) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in _SAME)


def _period(start: Any, end: Any) -> str:
    return f"{start or '…'} – {end or '…'}"


def _columns() -> list[str]:
    return [col.key for col in Presence.__table__.columns if col.key != "id"]


def _as_dict(row: Any) -> dict[str, Any]:
    return row if isinstance(row, dict) else {col: getattr(row, col) for col in _columns()}


def _joined_row(kept: Any, went: Any) -> dict[str, Any]:
    """``kept``'s row with its empty fields filled from ``went``'s, the period spanning both
    (the earliest start; the latest end when both have one, else the open one)."""
    row, other = _as_dict(kept), _as_dict(went)
    row = dict(row)
    for name in _JOIN_FILL:
        if _empty(row[name]) and not _empty(other[name]):
            row[name] = other[name]
    starts = [v for v in (row["start"], other["start"]) if not _empty(v)]
    row["start"] = min(starts) if starts else None
    ends = [row["end"], other["end"]]
    row["end"] = None if any(_empty(v) for v in ends) else max(ends)
    return row


def _open_presences(connection: Connection, organisation_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(Presence.__table__)
            .where(Presence.organisation_id == organisation_id, Presence.closed_in.is_(None))
            .order_by(Presence.id)
        )
    )


def _open_links(connection: Connection, *where: Any) -> list[Any]:
    return list(
        connection.execute(
            select(PartnerLink.__table__)
            .where(PartnerLink.closed_in.is_(None), *where)
            .order_by(PartnerLink.id)
        )
    )


def _name(connection: Connection, organisation_id: int) -> str:
    return str(
        connection.scalar(select(Organisation.name).where(Organisation.id == organisation_id))
    )


def _check(kept: dict[str, Any], went: dict[str, Any]) -> None:
    if kept["id"] == went["id"]:
        raise RegistryError(*pair(Msg.ORGANISATIONS_ORGANISATION_CANNOT_MERGED))
    for org in (kept, went):
        if org["merged_into"] is not None:
            raise RegistryError(
                *pair(
                    Msg.ORGANISATIONS_ORGANISATION_ALREADY_MERGED,
                    org=org["id"],
                    into=org["merged_into"],
                ),
            )


def _plan(connection: Connection, keep: int, gone: int) -> MergePlan:
    kept, went = orgs._get(connection, keep), orgs._get(connection, gone)
    _check(kept, went)
    known = {(norm_text(a["spelling"]), a["kind"]) for a in kept["aliases"]}
    known.add((norm_text(kept["name"]), "name"))
    spellings = [(went["name"], "name")] + [(a["spelling"], a["kind"]) for a in went["aliases"]]
    aliases: dict[tuple[str, str], str] = {}
    for spelling, kind in spellings:
        norm = norm_text(spelling)
        if norm and (norm, kind) not in known:
            aliases.setdefault((norm, kind), spelling)
    holding = {_same_key(p): p for p in _open_presences(connection, keep)}
    moving = _open_presences(connection, gone)
    joined = []
    for presence in moving:
        mine = holding.get(_same_key(presence))
        if mine is not None:
            row = _joined_row(mine, presence)
            joined.append(
                Joined(
                    presence.list_source,
                    presence.sector,
                    "" if presence.national else str(presence.area_code or ""),
                    str(presence.mode or ""),
                    _period(row["start"], row["end"]),
                )
            )
    keep_partners = {link.partner_id for link in _open_links(connection, _of(keep))}
    moved, dropped = [], []
    for link in _open_links(connection, _of(gone)):
        if link.partner_id in keep_partners or link.partner_id in (keep, gone):
            dropped.append(link.partner_name)
        else:
            moved.append(link.partner_name)
    partner_of = sorted(
        {
            _name(connection, link.organisation_id)
            for link in _open_links(connection, PartnerLink.partner_id == gone)
            if link.organisation_id not in (keep, gone)
        },
        key=norm_text,
    )
    have = {norm_text(f) for f in kept["funders"] or []}
    funders = [f for f in went["funders"] or [] if norm_text(f) not in have]
    filled = tuple(
        (name, went[name]) for name in FILLED if _empty(kept[name]) and not _empty(went[name])
    )
    history = int(
        connection.scalar(select(func.count()).where(Change.organisation_id == gone)) or 0
    ) + int(connection.scalar(select(func.count()).where(Presence.organisation_id == gone)) or 0)
    return MergePlan(
        keep=keep,
        gone=gone,
        keep_name=str(kept["name"]),
        gone_name=str(went["name"]),
        keep_version=int(kept["version"]),
        gone_version=int(went["version"]),
        aliases=tuple(aliases.values()),
        presences_moved=len(moving) - len(joined),
        joined=tuple(joined),
        partners_moved=tuple(moved),
        partners_dropped=tuple(dropped),
        partner_of=tuple(partner_of),
        funders_added=tuple(funders),
        fields_filled=filled,
        history=history,
        presence_ids=tuple(int(p.id) for p in moving),
    )


def _of(organisation_id: int) -> Any:
    return PartnerLink.organisation_id == organisation_id


def plan(engine: Engine, keep: int, gone: int) -> MergePlan:
    """What merging ``gone`` into ``keep`` will do; nothing is written."""
    with engine.connect() as connection:
        return _plan(connection, keep, gone)


def merge(engine: Engine, shown: MergePlan, *, by: str = "", note: str = "") -> int:
    """Merge as ``shown`` (a ``plan``), in one changeset of kind "merge"; its id.

    Refused, writing nothing: ``EditConflictError`` when either organisation was saved since
    the plan (what changed is named), ``MergeChangedError`` when the plan no longer holds.
    """
    with engine.begin() as connection:
        for org_id, version in ((shown.keep, shown.keep_version), (shown.gone, shown.gone_version)):
            current = orgs._get(connection, org_id)
            if current["version"] != version:
                theirs = orgs._changed_since(connection, org_id, version, current)
                raise orgs.EditConflictError(org_id, version, current["version"], theirs)
        now = _plan(connection, shown.keep, shown.gone)
        if not now.same_as(shown):
            raise MergeChangedError(now)
        changeset = _new_changeset(
            connection,
            MERGE,
            by=by,
            note=note or f"merge {shown.gone} ({shown.gone_name}) into {shown.keep}",
        )
        _write(connection, now, changeset)
        return changeset


def _write(connection: Connection, plan: MergePlan, changeset: int) -> None:
    keep, gone = plan.keep, plan.gone
    kept, went = orgs._get(connection, keep), orgs._get(connection, gone)
    known = {(norm_text(a["spelling"]), a["kind"]) for a in kept["aliases"]}
    known.add((norm_text(kept["name"]), "name"))
    rows = []
    for spelling, kind, met_in in [(went["name"], "name", "merge")] + [
        (a["spelling"], a["kind"], a["met_in"]) for a in went["aliases"]
    ]:
        norm = norm_text(spelling)
        if norm and (norm, kind) not in known:
            known.add((norm, kind))
            rows.append(
                {
                    "organisation_id": keep,
                    "spelling": spelling,
                    "norm": norm,
                    "kind": kind,
                    "met_in": met_in or "merge",
                    "changeset_id": changeset,
                }
            )
    if rows:  # copies: gone keeps its own, for a revert to leave as they were
        connection.execute(insert(Alias), rows)
    _move_presences(connection, keep, gone, changeset)
    _move_links(connection, keep, gone, changeset)
    fields: dict[str, tuple[Any, Any]] = {
        name: (kept[name], value) for name, value in plan.fields_filled
    }
    if plan.funders_added:
        fields["funders"] = (kept["funders"], [*(kept["funders"] or []), *plan.funders_added])
    confirmed = [d for d in (kept["last_confirmed"], went["last_confirmed"]) if d is not None]
    values = {name: after for name, (_, after) in fields.items()}
    if confirmed:
        values["last_confirmed"] = max(confirmed)
    connection.execute(
        update(Organisation)
        .where(Organisation.id == keep)
        .values({**values, "version": Organisation.version + 1})
    )
    orgs._record(connection, changeset, keep, fields)
    connection.execute(
        update(Organisation)
        .where(Organisation.id == gone)
        .values(
            merged_into=keep, removed_in=changeset, active=False, version=Organisation.version + 1
        )
    )
    gone_fields: dict[str, tuple[Any, Any]] = {"merged_into": (None, keep)}
    if went["active"]:
        gone_fields["active"] = (True, False)
    orgs._record(connection, changeset, gone, gone_fields)


def _move_presences(connection: Connection, keep: int, gone: int, changeset: int) -> None:
    """Gone's presences become keep's; one keep holds in the same list, sector, area and
    mode is joined into keep's row (closed and opened again when the join changes it)."""
    holding = {_same_key(p): p for p in _open_presences(connection, keep)}
    pending: dict[tuple[Any, ...], dict[str, Any]] = {}  # joined rows, by fact
    copies, closing = [], []
    for presence in _open_presences(connection, gone):
        closing.append(int(presence.id))
        key = _same_key(presence)
        if key in pending:
            pending[key] = _joined_row(pending[key], presence)
        elif key in holding:
            pending[key] = _joined_row(holding[key], presence)
        else:
            copies.append(_as_dict(presence))
    for key, row in pending.items():
        mine = _as_dict(holding[key])
        if row != mine:
            closing.append(int(holding[key].id))
            copies.append(row)
    for row in copies:
        row.update(organisation_id=keep, opened_in=changeset, closed_in=None)
    _close(connection, closing, changeset)
    if copies:
        connection.execute(insert(Presence), copies)


def _move_links(connection: Connection, keep: int, gone: int, changeset: int) -> None:
    """Gone's partners become keep's, and those naming gone name keep: each moved link is
    closed and opened again (versioned, for the revert); duplicates and self-links close."""
    have: dict[int, set[int | None]] = {}
    for link in _open_links(connection, PartnerLink.organisation_id.in_([keep])):
        have.setdefault(keep, set()).add(link.partner_id)
    closing, opening = [], []
    before_after: dict[int, tuple[list[str], list[str]]] = {}
    for link in _open_links(connection, _of(gone)) + _open_links(
        connection, PartnerLink.partner_id == gone
    ):
        if link.id in closing:
            continue
        closing.append(int(link.id))
        owner = keep if link.organisation_id == gone else int(link.organisation_id)
        partner = keep if link.partner_id == gone else link.partner_id
        if owner == partner:
            continue
        mine = have.setdefault(owner, _partners_of(connection, owner))
        if partner in mine:
            continue
        mine.add(partner)
        opening.append(
            {
                "organisation_id": owner,
                "partner_id": partner,
                "partner_name": link.partner_name,
                "opened_in": changeset,
            }
        )
    if not closing:
        return
    owners = {keep} | {row["organisation_id"] for row in opening}
    for owner in owners:
        before_after[owner] = (_partner_names(connection, owner), [])
    connection.execute(
        update(PartnerLink).where(PartnerLink.id.in_(closing)).values(closed_in=changeset)
    )
    if opening:
        connection.execute(insert(PartnerLink), opening)
    for owner, (before, _) in before_after.items():
        after = _partner_names(connection, owner)
        if after != before:
            orgs._record(connection, changeset, owner, {links.PARTNERS: (before, after)})


def _partners_of(connection: Connection, owner: int) -> set[int | None]:
    return {link.partner_id for link in _open_links(connection, _of(owner))}


def _partner_names(connection: Connection, owner: int) -> list[str]:
    return [link.partner_name for link in _open_links(connection, _of(owner))]


# ---------------------------------------------------------------- undoing a merge


def _standing(connection: Connection, ids: set[int], target: int) -> set[int]:
    """Of ``ids``, the changesets in force, later than ``target`` and not its own revert."""
    if not ids:
        return set()
    return set(
        connection.scalars(
            select(Changeset.id).where(
                Changeset.id.in_(sorted(ids)),
                Changeset.id > target,
                Changeset.reverted_by_id.is_(None),
                Changeset.kind != REVERT,
            )
        )
    )


def touching(connection: Connection, target: int) -> set[int]:
    """Changesets in force after ``target`` that changed what it did: closed a presence it
    opened (or the copy a revert put back), closed a partner link it opened, or changed
    again a field it changed."""
    closers: set[int] = set()
    opened = connection.execute(
        select(Presence.closed_in).where(
            Presence.opened_in == target, Presence.closed_in.is_not(None)
        )
    ).all()
    closers |= {int(row.closed_in) for row in opened}
    closers |= {int(row.closed_in) for row in lineage(connection, target) if row.closed_in}
    closers |= set(
        connection.scalars(
            select(PartnerLink.closed_in).where(
                PartnerLink.opened_in == target, PartnerLink.closed_in.is_not(None)
            )
        )
    )
    for org_id, name in connection.execute(
        select(Change.organisation_id, Change.field).where(
            Change.changeset_id == target, Change.reverted_by_id.is_(None)
        )
    ).all():
        closers |= set(
            connection.scalars(
                select(Change.changeset_id).where(
                    Change.organisation_id == org_id,
                    Change.field == name,
                    Change.changeset_id > target,
                    Change.reverted_by_id.is_(None),
                )
            )
        )
    return _standing(connection, closers, target)


def revert_merge(engine: Engine, changeset: int, *, by: str = "") -> Reverted:
    """Undo a merge whole: both organisations as they were, their presences, partners,
    aliases and fields. Refused, writing nothing, when a later change touched what it did
    (revert that one first)."""
    with engine.begin() as connection:
        return _revert_merge(connection, changeset, by=by)


def _revert_merge(connection: Connection, changeset: int, *, by: str) -> Reverted:
    target = connection.execute(
        select(Changeset.id, Changeset.kind, Changeset.reverted_by_id).where(
            Changeset.id == changeset
        )
    ).first()
    if target is None or target.kind != MERGE:
        raise RegistryError(*pair(Msg.MERGING_NO_MERGE, changeset=changeset))
    if target.reverted_by_id is not None:
        raise RegistryError(
            *pair(
                Msg.MERGING_ALREADY_REVERTED,
                changeset=changeset,
                reverted_by=target.reverted_by_id,
            )
        )
    later = sorted(touching(connection, changeset))
    if later:
        raise RegistryError(
            *pair(
                Msg.MERGING_TOUCHED_SINCE,
                changeset=changeset,
                later=", ".join(map(str, later)),
            )
        )
    touched = set(
        connection.scalars(select(Change.organisation_id).where(Change.changeset_id == changeset))
    )
    closed_links = list(
        connection.execute(select(PartnerLink.__table__).where(PartnerLink.closed_in == changeset))
    )
    touched |= {int(link.organisation_id) for link in closed_links}
    done = _revert(connection, changeset, by=by, note=f"revert merge {changeset}")
    connection.execute(  # every link the merge opened (re-pointed ones keep their names)
        update(PartnerLink)
        .where(PartnerLink.opened_in == changeset, PartnerLink.closed_in.is_(None))
        .values(closed_in=done.changeset)
    )
    if closed_links:  # the links the merge closed, open again as they were
        connection.execute(
            insert(PartnerLink),
            [
                {
                    "organisation_id": link.organisation_id,
                    "partner_id": link.partner_id,
                    "partner_name": link.partner_name,
                    "opened_in": done.changeset,
                }
                for link in closed_links
            ],
        )
    connection.execute(
        update(Organisation).where(Organisation.removed_in == changeset).values(removed_in=None)
    )
    connection.execute(  # an editor who opened one of them before the revert must reload it
        update(Organisation)
        .where(Organisation.id.in_(sorted(touched)))
        .values(version=Organisation.version + 1)
    )
    return done
