"""An organisation's entry as the registry keeps it, for its page: the profile fields its
viewer may see (``accounts.visible``), its local partners, when it was last confirmed, and
its history in a few counts and its latest events (staff-only fields left out for others).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import pandas as pd
from sqlalchemy import Engine, select

from ngomap.registry import accounts as ac
from ngomap.registry import organisations as orgs
from ngomap.registry import requests as rq
from ngomap.registry.models import Organisation, PartnerLink

PROFILE_FIELDS: Final = (
    "name",
    "acronym",
    "org_type",
    "country",
    "headquarters",
    "website",
    "contacts_public",
    "contacts_staff",
    "funders",
    "last_confirmed",
)
LATEST: Final = 8  # events shown


@dataclass(frozen=True)
class Entry:
    """What the page shows of one organisation from the registry."""

    id: int
    fields: dict[str, Any]  # only those the viewer may see
    partners: tuple[str, ...]
    listed_since: date | None
    rounds: int  # rounds that touched it
    added: int  # presences added
    withdrawn: int  # presences withdrawn
    edits: int  # field changes
    requests: int  # request events (sent, decided)
    latest: pd.DataFrame = field(repr=False)  # the newest events: at, what, field, after


def find_by_key(engine: Engine, org_key: str) -> int | None:
    """The registry id of the organisation with this key (None when it is not listed)."""
    with engine.connect() as connection:
        found = connection.scalar(
            select(Organisation.id).where(
                Organisation.key == org_key, Organisation.merged_into.is_(None)
            )
        )
    return int(found) if found is not None else None


def _day(value: Any) -> date | None:
    stamp = pd.to_datetime(value, utc=True, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()


def entry(engine: Engine, organisation_id: int, *, role: str) -> Entry:
    """The organisation's entry as ``role`` may see it."""
    record = orgs.get(engine, organisation_id)
    shown = ac.visible({k: record.get(k) for k in PROFILE_FIELDS}, role)
    with engine.connect() as connection:
        partners = tuple(
            sorted(
                {
                    str(name)
                    for name in connection.scalars(
                        select(PartnerLink.partner_name).where(
                            PartnerLink.organisation_id == organisation_id,
                            PartnerLink.closed_in.is_(None),
                        )
                    )
                },
                key=str.casefold,
            )
        )
    events = rq.history(engine, organisation_id)
    if not ac.can(role, "staff_fields"):  # a staff-only field's changes are staff-only too
        events = events.loc[~events["field"].isin(list(ac.STAFF_FIELDS))]
    what = events["what"].astype(str)
    shown_events = events
    if not ac.can(role, "staff_fields"):  # request references and notes are the staff's
        shown_events = events.loc[~what.str.startswith("request")]
    latest = shown_events.assign(_at=pd.to_datetime(shown_events["at"], utc=True, errors="coerce"))
    latest = latest.sort_values("_at", ascending=False, kind="stable").head(LATEST)
    return Entry(
        id=organisation_id,
        fields=shown,
        partners=partners,
        listed_since=_day(events["effective"].min()) if len(events) else None,
        rounds=int(events.loc[events["kind"] == "round", "round"].nunique()),
        added=int((what == "presence added").sum()),
        withdrawn=int((what == "presence withdrawn").sum()),
        edits=int((what == "field").sum()),
        requests=int(what.str.startswith("request").sum()),
        latest=latest[["at", "what", "field", "after"]].reset_index(drop=True),
    )
