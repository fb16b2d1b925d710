"""The tables of requests and accounts: listing requests, local accounts, e-mail domain rules.

Kept apart from ``models`` (the store itself) but on the same metadata, so one Alembic
history covers both. A request holds what an organisation asked for as plain JSON text;
nothing of it reaches the registry until a validator approves it, and then only through
one changeset of kind "request" that names the request (``Changeset.note``) and can be
reverted whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ngomap.registry.models import Base

# A request's states.
NEW: Final = "new"
NEEDS_INFO: Final = "needs_information"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
STATUSES: Final = (NEW, NEEDS_INFO, APPROVED, REJECTED)
OPEN_STATUSES: Final = (NEW, NEEDS_INFO)


class ListingRequest(Base):
    """An organisation's request to be listed, or to update its entry."""

    __tablename__ = "listing_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # given to the requester
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    based_on_version: Mapped[int | None] = mapped_column(Integer)  # the entry the form showed
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    presences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    contact: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # staff-only
    message: Mapped[str] = mapped_column(Text, default="")  # staff-only
    language: Mapped[str] = mapped_column(String(2), default="fr")
    status: Mapped[str] = mapped_column(String(20), default=NEW, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")  # to the requester
    changeset_id: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))
    session_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    address_hash: Mapped[str] = mapped_column(String(64), default="", index=True)


class RequestEvent(Base):
    """One decision on a request (or its sending): the organisation's history reads these."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("listing_requests.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    changeset_id: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))


class Account(Base):
    """A local account: e-mail, role, argon2 password hash, failed logins and lock-out."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None: OpenID Connect only
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DomainRule(Base):
    """Everyone whose e-mail ends with ``@domain`` gets ``role`` (OpenID Connect logins)."""

    __tablename__ = "domain_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
