"""Told when things change: subscriptions to arrivals and departures in chosen areas and
sectors, their digests as e-mails, and sending them through a configured SMTP server.

Digests are computed from a ``changes.ZoneHistory``: two files today (``TwoRounds``), the
registry's rounds and changes later. Subscriptions are plain values here; the registry will
keep them. Addresses are checked (one plain ``name@domain``), names in the text are cleaned
to one line, and messages are built with ``email.message.EmailMessage``: no user text can
add a header.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Final

from ngomap.advise.changes import Movement, ZoneHistory
from ngomap.advise.introduce import one_line, plain_address
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import sector_label, t
from ngomap.messages import Msg, pair

SMTP_ENV: Final = "NGOMAP_SMTP"  # prefix: NGOMAP_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _TLS


@dataclass(frozen=True)
class Subscription:
    """Someone who asks to be told of arrivals and departures in areas and sectors.

    ``sectors`` empty means every sector.
    """

    email: str
    areas: tuple[str, ...]
    sectors: tuple[str, ...] = ()
    lang: str = "fr"

    def __post_init__(self) -> None:
        if plain_address(self.email) is None:
            raise NgomapError(
                *pair(Msg.NOTIFY_NOT_ONE_MAIL, email=one_line(self.email)),
            )
        if not self.areas:
            raise NgomapError(
                *pair(Msg.NOTIFY_SUBSCRIPTION_NEEDS_AREA),
            )


@dataclass(frozen=True)
class Digest:
    """What one subscriber is told: the movements in their areas and sectors."""

    subscription: Subscription
    movements: tuple[Movement, ...]
    rounds: str  # what was compared, in words

    def text(self, boundaries: Boundaries) -> str:
        """The digest's body."""
        lang = self.subscription.lang
        areas = ", ".join(boundaries.name(code, lang) for code in self.subscription.areas)
        lines = [t("digest_intro", lang, areas=areas, rounds=self.rounds), ""]
        for movement in self.movements:
            lines.append(
                "- "
                + t(
                    f"brief_{movement.kind}",
                    lang,
                    name=one_line(movement.org_name),
                    sector=sector_label(movement.sector, lang),
                    zone=boundaries.name(movement.zone, lang),
                )
            )
        lines += ["", t("digest_footer", lang)]
        return "\n".join(lines) + "\n"

    def message(
        self, boundaries: Boundaries, *, sender: str, when: datetime | None = None
    ) -> EmailMessage:
        """The digest as an e-mail to the subscriber."""
        lang = self.subscription.lang
        message = EmailMessage()
        message["From"] = plain_address(sender) or ""
        message["To"] = self.subscription.email
        message["Subject"] = t("digest_subject", lang, n=len(self.movements))
        message["Date"] = format_datetime(when or datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain="ngomap.invalid")
        message.set_content(self.text(boundaries))
        return message


def digests(
    subscriptions: Iterable[Subscription], history: ZoneHistory, boundaries: Boundaries
) -> list[Digest]:
    """One digest per subscription with something to tell (none when nothing moved)."""
    found = []
    for subscription in subscriptions:
        movements = history.movements(boundaries, subscription.areas, subscription.sectors)
        if movements:
            found.append(Digest(subscription, tuple(movements), history.label(subscription.lang)))
    return found


@dataclass(frozen=True)
class SmtpSettings:
    """Where to send e-mail from."""

    host: str
    sender: str
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """Settings from NGOMAP_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _TLS (or None)."""
        env = os.environ if environ is None else environ
        host = env.get(f"{SMTP_ENV}_HOST", "").strip()
        if not host:
            return None
        sender = env.get(f"{SMTP_ENV}_FROM", "").strip()
        if plain_address(sender) is None:
            raise NgomapError(
                *pair(Msg.NOTIFY_MUST_ONE_MAIL, smtp_env=SMTP_ENV),
            )
        port = env.get(f"{SMTP_ENV}_PORT", "25").strip()
        if not port.isdigit():
            raise NgomapError(
                *pair(Msg.NOTIFY_PORT_MUST_NUMBER, smtp_env=SMTP_ENV, port=port),
            )
        return cls(
            host=host,
            sender=sender,
            port=int(port),
            user=env.get(f"{SMTP_ENV}_USER", ""),
            password=env.get(f"{SMTP_ENV}_PASSWORD", ""),
            starttls=env.get(f"{SMTP_ENV}_TLS", "").strip().lower() in ("1", "true", "yes"),
        )


def send(
    items: Sequence[Digest], boundaries: Boundaries, settings: SmtpSettings, *, timeout: float = 30
) -> int:
    """Send each digest; returns how many were sent. One connection for all."""
    messages = [item.message(boundaries, sender=settings.sender) for item in items]
    return send_messages(messages, settings, timeout=timeout)


def send_messages(
    messages: Sequence[EmailMessage], settings: SmtpSettings, *, timeout: float = 30
) -> int:
    """Send e-mails through the configured server; how many were sent. One connection."""
    if not messages:
        return 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as server:
            if settings.starttls:
                server.starttls()
            if settings.user:
                server.login(settings.user, settings.password)
            for message in messages:
                server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise NgomapError(
            *pair(Msg.NOTIFY_MAIL_SERVER_REFUSED, host=settings.host, port=settings.port, exc=exc),
        ) from exc
    return len(messages)
