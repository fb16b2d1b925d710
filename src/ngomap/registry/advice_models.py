"""The tables of the cooperation office's advice (issue 15): introductions, subscriptions,
the digests sent, and the reminders to confirm an entry.

Kept apart from ``models`` but on the same metadata, so one Alembic history covers all.
Introductions name both organisations by key and name as the page showed them (a file the
user loaded may hold organisations the registry lacks), and by registry id when known.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ngomap.registry.models import Base


class IntroductionRow(Base):
    """Two organisations put in touch: when, by whom, and what came of it (edited later)."""

    __tablename__ = "introductions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_a_key: Mapped[str] = mapped_column(String(300), index=True)
    org_a_name: Mapped[str] = mapped_column(String(300))
    org_a_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    org_b_key: Mapped[str] = mapped_column(String(300), index=True)
    org_b_name: Mapped[str] = mapped_column(String(300))
    org_b_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome_by: Mapped[str | None] = mapped_column(String(200))


class SubscriptionRow(Base):
    """Someone told of arrivals and departures in areas and sectors (every sector: [])."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200), default="")


class DigestRow(Base):
    """One digest made for a subscription after a round: what it said, when it was sent."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    movements: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # One digest per subscription and round, even when two app processes make them at once.
    __table_args__ = (UniqueConstraint("subscription_id", "round_id", name="uq_digests_once"),)


class ReminderRow(Base):
    """A message asking an organisation to confirm its entry, with the form's link."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    link: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    by: Mapped[str] = mapped_column(String(200))
