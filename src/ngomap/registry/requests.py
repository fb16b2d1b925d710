"""Listing requests: an organisation asks to be listed or to update its entry; validators decide.

``submit`` checks a request (size of every field, known sectors and modes, known P-codes,
a honeypot, a rate limit per session and per address) and keeps it with a reference
number; ``queue`` lists the open ones, oldest first, flagging those waiting too long;
``difference`` compares a request with the organisation's current entry field by field;
``decide`` approves (one changeset of kind "request", revertible with ``revert``),
rejects or asks for information, each decision kept in the organisation's history.

Submitted text stays text: it is stored as given (spaces tidied), never rendered as HTML or
Markdown by this module, and escaped by whoever shows it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from ngomap import vocab
from ngomap.areas.boundaries import LEVEL, NAME_FR, PARENT
from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text, norm_text
from ngomap.registry import organisations as orgs
from ngomap.registry.access_models import (
    APPROVED,
    NEEDS_INFO,
    NEW,
    OPEN_STATUSES,
    REJECTED,
    ListingRequest,
    RequestEvent,
)
from ngomap.registry.db import RegistryError
from ngomap.registry.models import REQUEST, Alias, Changeset, Organisation, Presence
from ngomap.registry.rounds import (
    DEFAULT_SOURCE,
    Reverted,
    _new_changeset,
    _revert,
    _scalar_int,
    _unique_key,
)

# The organisation's fields a request may ask for (all public), with their size limits.
PROFILE_FIELDS: Final[dict[str, int]] = {
    "name": 300,
    "acronym": 100,
    "org_type": 50,
    "country": 100,
    "headquarters": 300,
    "website": 300,
    "contacts_public": 500,
    "funders": 500,
}
CONTACT_FIELDS: Final[dict[str, int]] = {"name": 200, "email": 254, "phone": 50, "role": 200}
MESSAGE_LIMIT: Final = 2000
NOTE_LIMIT: Final = 2000
PRESENCE_LIMIT: Final = 300  # presences in one request
LIST_ITEMS: Final = 20  # public contacts or funders, each within the field's limit
NATIONWIDE: Final = ""  # the area code of a nationwide presence
SESSION_HOUR: Final = 3
ADDRESS_HOUR: Final = 10
ADDRESS_DAY: Final = 30
OVERDUE_DAYS: Final = 14


class RequestError(RegistryError):
    """A request that cannot be kept or decided as asked; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__(" ".join(en for en, _ in problems), " ".join(fr for _, fr in problems))
        self.problems = list(problems)


class TooManyRequestsError(RegistryError):
    """Too many requests from one session or address in a while: try again later."""


@dataclass(frozen=True)
class Limits:
    """How many requests one session or one address may send in an hour, and an address in
    a day."""

    session_per_hour: int = SESSION_HOUR
    address_per_hour: int = ADDRESS_HOUR
    address_per_day: int = ADDRESS_DAY


@dataclass(frozen=True)
class PresenceAsk:
    """One presence asked for: a sector code, a P-code ("" for nationwide), a mode code."""

    sector: str
    area_code: str
    mode: str


@dataclass(frozen=True)
class RequestForm:
    """What a requester sent. ``organisation_id`` is the entry to update (None: a new one)."""

    profile: Mapping[str, Any]
    presences: Sequence[PresenceAsk]
    contact: Mapping[str, str]
    message: str = ""
    language: str = "fr"
    organisation_id: int | None = None
    based_on_version: int | None = None


@dataclass(frozen=True)
class Submitted:
    """The reference number given back, and whether the request was kept (a honeypot
    filled in gives a reference too, so that a robot learns nothing, but nothing is kept)."""

    reference: str
    kept: bool


@dataclass(frozen=True)
class FieldDifference:
    """One profile field: its value now and the value asked for."""

    field: str
    current: Any
    requested: Any

    @property
    def changed(self) -> bool:
        """True when the request changes this field."""
        return bool(self.current != self.requested)


@dataclass(frozen=True)
class Difference:
    """A request against the organisation's current entry, field by field and presence by
    presence (keys are (sector, area code); nationwide is "")."""

    reference: str
    organisation_id: int | None
    fields: list[FieldDifference]
    added: list[PresenceAsk]
    withdrawn: list[PresenceAsk]
    mode_changed: list[tuple[PresenceAsk, PresenceAsk]]  # (now, asked)
    unchanged: list[PresenceAsk]
    changed_since_sent: bool  # the entry was edited after the form showed it

    @property
    def changed_fields(self) -> list[str]:
        """The fields the request changes."""
        return [f.field for f in self.fields if f.changed]

    @property
    def is_empty(self) -> bool:
        """True when approving would change nothing."""
        return not (self.changed_fields or self.added or self.withdrawn or self.mode_changed)


@dataclass(frozen=True)
class Decision:
    """What a decision did: the request's new status and, once approved, its changeset."""

    reference: str
    status: str
    organisation_id: int | None
    changeset: int | None = None
    changes: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- sending


def client_hash(value: str) -> str:
    """A keyed hash of a session id or client address: rate limits work on it, and the
    address itself is never stored. The key is ``$NGOMAP_SECRET`` when set."""
    key = os.environ.get("NGOMAP_SECRET", "ngomap-requests").encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest() if value else ""


def _text(
    problems: list[tuple[str, str]], what: str, value: object, limit: int, *, required: bool = False
) -> str:
    text = clean_text(value)
    text = "".join(ch for ch in text if ch.isprintable())  # no control characters
    if len(text) > limit:
        problems.append(
            pair(Msg.REQUESTS_CHARACTERS_AT_MOST, what=what, n_text=len(text), limit=limit)
        )
    if required and not text:
        problems.append(pair(Msg.REQUESTS_REQUIRED, what=what))
    return text


def _list(problems: list[tuple[str, str]], what: str, value: object, limit: int) -> list[Any]:
    items: list[Any] = []
    if value in (None, ""):
        return items
    values = value if isinstance(value, list | tuple) else [value]
    if len(values) > LIST_ITEMS:
        problems.append(pair(Msg.REQUESTS_AT_MOST_ITEMS, what=what, list_items=LIST_ITEMS))
    for item in values[:LIST_ITEMS]:
        if isinstance(item, Mapping):
            kept = {str(k)[:50]: _text(problems, what, v, min(limit, 300)) for k, v in item.items()}
            if any(kept.values()):
                items.append(kept)
        else:
            text = _text(problems, what, item, min(limit, 300))
            if text:
                items.append(text)
    return items


def _checked_profile(
    problems: list[tuple[str, str]], profile: Mapping[str, Any], *, new: bool
) -> dict[str, Any]:
    unknown = sorted(set(profile) - set(PROFILE_FIELDS))
    if unknown:
        problems.append(pair(Msg.REQUESTS_UNKNOWN_FIELDS, unknown=", ".join(unknown)))
    out: dict[str, Any] = {}
    for name, limit in PROFILE_FIELDS.items():
        if name not in profile and not new:
            continue  # an update asks only for the fields it gives
        if name in ("contacts_public", "funders"):
            out[name] = _list(problems, name, profile.get(name), limit)
        else:
            out[name] = _text(problems, name, profile.get(name), limit, required=name == "name")
    if out.get("org_type") and out["org_type"] not in vocab.org_types().codes:
        problems.append(pair(Msg.REQUESTS_ORG_TYPE_NOT, out=out["org_type"]))
    return out


def _area_chain(areas: pd.DataFrame | None, code: str) -> dict[str, Any] | None:
    """The levels above a P-code (codes and names), from a frame indexed by P-code with
    the level, French name and parent columns (``Boundaries.areas``); None when unknown."""
    if code == NATIONWIDE:
        return {"national": True, "area_level": None}
    if areas is None:
        return {"national": False, "area_level": None}
    if code not in areas.index:
        return None
    chain: dict[str, Any] = {"national": False, "area_level": str(areas.at[code, LEVEL])}
    current: Any = code
    while isinstance(current, str) and current in areas.index:
        level = str(areas.at[current, LEVEL])
        chain[f"{level}_code"] = current
        chain[f"{level}_name"] = str(areas.at[current, NAME_FR])
        parent = areas.at[current, PARENT]
        current = parent if isinstance(parent, str) and parent else None
    return chain


def _checked_presences(
    problems: list[tuple[str, str]],
    presences: Sequence[PresenceAsk],
    areas: pd.DataFrame | None,
) -> list[dict[str, Any]]:
    if len(presences) > PRESENCE_LIMIT:
        problems.append(pair(Msg.REQUESTS_AT_MOST_PRESENCES, presence_limit=PRESENCE_LIMIT))
    sectors, modes = set(vocab.sectors().codes), set(vocab.presence_modes().codes)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for number, ask in enumerate(presences[:PRESENCE_LIMIT], start=1):
        sector, code, mode = clean_text(ask.sector), clean_text(ask.area_code), clean_text(ask.mode)
        where = f"presence {number}"
        if sector not in sectors:
            problems.append(pair(Msg.REQUESTS_UNKNOWN_SECTOR, where=where, sector=sector[:50]))
        if mode not in modes:
            problems.append(pair(Msg.REQUESTS_UNKNOWN_MODE, where=where, mode=mode[:50]))
        chain = _area_chain(areas, code)
        if chain is None or len(code) > 50:
            problems.append(pair(Msg.REQUESTS_UNKNOWN_CODE, where=where, code=code[:50]))
            continue
        out[(sector, code)] = {"sector": sector, "area_code": code, "mode": mode, **chain}
    return list(out.values())


def _reference(connection: Connection, now: datetime) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    while True:
        reference = f"{now:%y%m}-" + "".join(secrets.choice(alphabet) for _ in range(6))
        taken = connection.scalar(
            select(ListingRequest.id).where(ListingRequest.reference == reference)
        )
        if taken is None:
            return reference


def _fake_reference(now: datetime) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"{now:%y%m}-" + "".join(secrets.choice(alphabet) for _ in range(6))


def _check_rate(
    connection: Connection, session: str, address: str, now: datetime, limits: Limits
) -> None:
    def count(column: Any, value: str, since: datetime) -> int:
        if not value:
            return 0
        return int(
            connection.scalar(
                select(func.count())
                .select_from(ListingRequest)
                .where(column == value, ListingRequest.created_at >= since)
            )
            or 0
        )

    hour, day = now - timedelta(hours=1), now - timedelta(days=1)
    if (
        count(ListingRequest.session_hash, session, hour) >= limits.session_per_hour
        or count(ListingRequest.address_hash, address, hour) >= limits.address_per_hour
        or count(ListingRequest.address_hash, address, day) >= limits.address_per_day
    ):
        raise TooManyRequestsError(
            *pair(Msg.REQUESTS_MANY_REQUESTS_WERE),
        )


def submit(
    engine: Engine,
    form: RequestForm,
    *,
    session: str,
    address: str = "",
    honeypot: str = "",
    limits: Limits = Limits(),
    areas: pd.DataFrame | None = None,
    now: datetime | None = None,
) -> Submitted:
    """Keep a request and give its reference number.

    Every problem is reported at once (RequestError); too many requests from one session or
    address raise TooManyRequestsError. ``areas`` (``Boundaries.areas``) checks P-codes and
    keeps the levels above each; ``honeypot`` is a field hidden from people.
    """
    now = now or datetime.now(UTC)
    if honeypot.strip():
        return Submitted(reference=_fake_reference(now), kept=False)
    problems: list[tuple[str, str]] = []
    profile = _checked_profile(problems, form.profile, new=form.organisation_id is None)
    presences = _checked_presences(problems, form.presences, areas)
    unknown = sorted(set(form.contact) - set(CONTACT_FIELDS))
    if unknown:
        problems.append(pair(Msg.REQUESTS_UNKNOWN_CONTACT_FIELDS, unknown=unknown))
    contact = {
        name: _text(
            problems, f"contact {name}", form.contact.get(name), limit, required=name == "email"
        )
        for name, limit in CONTACT_FIELDS.items()
    }
    if contact["email"] and ("@" not in contact["email"] or " " in contact["email"]):
        problems.append(pair(Msg.REQUESTS_CONTACT_EMAIL_MAIL))
    message = _text(problems, "message", form.message, MESSAGE_LIMIT)
    language = form.language if form.language in ("fr", "en") else "fr"
    session_hash, address_hash = client_hash(session), client_hash(address)
    with engine.begin() as connection:
        if form.organisation_id is not None:
            exists = connection.scalar(
                select(Organisation.id).where(
                    Organisation.id == form.organisation_id, Organisation.merged_into.is_(None)
                )
            )
            if exists is None:
                problems.append(
                    pair(Msg.REQUESTS_THERE_NO_ORGANISATION, organisation_id=form.organisation_id)
                )
        if problems:
            raise RequestError(problems)
        _check_rate(connection, session_hash, address_hash, now, limits)
        reference = _reference(connection, now)
        request_id = connection.scalar(
            insert(ListingRequest)
            .values(
                reference=reference,
                organisation_id=form.organisation_id,
                based_on_version=form.based_on_version,
                profile=profile,
                presences=presences,
                contact=contact,
                message=message,
                language=language,
                status=NEW,
                created_at=now,
                note="",
                session_hash=session_hash,
                address_hash=address_hash,
            )
            .returning(ListingRequest.id)
        )
        connection.execute(
            insert(RequestEvent).values(
                request_id=request_id,
                organisation_id=form.organisation_id,
                at=now,
                by="requester",
                status=NEW,
                note="",
            )
        )
    return Submitted(reference=reference, kept=True)


# ---------------------------------------------------------------- reading


def _load(connection: Connection, reference: str) -> Any:
    row = connection.execute(
        select(ListingRequest.__table__).where(ListingRequest.reference == reference.strip())
    ).first()
    if row is None:
        raise RegistryError(*pair(Msg.REQUESTS_THERE_NO_REQUEST, reference=reference))
    return row


def get(engine: Engine, reference: str) -> dict[str, Any]:
    """A request as kept (staff view: with its contact and message)."""
    with engine.connect() as connection:
        return dict(_load(connection, reference)._mapping)


def public_status(engine: Engine, reference: str) -> dict[str, Any]:
    """What a requester may see of their request: its status, when, and the note to them."""
    with engine.connect() as connection:
        row = _load(connection, reference)
    return {
        "reference": row.reference,
        "status": row.status,
        "created_at": row.created_at,
        "decided_at": row.decided_at,
        "note": row.note,
    }


QUEUE_COLUMNS: Final = (
    "reference",
    "organisation",
    "organisation_id",
    "kind",
    "status",
    "created_at",
    "age_days",
    "overdue",
)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def queue(
    engine: Engine,
    *,
    statuses: Sequence[str] = OPEN_STATUSES,
    overdue_days: int = OVERDUE_DAYS,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Requests in these statuses, oldest first; ``overdue`` flags those older than
    ``overdue_days`` days. ``kind`` is "listing" (a new organisation) or "update"."""
    now = now or datetime.now(UTC)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                ListingRequest.reference,
                ListingRequest.profile,
                ListingRequest.organisation_id,
                ListingRequest.status,
                ListingRequest.created_at,
            )
            .where(ListingRequest.status.in_(list(statuses)))
            .order_by(ListingRequest.created_at, ListingRequest.id)
        ).all()
    out = []
    for reference, profile, org_id, status, created in rows:
        age = (now - _aware(created)).total_seconds() / 86400
        out.append(
            (
                reference,
                str(profile.get("name", "")),
                org_id,
                "listing" if org_id is None else "update",
                status,
                _aware(created),
                int(age),
                age > overdue_days,
            )
        )
    return pd.DataFrame(out, columns=list(QUEUE_COLUMNS))


def _current_presences(
    connection: Connection, organisation_id: int | None, list_source: str
) -> dict[tuple[str, str], Any]:
    if organisation_id is None:
        return {}
    rows = connection.execute(
        select(Presence.id, Presence.sector, Presence.area_code, Presence.national, Presence.mode)
        .where(
            Presence.organisation_id == organisation_id,
            Presence.list_source == list_source,
            Presence.closed_in.is_(None),
        )
        .order_by(Presence.id)
    ).all()
    return {
        (row.sector, NATIONWIDE if row.national else (row.area_code or NATIONWIDE)): row
        for row in rows
    }


def _difference(connection: Connection, row: Any, list_source: str) -> Difference:
    if row.organisation_id is not None:
        current = orgs._get(connection, row.organisation_id)
    else:
        current = {
            name: ([] if name in ("contacts_public", "funders") else "") for name in PROFILE_FIELDS
        }
    fields = [
        FieldDifference(name, current.get(name), row.profile[name])
        for name in PROFILE_FIELDS
        if name in row.profile
    ]
    now = _current_presences(connection, row.organisation_id, list_source)
    asked = {(p["sector"], p["area_code"]): p for p in row.presences}
    added, withdrawn, moved, same = [], [], [], []
    for key, ask in asked.items():
        wanted = PresenceAsk(ask["sector"], ask["area_code"], ask["mode"])
        if key not in now:
            added.append(wanted)
        elif (now[key].mode or "") != ask["mode"]:
            moved.append((PresenceAsk(key[0], key[1], now[key].mode or ""), wanted))
        else:
            same.append(wanted)
    for key, presence in now.items():
        if key not in asked:
            withdrawn.append(PresenceAsk(key[0], key[1], presence.mode or ""))
    since = (
        row.organisation_id is not None
        and row.based_on_version is not None
        and current.get("version") != row.based_on_version
    )
    return Difference(
        reference=row.reference,
        organisation_id=row.organisation_id,
        fields=fields,
        added=added,
        withdrawn=withdrawn,
        mode_changed=moved,
        unchanged=same,
        changed_since_sent=bool(since),
    )


def list_sources(engine: Engine) -> list[str]:
    """The lists a request may update (the embassy's list, OCHA's 3W...): the default first."""
    with engine.connect() as connection:
        found = set(connection.scalars(select(Presence.list_source).distinct()))
    return [DEFAULT_SOURCE, *sorted(found - {DEFAULT_SOURCE})]


def difference(engine: Engine, reference: str, *, list_source: str = DEFAULT_SOURCE) -> Difference:
    """The request against the organisation's entry as it is now, in the list
    ``list_source``: profile fields side by side, presences added, withdrawn, changed."""
    with engine.connect() as connection:
        return _difference(connection, _load(connection, reference), list_source)


# ---------------------------------------------------------------- deciding


def _event(
    connection: Connection,
    row: Any,
    *,
    organisation_id: int | None,
    status: str,
    by: str,
    note: str,
    now: datetime,
    changeset: int | None = None,
) -> None:
    connection.execute(
        insert(RequestEvent).values(
            request_id=row.id,
            organisation_id=organisation_id,
            at=now,
            by=by,
            status=status,
            note=note,
            changeset_id=changeset,
        )
    )
    if row.organisation_id is None and organisation_id is not None:  # the new entry's past
        connection.execute(
            update(RequestEvent)
            .where(RequestEvent.request_id == row.id)
            .values(organisation_id=organisation_id)
        )


def _presence_row(
    ask: Mapping[str, Any], organisation_id: int, list_source: str, reference: str, changeset: int
) -> dict[str, Any]:
    national = bool(ask.get("national")) or ask["area_code"] == NATIONWIDE
    row: dict[str, Any] = {
        "organisation_id": organisation_id,
        "list_source": list_source,
        "sector": ask["sector"],
        "area_code": None if national else ask["area_code"],
        "area_level": ask.get("area_level"),
        "area_rule": "request",
        "national": national,
        "mode": ask["mode"],
        "origin": REQUEST,
        "source": f"request {reference}",
        "opened_in": changeset,
    }
    for level in ("adm1", "adm2", "adm3"):
        row[f"{level}_code"] = ask.get(f"{level}_code")
        row[f"{level}_name"] = ask.get(f"{level}_name")
    return row


def _approve(
    connection: Connection, row: Any, *, by: str, note: str, list_source: str
) -> tuple[int, int, dict[str, int]]:
    diff = _difference(connection, row, list_source)
    changeset = _new_changeset(connection, REQUEST, by=by, note=f"request {row.reference}")
    profile = row.profile
    org_id = row.organisation_id
    counts = {"fields": 0, "added": 0, "withdrawn": 0, "mode_changed": 0}
    if org_id is None:
        key = _unique_key(connection, norm_text(profile["name"]))
        org_id = _scalar_int(
            connection.scalar(
                insert(Organisation)
                .values(
                    key=key,
                    name=profile["name"],
                    acronym=profile.get("acronym", ""),
                    org_type=profile.get("org_type", ""),
                    country=profile.get("country", ""),
                    headquarters=profile.get("headquarters", ""),
                    website=profile.get("website", ""),
                    contacts_public=profile.get("contacts_public", []),
                    contacts_staff=[row.contact] if row.contact.get("email") else [],
                    funders=profile.get("funders", []),
                    active=True,
                    created_in=changeset,
                    version=1,
                )
                .returning(Organisation.id)
            )
        )
        spellings = [("name", profile["name"])]
        if profile.get("acronym"):
            spellings.append(("acronym", profile["acronym"]))
        connection.execute(
            insert(Alias),
            [
                {
                    "organisation_id": org_id,
                    "spelling": spelling,
                    "norm": norm_text(spelling),
                    "kind": kind,
                    "met_in": f"request {row.reference}",
                    "changeset_id": changeset,
                }
                for kind, spelling in spellings
            ],
        )
        counts["fields"] = sum(1 for f in diff.fields if f.changed)
    else:
        current = orgs._get(connection, org_id)
        edited = {f.field: (f.current, f.requested) for f in diff.fields if f.changed}
        staff = list(current["contacts_staff"] or [])
        if row.contact.get("email") and row.contact not in staff:
            edited["contacts_staff"] = (current["contacts_staff"], [*staff, row.contact])
        if edited:
            connection.execute(
                update(Organisation)
                .where(Organisation.id == org_id)
                .values(
                    {name: after for name, (_, after) in edited.items()}
                    | {"version": Organisation.version + 1}
                )
            )
            orgs._record(connection, changeset, org_id, edited)
        counts["fields"] = len(edited)
    current_presences = _current_presences(connection, org_id, list_source)
    closing = [current_presences[(p.sector, p.area_code)].id for p in diff.withdrawn]
    closing += [current_presences[(now.sector, now.area_code)].id for now, _ in diff.mode_changed]
    if closing:
        connection.execute(
            update(Presence).where(Presence.id.in_(closing)).values(closed_in=changeset)
        )
    asked = {(p["sector"], p["area_code"]): p for p in row.presences}
    opening = [(a.sector, a.area_code) for a in diff.added]
    opening += [(a.sector, a.area_code) for _, a in diff.mode_changed]
    if opening:
        connection.execute(
            insert(Presence),
            [
                _presence_row(asked[key], org_id, list_source, row.reference, changeset)
                for key in opening
            ],
        )
    counts.update(
        added=len(diff.added), withdrawn=len(diff.withdrawn), mode_changed=len(diff.mode_changed)
    )
    return org_id, changeset, counts


def decide(
    engine: Engine,
    reference: str,
    *,
    status: str,
    by: str,
    note: str = "",
    list_source: str = DEFAULT_SOURCE,
    now: datetime | None = None,
) -> Decision:
    """Approve, reject or ask for information, with a note to the requester.

    Approving applies the request to the registry in one transaction, as one changeset of
    kind "request" (``revert`` undoes it whole): a new organisation created, or the fields
    asked changed; the presences of the list ``list_source`` made what the request asks.
    Only an open request (new, needs information) can be decided.
    """
    now = now or datetime.now(UTC)
    if status not in (APPROVED, REJECTED, NEEDS_INFO):
        raise RegistryError(
            *pair(Msg.REQUESTS_NOT_DECISION_APPROVED, status=status),
        )
    problems: list[tuple[str, str]] = []
    note = _text(problems, "note", note, NOTE_LIMIT)
    if status == NEEDS_INFO and not note:
        problems.append(pair(Msg.REQUESTS_SAY_WHAT_IS_MISSING))
    if problems:
        raise RequestError(problems)
    with engine.begin() as connection:
        row = _load(connection, reference)
        if row.status not in OPEN_STATUSES:
            raise RegistryError(
                *pair(Msg.REQUESTS_REQUEST_ALREADY, reference=reference, status=row.status),
            )
        org_id, changeset = row.organisation_id, None
        counts: dict[str, int] = {}
        if status == APPROVED:
            org_id, changeset, counts = _approve(
                connection, row, by=by, note=note, list_source=list_source
            )
        done = connection.execute(
            update(ListingRequest)
            .where(ListingRequest.id == row.id, ListingRequest.status == row.status)
            .values(
                status=status,
                decided_at=now,
                decided_by=by,
                note=note,
                changeset_id=changeset,
                organisation_id=org_id,
            )
        )
        if done.rowcount != 1:  # pragma: no cover - two validators at once: the second waits
            raise RegistryError(
                *pair(Msg.REQUESTS_REQUEST_DECIDED_MEANWHILE, reference=reference),
            )
        _event(
            connection,
            row,
            organisation_id=org_id,
            status=status,
            by=by,
            note=note,
            now=now,
            changeset=changeset,
        )
    return Decision(reference, status, org_id, changeset, counts)


def revert(engine: Engine, reference: str, *, by: str) -> Reverted:
    """Undo an approved request's changeset whole (its presences, its field edits, the
    organisation it created); the request's history says so."""
    with engine.begin() as connection:
        row = _load(connection, reference)
        if row.status != APPROVED or row.changeset_id is None:
            raise RegistryError(
                *pair(Msg.REQUESTS_REQUEST_NOT_APPLIED, reference=reference),
            )
        reverted_by = connection.scalar(
            select(Changeset.reverted_by_id).where(Changeset.id == row.changeset_id)
        )
        if reverted_by is not None:
            raise RegistryError(
                *pair(Msg.REQUESTS_REQUEST_ALREADY_REVERTED, reference=reference),
            )
        done = _revert(connection, row.changeset_id, by=by, note=f"revert request {reference}")
        connection.execute(
            insert(RequestEvent).values(
                request_id=row.id,
                organisation_id=row.organisation_id,
                at=datetime.now(UTC),
                by=by,
                status="reverted",
                note="",
                changeset_id=done.changeset,
            )
        )
    return done


def history(engine: Engine, organisation: int | str) -> pd.DataFrame:
    """The organisation's history (``organisations.history``) with its requests' events:
    sent, information asked, rejected, approved (with the changeset), reverted."""
    frame = orgs.history(engine, organisation)
    with engine.connect() as connection:
        org_id = (
            organisation if isinstance(organisation, int) else orgs._find(connection, organisation)
        )
        events = connection.execute(
            select(
                RequestEvent.changeset_id,
                RequestEvent.at,
                RequestEvent.by,
                RequestEvent.status,
                RequestEvent.note,
                ListingRequest.reference,
            )
            .join(ListingRequest, ListingRequest.id == RequestEvent.request_id)
            .where(RequestEvent.organisation_id == org_id)
            .order_by(RequestEvent.id)
        ).all()
    rows = [
        {
            "changeset": changeset,
            "at": at,
            "by": by,
            "kind": "request",
            "organisation_id": org_id,
            "what": f"request {status}",
            "field": "request",
            "before": None,
            "after": f"{reference} {note}".strip(),
        }
        for changeset, at, by, status, note, reference in events
    ]
    if not rows:
        return frame
    extra = pd.DataFrame(rows).reindex(columns=frame.columns)
    out = pd.concat([frame.astype(object), extra.astype(object)], ignore_index=True)
    out["_at"] = pd.to_datetime(out["at"], utc=True, errors="coerce")
    return out.sort_values("_at", kind="stable").drop(columns="_at").reset_index(drop=True)
