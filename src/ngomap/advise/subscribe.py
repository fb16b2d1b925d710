"""Subscriptions kept in the registry, and the digests of each round for them.

After a round is applied, ``digest_rounds`` makes, for every active subscription, one digest
of the arrivals and departures in its areas and sectors (computed from the registry's
states just before and just after the round), keeps it in the registry (the page shows
it) and sends it through the configured SMTP server. A subscription hears of the rounds
imported after it was made, and of each round once: running it again sends only what
was not sent (the server was down, or none was configured).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from ngomap.advise import rounds_history
from ngomap.advise.notify import Digest, SmtpSettings, Subscription, digests, send
from ngomap.areas.boundaries import Boundaries
from ngomap.messages import Msg, pair
from ngomap.registry.advice_models import DigestRow, SubscriptionRow
from ngomap.registry.db import RegistryError
from ngomap.registry.models import Round
from ngomap.registry.rounds import _scalar_int

SUBSCRIPTION_COLUMNS = ("id", "email", "areas", "sectors", "lang", "active", "created_at")
DIGEST_COLUMNS = ("id", "email", "round", "movements", "made_at", "sent_at", "body")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def subscribe(
    engine: Engine,
    subscription: Subscription,
    *,
    by: str = "",
    boundaries: Boundaries | None = None,
    at: datetime | None = None,
) -> int:
    """Keep a subscription (its address, areas and sectors checked); its id."""
    if boundaries is not None:
        unknown = [code for code in subscription.areas if code not in boundaries.areas.index]
        if unknown:
            raise RegistryError(
                *pair(Msg.SUBSCRIBE_UNKNOWN_AREAS_USE, unknown=", ".join(unknown)),
            )
    with engine.begin() as connection:
        return _scalar_int(
            connection.scalar(
                insert(SubscriptionRow)
                .values(
                    email=subscription.email.strip().lower(),
                    areas=list(subscription.areas),
                    sectors=list(subscription.sectors),
                    lang=subscription.lang,
                    active=True,
                    created_at=at or datetime.now(UTC),
                    created_by=by,
                )
                .returning(SubscriptionRow.id)
            )
        )


def unsubscribe(engine: Engine, subscription_id: int) -> None:
    """Stop a subscription (its past digests stay)."""
    with engine.begin() as connection:
        done = connection.execute(
            update(SubscriptionRow)
            .where(SubscriptionRow.id == subscription_id)
            .values(active=False)
        )
    if not done.rowcount:
        raise RegistryError(
            *pair(Msg.SUBSCRIBE_THERE_NO_SUBSCRIPTION, subscription_id=subscription_id),
        )


def subscriptions(engine: Engine, *, email: str | None = None) -> pd.DataFrame:
    """The subscriptions (one address's only, when given), oldest first."""
    query = select(SubscriptionRow.__table__).order_by(SubscriptionRow.id)
    if email is not None:
        query = query.where(SubscriptionRow.email == email.strip().lower())
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(
        [tuple(getattr(r, c) for c in SUBSCRIPTION_COLUMNS) for r in rows],
        columns=list(SUBSCRIPTION_COLUMNS),
    )


@dataclass(frozen=True)
class Outcome:
    """What a run made and sent."""

    made: int  # new digests kept in the registry
    sent: int  # digests sent (new and earlier unsent ones)
    unsent: int  # digests kept but not sent (no SMTP server configured)


def _as_subscription(row: Any) -> Subscription:
    return Subscription(row.email, tuple(row.areas), tuple(row.sectors or ()), lang=row.lang)


def digest_rounds(
    engine: Engine,
    boundaries: Boundaries,
    *,
    settings: SmtpSettings | None,
    rounds: Sequence[int] | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Make the digests of ``rounds`` (every round in force when None) for the subscriptions
    made before each round, keep them, and send every unsent one when ``settings`` is given."""
    now = now or datetime.now(UTC)
    with engine.connect() as connection:
        marks = rounds_history.live_rounds(connection)
        imported = dict(connection.execute(select(Round.id, Round.imported_at)).all())
        active = connection.execute(
            select(SubscriptionRow.__table__).where(SubscriptionRow.active.is_(True))
        ).all()
        done = set(connection.execute(select(DigestRow.subscription_id, DigestRow.round_id)).all())
    wanted = [m for m in marks if rounds is None or m.id in rounds]
    made = 0
    for mark in wanted:
        listeners = [
            s
            for s in active
            if (s.id, mark.id) not in done and _aware(s.created_at) <= _aware(imported[mark.id])
        ]
        if not listeners:
            continue
        history = rounds_history.of_round(engine, mark.id)
        rows = []
        for subscription in listeners:
            found = digests([_as_subscription(subscription)], history, boundaries)
            rows.append(
                {
                    "subscription_id": subscription.id,
                    "round_id": mark.id,
                    "movements": len(found[0].movements) if found else 0,
                    "body": found[0].text(boundaries) if found else "",
                    "made_at": now,
                    "sent_at": None,
                }
            )
        try:
            with engine.begin() as connection:
                connection.execute(insert(DigestRow), rows)
        except IntegrityError:  # another process made this round's digests meanwhile
            continue
        made += len(rows)
    sent, unsent = _send_unsent(engine, boundaries, settings, now)
    return Outcome(made, sent, unsent)


def _send_unsent(
    engine: Engine, boundaries: Boundaries, settings: SmtpSettings | None, now: datetime
) -> tuple[int, int]:
    """Send the kept digests that hold news and were not sent; (sent, left unsent)."""
    with engine.connect() as connection:
        pending = connection.execute(
            select(
                DigestRow.id.label("digest_id"),
                DigestRow.round_id,
                *SubscriptionRow.__table__.columns,
            )
            .join(SubscriptionRow, SubscriptionRow.id == DigestRow.subscription_id)
            .where(DigestRow.sent_at.is_(None), DigestRow.movements > 0)
            .order_by(DigestRow.id)
        ).all()
    if not pending:
        return 0, 0
    if settings is None:
        return 0, len(pending)
    by_round: dict[int, list[Any]] = {}
    for row in pending:
        by_round.setdefault(row.round_id, []).append(row)
    sent = 0
    for round_id, rows in by_round.items():
        history = rounds_history.of_round(engine, round_id)
        items: list[Digest] = []
        ids: list[int] = []
        for row in rows:
            found = digests([_as_subscription(row)], history, boundaries)
            if found:
                items.append(found[0])
                ids.append(row.digest_id)
        send(items, boundaries, settings)  # raises, leaving them unsent, when refused
        with engine.begin() as connection:
            connection.execute(update(DigestRow).where(DigestRow.id.in_(ids)).values(sent_at=now))
        sent += len(items)
    return sent, 0


def digest_log(engine: Engine, *, email: str | None = None) -> pd.DataFrame:
    """The digests kept, newest first (one address's only when given)."""
    query = (
        select(
            DigestRow.id,
            SubscriptionRow.email,
            DigestRow.round_id,
            DigestRow.movements,
            DigestRow.made_at,
            DigestRow.sent_at,
            DigestRow.body,
        )
        .join(SubscriptionRow, SubscriptionRow.id == DigestRow.subscription_id)
        .order_by(DigestRow.id.desc())
    )
    if email is not None:
        query = query.where(SubscriptionRow.email == email.strip().lower())
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(DIGEST_COLUMNS))
