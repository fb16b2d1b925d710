"""The public read feed's data: organisations and presences as anyone may see them.

Every row goes through ``accounts.visible`` for the public role, so staff-only contacts
and notes never reach the feed; merged and removed organisations are left out. The bytes
(JSON, CSV with HXL hashtags, GeoJSON) are made by ``ngomap.api``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine, exists, select

from ngomap.registry.accounts import PUBLIC, visible
from ngomap.registry.models import Changeset, Organisation, PartnerLink, Presence
from ngomap.registry.state import latest_changeset

ORGANISATION_FIELDS: Final = (
    "id",
    "name",
    "acronym",
    "org_type",
    "country",
    "headquarters",
    "website",
    "contacts_public",
    "contacts_staff",  # dropped by ``visible`` for the public: kept here to prove it
    "funders",
    "active",
    "last_confirmed",
    "version",  # given back by an update request, to tell edits made since
)
PRESENCE_FIELDS: Final = (
    "organisation_id",
    "list_source",
    "sector",
    "area_code",
    "area_level",
    "national",
    "adm1_code",
    "adm1_name",
    "adm2_code",
    "adm2_name",
    "adm3_code",
    "adm3_name",
    "mode",
    "start",
    "end",
)
# HXL hashtags of the CSV's columns (https://hxlstandard.org).
HXL: Final[dict[str, str]] = {
    "id": "#org+id",
    "name": "#org+name",
    "acronym": "#org+acronym",
    "org_type": "#org+type",
    "country": "#country+origin",
    "headquarters": "#org+hq",
    "website": "#org+url",
    "contacts_public": "#contact",
    "funders": "#org+funder",
    "active": "#status+active",
    "last_confirmed": "#date+confirmed",
}


@dataclass(frozen=True)
class Snapshot:
    """The public data at one changeset, with its version tag and when it last changed."""

    changeset: int
    updated: datetime
    organisations: list[dict[str, Any]]
    presences: list[dict[str, Any]]

    @property
    def etag(self) -> str:
        """A tag that changes whenever the registry does."""
        return f'"ngomap-{self.changeset}"'


def version(engine: Engine) -> tuple[int, datetime]:
    """The newest changeset and when it was written (cheap: to answer 304 without reading)."""
    with engine.connect() as connection:
        changeset = latest_changeset(connection)
        at = connection.scalar(select(Changeset.at).where(Changeset.id == changeset))
    when = at or datetime(1970, 1, 1, tzinfo=UTC)
    return changeset, (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def partner_only(connection: Connection) -> set[int]:
    """Organisations known only as someone's local partner: named in a partner column, never
    with a presence of their own. They are not entries of the list (the directory, the feed,
    reminders leave them out); they show as partners of the organisations that name them."""
    has_presence = exists().where(Presence.organisation_id == Organisation.id)
    is_partner = exists().where(
        PartnerLink.partner_id == Organisation.id, PartnerLink.closed_in.is_(None)
    )
    return set(connection.scalars(select(Organisation.id).where(~has_presence, is_partner)))


def snapshot(engine: Engine, *, role: str = PUBLIC, listed_only: bool = True) -> Snapshot:
    """The organisations (not merged, not removed) and their open presences, as ``role``
    may see them; with ``listed_only``, without the organisations known only as partners."""
    changeset, updated = version(engine)
    with engine.connect() as connection:
        orgs = connection.execute(
            select(*(getattr(Organisation, f) for f in ORGANISATION_FIELDS))
            .where(Organisation.merged_into.is_(None), Organisation.removed_in.is_(None))
            .order_by(Organisation.id)
        ).all()
        left_out = partner_only(connection) if listed_only else set()
        presences = connection.execute(
            select(*(getattr(Presence, f) for f in PRESENCE_FIELDS))
            .where(Presence.closed_in.is_(None))
            .order_by(Presence.id)
        ).all()
    organisations = [
        visible({k: _plain(v) for k, v in row._mapping.items()}, role)
        for row in orgs
        if row.id not in left_out
    ]
    known = {org["id"] for org in organisations}
    kept = [
        visible({k: _plain(v) for k, v in row._mapping.items()}, role)
        for row in presences
        if row.organisation_id in known
    ]
    return Snapshot(changeset, updated, organisations, kept)
