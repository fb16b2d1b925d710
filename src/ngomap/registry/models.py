"""The registry's tables: organisations, presences, rounds, changesets, changes, boundary sets.

Presences are versioned rows: a row is opened by one changeset and closed by a later one,
never updated in place, so the registry as of any changeset is a plain query
(``opened_in <= N and (closed_in is null or closed_in > N)``). Organisations are edited in
place under a version column (optimistic locking); every field edit is one ``changes`` row
with the value before and after, so their past values are found by walking changes back.

Room is left for issues 14 and 15: a changeset's ``kind`` may be "request", its ``by`` names
the account (a foreign key once accounts exist), and presences keep their ``origin``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ngomap.registry.types import Geometry

# Stable constraint names, so that migrations can name what they alter on every database.
NAMING: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# How a changeset came about.
ROUND: Final = "round"  # a file imported as a round
EDIT: Final = "edit"  # a hand edit (page or command line)
REQUEST: Final = "request"  # an organisation's own request, once validated (issue 14)
REVERT: Final = "revert"  # the undoing of a round or a change
MERGE: Final = "merge"  # two organisations made one
INIT: Final = "init"  # the registry's creation (the sample)


class Base(DeclarativeBase):
    """Every registry table."""

    metadata = MetaData(naming_convention=NAMING)


class Round(Base):
    """One import of a file: what it was, where from, when, by whom."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(200), index=True)  # the list it updates
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    data_date: Mapped[date | None] = mapped_column(Date)  # the date the file's data describe
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str] = mapped_column(String(200))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_kept: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the comparison counts


class Changeset(Base):
    """One write to the registry, all in one transaction: a round, an edit, a revert, a merge."""

    __tablename__ = "changesets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # increases with time
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    effective: Mapped[date] = mapped_column(Date, index=True)  # the date "as of" reads against
    by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    reverts_id: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))
    reverted_by_id: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))


class Organisation(Base):
    """An organisation, with a stable id, edited in place under a version column."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)  # normalised name, stable
    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str] = mapped_column(String(100), default="")
    org_type: Mapped[str] = mapped_column(String(50), default="")
    country: Mapped[str] = mapped_column(String(100), default="")  # of origin
    headquarters: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contacts_public: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    contacts_staff: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    funders: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_confirmed: Mapped[date | None] = mapped_column(Date)
    created_in: Mapped[int] = mapped_column(ForeignKey("changesets.id"))
    removed_in: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    aliases: Mapped[list[Alias]] = relationship(
        back_populates="organisation", foreign_keys="Alias.organisation_id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Alias(Base):
    """A spelling of an organisation's name or acronym, and where it was met."""

    __tablename__ = "aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    spelling: Mapped[str] = mapped_column(String(300))
    norm: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="name")  # name | acronym
    met_in: Mapped[str] = mapped_column(String(300), default="")  # file, or "edit"
    changeset_id: Mapped[int] = mapped_column(ForeignKey("changesets.id"))

    organisation: Mapped[Organisation] = relationship(
        back_populates="aliases", foreign_keys=[organisation_id]
    )


class PartnerLink(Base):
    """A local partner of an organisation: a link to another organisation when it is known."""

    __tablename__ = "partner_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    partner_name: Mapped[str] = mapped_column(String(300))
    opened_in: Mapped[int] = mapped_column(ForeignKey("changesets.id"))
    closed_in: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))


class Presence(Base):
    """One organisation in one sector and area (or nationwide), as one version of that fact."""

    __tablename__ = "presences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    list_source: Mapped[str] = mapped_column(String(200))  # the list (round source) it is in
    sector: Mapped[str] = mapped_column(String(50))
    area_code: Mapped[str | None] = mapped_column(String(50))  # None when nationwide
    area_level: Mapped[str | None] = mapped_column(String(10))
    area_rule: Mapped[str | None] = mapped_column(String(20))  # how the import found the area
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    adm1_code: Mapped[str | None] = mapped_column(String(50))
    adm1_name: Mapped[str | None] = mapped_column(String(200))
    adm2_code: Mapped[str | None] = mapped_column(String(50))
    adm2_name: Mapped[str | None] = mapped_column(String(200))
    adm3_code: Mapped[str | None] = mapped_column(String(50))
    adm3_name: Mapped[str | None] = mapped_column(String(200))
    mode: Mapped[str | None] = mapped_column(String(50))  # direct, partners, operator, ...
    status: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[str | None] = mapped_column(String(40))
    end: Mapped[str | None] = mapped_column(String(40))
    partner: Mapped[str | None] = mapped_column(String(300))
    funder: Mapped[str | None] = mapped_column(String(300))
    targeted: Mapped[float | None] = mapped_column(Float)
    reached: Mapped[float | None] = mapped_column(Float)
    sector_raw: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(16))  # round | edit | request
    source: Mapped[str | None] = mapped_column(String(300))  # the file it was read from
    row: Mapped[int | None] = mapped_column(Integer)  # its row in that file
    opened_in: Mapped[int] = mapped_column(ForeignKey("changesets.id"), index=True)
    closed_in: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"), index=True)

    __table_args__ = (
        Index(
            "ix_presences_open",
            "list_source",
            "organisation_id",
            postgresql_where=closed_in.is_(None),
        ),
    )


class Change(Base):
    """One field of one organisation changed: before and after, in which changeset."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changeset_id: Mapped[int] = mapped_column(ForeignKey("changesets.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    field: Mapped[str] = mapped_column(String(50))
    before: Mapped[Any] = mapped_column(JSON)
    after: Mapped[Any] = mapped_column(JSON)
    reverted_by_id: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))


class BoundarySet(Base):
    """A boundary set kept by a user, seen by every app process sharing the database."""

    __tablename__ = "boundary_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # content hash of the upload
    name: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    added: Mapped[date] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(200), default="")
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    crs: Mapped[str | None] = mapped_column(String(100))
    files: Mapped[list[str]] = mapped_column(JSON, default=list)  # the user's file names


class BoundaryFile(Base):
    """One uploaded file of a boundary set, as the user gave it (read again on load)."""

    __tablename__ = "boundary_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class BoundaryArea(Base):
    """One area of a kept boundary set: P-code, names, parent, geometry (EPSG:4326)."""

    __tablename__ = "boundary_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    pcode: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    parent: Mapped[str | None] = mapped_column(String(50))
    geometry: Mapped[bytes | None] = mapped_column(Geometry())
