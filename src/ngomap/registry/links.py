"""Local partners and funders read from a round: links between organisations, with provenance.

A 3W names, on each row, the local partners an organisation works through ("A; B") and who
funds it. When a round is applied, each organisation of the file gets:

- its **partners** as links to other organisations (``partner_links``), found by the same
  rule as the file's own organisations (a known spelling or alias, then a known acronym that
  names one organisation only) or created, with the spelling kept as an alias;
- its **funders** added to its list of funders.

A round adds the partners and funders it names and takes none away (a file that leaves the
column empty says nothing; taking one away is a hand edit). Each addition is a ``changes``
row of the round's changeset (field ``partners`` or ``funders``, the list before and after),
so the organisation's history shows it with the round it came from, and reverting the round
takes it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, and_, bindparam, insert, or_, select, update

from ngomap import schema as s
from ngomap.normalise import clean_text, norm_text, split_names
from ngomap.registry.compare import LinkChange
from ngomap.registry.models import Alias, Change, Changeset, Organisation, PartnerLink

PARTNERS: Final = "partners"  # the field name of a partners change (not a column)
FUNDERS: Final = "funders"
# Cell values that name no funder (a category or a blank), in any case or accent.
NOT_A_FUNDER: Final = frozenset(
    norm_text(v)
    for v in (
        "Fonds propres",
        "Own funds",
        "Ressources propres",
        "Autofinancement",
        "Self-funded",
        "Autre",
        "Other",
        "Inconnu",
        "Unknown",
        "N/A",
        "NA",
        "-",
        "Aucun",
        "None",
    )
)


@dataclass(frozen=True)
class Added:
    """What a round added: partner links, organisations created as partners, funders."""

    links: int = 0
    partners_created: int = 0
    funders: int = 0


def _per_organisation(
    records: pd.DataFrame, org_of_row: np.ndarray[Any, Any], column: str, *, funders: bool
) -> dict[int, list[str]]:
    """{organisation: distinct names (first spelling kept)} of a partner or funder column;
    each distinct cell is split once."""
    if column not in records:
        return {}
    frame = pd.DataFrame({"org": org_of_row, "value": records[column].to_numpy(dtype=object)})
    frame = frame[frame["value"].notna()].drop_duplicates()
    out: dict[int, dict[str, str]] = {}
    for org, value in zip(frame["org"].tolist(), frame["value"].tolist(), strict=True):
        for name in split_names(value):
            norm = norm_text(name)
            if norm and not (funders and norm in NOT_A_FUNDER):
                out.setdefault(int(org), {}).setdefault(norm, name)
    return {org: list(names.values()) for org, names in sorted(out.items())}


class _Finder:
    """Which organisation a partner's name is: a name or alias, else a unique acronym."""

    def __init__(self, connection: Connection) -> None:
        self.by_name: dict[str, int] = {}
        acronyms: dict[str, set[int]] = {}
        for norm, kind, org_id in connection.execute(
            select(Alias.norm, Alias.kind, Alias.organisation_id)
            .join(Organisation, Organisation.id == Alias.organisation_id)
            .where(Organisation.merged_into.is_(None))
            .order_by(Alias.id)
        ):
            if kind == "acronym":
                acronyms.setdefault(norm, set()).add(int(org_id))
            else:
                self.by_name.setdefault(norm, int(org_id))
        self.by_acronym = {k: next(iter(v)) for k, v in acronyms.items() if len(v) == 1}

    def find(self, name: str) -> int | None:
        norm = norm_text(name)
        found = self.by_name.get(norm)
        return found if found is not None else self.by_acronym.get(norm)


def _create(
    connection: Connection, names: list[str], *, changeset: int, where: str
) -> dict[str, int]:
    """Organisations for partners the registry does not know, each with its spelling."""
    from ngomap.registry.rounds import _unique_key

    rows = [
        {
            "key": _unique_key(connection, norm_text(name)),
            "name": clean_text(name),
            "acronym": "",
            "org_type": "",
            "created_in": changeset,
            "version": 1,
            "active": True,
            "contacts_public": [],
            "contacts_staff": [],
            "funders": [],
        }
        for name in names
    ]
    ids = (
        connection.execute(
            insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True), rows
        )
        .scalars()
        .all()
    )
    connection.execute(
        insert(Alias),
        [
            {
                "organisation_id": org_id,
                "spelling": clean_text(name),
                "norm": norm_text(name),
                "kind": "name",
                "met_in": where,
                "changeset_id": changeset,
            }
            for name, org_id in zip(names, ids, strict=True)
        ],
    )
    return {norm_text(n): int(i) for n, i in zip(names, ids, strict=True)}


def _open_links(connection: Connection, org_ids: list[int]) -> dict[int, dict[int, str]]:
    """{organisation: {partner id: partner name}} of the links open now."""
    out: dict[int, dict[int, str]] = {}
    for org, partner, name in connection.execute(
        select(PartnerLink.organisation_id, PartnerLink.partner_id, PartnerLink.partner_name)
        .where(PartnerLink.organisation_id.in_(org_ids), PartnerLink.closed_in.is_(None))
        .order_by(PartnerLink.id)
    ):
        out.setdefault(int(org), {})[int(partner) if partner is not None else -1] = name
    return out


def record_round(
    connection: Connection,
    records: pd.DataFrame,
    org_of_row: np.ndarray[Any, Any],
    *,
    changeset: int,
    where: str,
) -> Added:
    """Add the partners and funders that ``records`` name (``org_of_row``: each record's
    organisation id) in the round's ``changeset``; ``where``: the file, for new aliases."""
    partners = _per_organisation(records, org_of_row, s.PARTNER, funders=False)
    funders = _per_organisation(records, org_of_row, s.FUNDER, funders=True)
    created: dict[str, int] = {}
    links = 0
    if partners:
        finder = _Finder(connection)
        unknown: dict[str, str] = {}
        for names in partners.values():
            for name in names:
                if finder.find(name) is None:
                    unknown.setdefault(norm_text(name), name)
        if unknown:
            created = _create(connection, list(unknown.values()), changeset=changeset, where=where)
        links = _link(connection, partners, finder, created, changeset=changeset)
    added_funders = _add_funders(connection, funders, changeset=changeset) if funders else 0
    return Added(links=links, partners_created=len(created), funders=added_funders)


def _link(
    connection: Connection,
    partners: Mapping[int, list[str]],
    finder: _Finder,
    created: Mapping[str, int],
    *,
    changeset: int,
) -> int:
    current = _open_links(connection, list(partners))
    rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for org, names in partners.items():
        had = current.get(org, {})
        before = list(had.values())
        after = list(before)
        for name in names:
            partner = finder.find(name)
            if partner is None:
                partner = created[norm_text(name)]
            if partner == org or partner in had:
                continue
            had = {**had, partner: name}
            after.append(name)
            rows.append(
                {
                    "organisation_id": org,
                    "partner_id": partner,
                    "partner_name": clean_text(name),
                    "opened_in": changeset,
                }
            )
        if after != before:
            changes.append(
                {
                    "changeset_id": changeset,
                    "organisation_id": org,
                    "field": PARTNERS,
                    "before": before,
                    "after": after,
                }
            )
    if rows:
        connection.execute(insert(PartnerLink), rows)
        connection.execute(insert(Change), changes)
    return len(rows)


def _add_funders(
    connection: Connection, funders: Mapping[int, list[str]], *, changeset: int
) -> int:
    current = {
        int(org): list(known or [])
        for org, known in connection.execute(
            select(Organisation.id, Organisation.funders).where(Organisation.id.in_(list(funders)))
        )
    }
    updates: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for org, names in funders.items():
        before = current.get(org, [])
        known = {norm_text(f) for f in before}
        after = before + [n for n in names if norm_text(n) not in known]
        if len(after) == len(before):
            continue
        updates.append({"org": org, "after": after})
        changes.append(
            {
                "changeset_id": changeset,
                "organisation_id": org,
                "field": FUNDERS,
                "before": before,
                "after": after,
            }
        )
    if updates:
        connection.execute(
            update(Organisation)
            .where(Organisation.id == bindparam("org"))
            .values(funders=bindparam("after"), version=Organisation.version + 1),
            updates,
        )
        connection.execute(insert(Change), changes)
    return sum(len(c["after"]) - len(c["before"]) for c in changes)


def preview_round(
    connection: Connection,
    records: pd.DataFrame,
    org_of_row: np.ndarray[Any, Any],
    names: Mapping[int, str],
) -> list[LinkChange]:
    """What ``record_round`` would add, without writing: per organisation (``org_of_row``,
    negative for one the round creates; ``names``: each one's name), the partners and the
    funders it does not have yet. A round takes none away (see the module's text)."""
    partners = _per_organisation(records, org_of_row, s.PARTNER, funders=False)
    funders = _per_organisation(records, org_of_row, s.FUNDER, funders=True)
    out: list[LinkChange] = []
    if partners:
        finder = _Finder(connection)
        known = [org for org in partners if org >= 0]
        current = _open_links(connection, known) if known else {}
        for org, written in partners.items():
            had = set(current.get(org, {}))
            added: list[str] = []
            for name in written:
                partner = finder.find(name)
                if partner is not None and (partner == org or partner in had):
                    continue
                if partner is not None:
                    had.add(partner)
                added.append(name)
            if added:
                out.append(LinkChange(org, names.get(org, ""), PARTNERS, tuple(added)))
    if funders:
        ids = [org for org in funders if org >= 0]
        current_funders = {
            int(org): list(known or [])
            for org, known in connection.execute(
                select(Organisation.id, Organisation.funders).where(Organisation.id.in_(ids))
            )
        }
        for org, written in funders.items():
            have = {norm_text(f) for f in current_funders.get(org, [])}
            added = [n for n in written if norm_text(n) not in have]
            if added:
                out.append(LinkChange(org, names.get(org, ""), FUNDERS, tuple(added)))
    return sorted(out, key=lambda c: (norm_text(c.name), c.kind))


def between(connection: Connection, first: int | None, second: int | None) -> list[LinkChange]:
    """Partners and funders added and removed between changesets ``first`` and ``second``
    (None: the empty registry, or now): partner links by their versions, funders by the
    change log."""
    if first is not None and second is not None and first > second:  # backwards in time
        return [
            LinkChange(c.organisation_id, c.name, c.kind, c.removed, c.added)
            for c in between(connection, second, first)
        ]
    low = first or 0
    high = second if second is not None else 2**62
    changes: dict[tuple[int, str], tuple[list[str], list[str]]] = {}
    for org, name, opened, closed in connection.execute(
        select(
            PartnerLink.organisation_id,
            PartnerLink.partner_name,
            PartnerLink.opened_in,
            PartnerLink.closed_in,
        ).where(
            or_(
                and_(PartnerLink.opened_in > low, PartnerLink.opened_in <= high),
                and_(PartnerLink.closed_in > low, PartnerLink.closed_in <= high),
            )
        )
    ):
        held_before = opened <= low and (closed is None or closed > low)
        held_after = opened <= high and (closed is None or closed > high)
        if held_before == held_after:
            continue
        added, removed = changes.setdefault((int(org), PARTNERS), ([], []))
        (added if held_after else removed).append(str(name))
    funders: dict[int, tuple[list[str], list[str]]] = {}
    for org, before, after in connection.execute(
        select(Change.organisation_id, Change.before, Change.after)
        .where(Change.field == FUNDERS, Change.changeset_id > low, Change.changeset_id <= high)
        .order_by(Change.id)
    ):
        start, _ = funders.setdefault(int(org), (list(before or []), []))
        funders[int(org)] = (start, list(after or []))
    for org, (before, after) in funders.items():
        old, new = {norm_text(f) for f in before}, {norm_text(f) for f in after}
        added = [f for f in after if norm_text(f) not in old]
        removed = [f for f in before if norm_text(f) not in new]
        if added or removed:
            changes[(org, FUNDERS)] = (added, removed)
    if not changes:
        return []
    ids = sorted({org for org, _ in changes})
    names = dict(
        connection.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ).all()
    )
    out = [
        LinkChange(org, str(names.get(org, "")), kind, tuple(added), tuple(removed))
        for (org, kind), (added, removed) in changes.items()
        if added or removed
    ]
    return sorted(out, key=lambda c: (norm_text(c.name), c.kind))


def revert_partners(
    connection: Connection, *, organisation_id: int, target: int, changeset: int
) -> bool:
    """Close the links that changeset ``target`` opened for an organisation, in ``changeset``;
    False (nothing done) when one of them was closed since (a later change to keep)."""
    opened = and_(PartnerLink.organisation_id == organisation_id, PartnerLink.opened_in == target)
    if connection.scalar(select(PartnerLink.id).where(opened, PartnerLink.closed_in.is_not(None))):
        return False
    before = [
        name
        for (name,) in connection.execute(
            select(PartnerLink.partner_name)
            .where(PartnerLink.organisation_id == organisation_id, PartnerLink.closed_in.is_(None))
            .order_by(PartnerLink.id)
        )
    ]
    gone = set(
        connection.scalars(
            select(PartnerLink.partner_name).where(opened, PartnerLink.closed_in.is_(None))
        )
    )
    connection.execute(update(PartnerLink).where(opened).values(closed_in=changeset))
    connection.execute(
        insert(Change).values(
            changeset_id=changeset,
            organisation_id=organisation_id,
            field=PARTNERS,
            before=before,
            after=[n for n in before if n not in gone],
        )
    )
    return True


def partners(
    connection_or_engine: Connection | Engine, organisation_id: int, *, as_of: int | None = None
) -> pd.DataFrame:
    """An organisation's local partners now (or at changeset ``as_of``): partner id, name as
    written, and the changeset, round and date that added each."""
    if isinstance(connection_or_engine, Engine):
        with connection_or_engine.connect() as connection:
            return partners(connection, organisation_id, as_of=as_of)
    holds = (
        PartnerLink.closed_in.is_(None)
        if as_of is None
        else and_(
            PartnerLink.opened_in <= as_of,
            or_(PartnerLink.closed_in.is_(None), PartnerLink.closed_in > as_of),
        )
    )
    rows = connection_or_engine.execute(
        select(
            PartnerLink.partner_id,
            PartnerLink.partner_name,
            Organisation.name,
            PartnerLink.opened_in,
            Changeset.round_id,
            Changeset.effective,
        )
        .join(Changeset, Changeset.id == PartnerLink.opened_in)
        .outerjoin(Organisation, Organisation.id == PartnerLink.partner_id)
        .where(PartnerLink.organisation_id == organisation_id, holds)
        .order_by(PartnerLink.id)
    ).all()
    columns = ["partner_id", "as_written", "partner", "changeset", "round", "since"]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
