"""Reminders: organisations whose entry has not been confirmed for some months are asked,
by e-mail, to check it through the public request form, opened for them by a link.

An organisation is due when its entry was last confirmed (by a round or an approved
request) more than ``months`` months ago, or never, and it was not reminded within the same
span. Its address is the first staff contact's e-mail, else the first public one; an
organisation without any address is listed, never dropped. "Answered" means a request for
that organisation arrived after the reminder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

import pandas as pd
from sqlalchemy import Engine, func, insert, select

from ngomap.advise.introduce import one_line, plain_address
from ngomap.advise.notify import SmtpSettings, send_messages
from ngomap.i18n import t
from ngomap.messages import Msg, pair
from ngomap.registry.access_models import ListingRequest
from ngomap.registry.advice_models import ReminderRow
from ngomap.registry.db import RegistryError
from ngomap.registry.models import Organisation

DEFAULT_MONTHS: Final = 12
STATUS_COLUMNS: Final = ("organisation", "email", "reminded", "by", "answered", "request")
DUE_COLUMNS: Final = ("id", "name", "last_confirmed", "email", "last_reminded")


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    if months < 1:
        raise RegistryError(
            "Give a number of months of at least 1.", "Donnez un nombre de mois d'au moins 1."
        )
    stamp = pd.Timestamp(day) - pd.DateOffset(months=months)
    return date(stamp.year, stamp.month, stamp.day)


def request_link(base_url: str, organisation_id: int) -> str:
    """The public request form's address, opened on this organisation's entry."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RegistryError(
            *pair(Msg.REMINDERS_NOT_PAGE_ADDRESS, base_url=base_url),
        )
    base = base_url.strip().split("?")[0].split("#")[0]
    return f"{base}?{urlencode({'page': 'request', 'org': organisation_id})}"


def _address(row: Any) -> str:
    for contacts in (row.contacts_staff, row.contacts_public):
        for contact in contacts or []:
            if isinstance(contact, dict):
                found = plain_address(contact.get("email", ""))
                if found:
                    return found
    return ""


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def due(engine: Engine, *, months: int = DEFAULT_MONTHS, today: date | None = None) -> pd.DataFrame:
    """Organisations to remind, oldest confirmation first: id, name, last confirmed, address
    ("" when none is known), last reminded."""
    today = today or datetime.now(UTC).date()
    limit = months_before(today, months)
    with engine.connect() as connection:
        last = dict(
            connection.execute(
                select(ReminderRow.organisation_id, func.max(ReminderRow.sent_at)).group_by(
                    ReminderRow.organisation_id
                )
            ).all()
        )
        rows = connection.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.last_confirmed,
                Organisation.contacts_staff,
                Organisation.contacts_public,
            ).where(
                Organisation.removed_in.is_(None),
                Organisation.merged_into.is_(None),
                Organisation.active.is_(True),
            )
        ).all()
    found = []
    for row in rows:
        if row.last_confirmed is not None and row.last_confirmed >= limit:
            continue
        reminded = last.get(row.id)
        if reminded is not None and _aware(reminded).date() >= limit:
            continue
        found.append((row.id, row.name, row.last_confirmed, _address(row), reminded))
    frame = pd.DataFrame(found, columns=list(DUE_COLUMNS))
    order = frame["last_confirmed"].map(lambda d: d or date.min)
    return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)


@dataclass(frozen=True)
class Reminded:
    """What a run did."""

    sent: int
    without_address: tuple[str, ...]  # names of the organisations no message could reach


def message(
    name: str,
    last_confirmed: date | None,
    link: str,
    *,
    to: str,
    sender: str,
    lang: str = "fr",
    when: datetime | None = None,
) -> EmailMessage:
    """The reminder to one organisation."""
    email = EmailMessage()
    email["From"] = plain_address(sender) or ""
    email["To"] = to
    email["Subject"] = t("reminder_subject", lang)
    email["Date"] = format_datetime(when or datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain="ngomap.invalid")
    confirmed = last_confirmed.isoformat() if last_confirmed else t("reminder_never", lang)
    email.set_content(
        t("reminder_body", lang, name=one_line(name), confirmed=confirmed, link=link) + "\n"
    )
    return email


def remind(
    engine: Engine,
    settings: SmtpSettings,
    *,
    base_url: str,
    by: str,
    months: int = DEFAULT_MONTHS,
    lang: str = "fr",
    today: date | None = None,
    only: Sequence[int] | None = None,
    now: datetime | None = None,
) -> Reminded:
    """Send a reminder to every organisation due (only those ids, when given), and keep
    who was reminded when."""
    now = now or datetime.now(UTC)
    chosen = due(engine, months=months, today=today or now.date())
    if only is not None:
        chosen = chosen.loc[chosen["id"].isin(list(only))]
    targets: list[tuple[int, str, date | None, str]] = [
        (int(i), str(n), c if isinstance(c, date) else None, str(e))
        for i, n, c, e in zip(
            chosen["id"].tolist(),
            chosen["name"].tolist(),
            chosen["last_confirmed"].tolist(),
            chosen["email"].tolist(),
            strict=True,
        )
        if e
    ]
    links = {org_id: request_link(base_url, org_id) for org_id, _, _, _ in targets}
    messages = [
        message(name, confirmed, links[org_id], to=to, sender=settings.sender, lang=lang, when=now)
        for org_id, name, confirmed, to in targets
    ]
    send_messages(messages, settings)
    if targets:
        with engine.begin() as connection:
            connection.execute(
                insert(ReminderRow),
                [
                    {
                        "organisation_id": org_id,
                        "email": to,
                        "link": links[org_id],
                        "sent_at": now,
                        "by": by or "—",
                    }
                    for org_id, _, _, to in targets
                ],
            )
    missing = chosen.loc[chosen["email"] == "", "name"]
    return Reminded(len(messages), tuple(str(n) for n in missing))


def status(engine: Engine) -> pd.DataFrame:
    """Every reminder, newest first: organisation, address, when, by whom, and when it was
    answered (the first request for that organisation after it) with that request's
    reference."""
    with engine.connect() as connection:
        reminders = connection.execute(
            select(
                ReminderRow.organisation_id,
                Organisation.name,
                ReminderRow.email,
                ReminderRow.sent_at,
                ReminderRow.by,
            )
            .join(Organisation, Organisation.id == ReminderRow.organisation_id)
            .order_by(ReminderRow.sent_at.desc(), ReminderRow.id.desc())
        ).all()
        ids = sorted({r.organisation_id for r in reminders})
        requests = (
            connection.execute(
                select(
                    ListingRequest.organisation_id,
                    ListingRequest.created_at,
                    ListingRequest.reference,
                )
                .where(ListingRequest.organisation_id.in_(ids))
                .order_by(ListingRequest.created_at)
            ).all()
            if ids
            else []
        )
    rows = []
    for reminder in reminders:
        sent = _aware(reminder.sent_at)
        answer = next(
            (
                r
                for r in requests
                if r.organisation_id == reminder.organisation_id and _aware(r.created_at) > sent
            ),
            None,
        )
        rows.append(
            (
                reminder.name,
                reminder.email,
                sent,
                reminder.by,
                _aware(answer.created_at) if answer else None,
                answer.reference if answer else "",
            )
        )
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
