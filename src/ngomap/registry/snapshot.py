"""The registry as a map shows it: its state now or as of a date, fresh entries only, as a Dataset.

A planner opening the page sees the registry, not a file: ``snapshot`` reads the presences
holding at a date (``state.records``), keeps only the organisations confirmed within the
last N months when asked, and wraps them as a ``Dataset`` (title, source line, date), so
every view, table and export works on it as on a file.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from ngomap import schema as s
from ngomap._paths import SAMPLE_FILE
from ngomap.i18n import t
from ngomap.importer.threew import Dataset
from ngomap.importer.validate import ImportReport
from ngomap.registry import state
from ngomap.registry.models import INIT, ROUND, Changeset, Organisation, Round

LANGUAGES: Final = ("fr", "en")


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it has fewer)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def day_text(day: date, lang: str) -> str:
    """A date as the page writes it: 31/03/2025 in French, 2025-03-31 in English."""
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The registry's records at a point in time, with what to say about them."""

    dataset: Dataset
    changeset: int  # the changeset the records hold at (0: an empty registry)
    as_of: date | None  # None: now
    fresh_months: int | None  # only organisations confirmed within this many months
    hidden: tuple[str, ...]  # organisations left out as not confirmed recently enough
    hidden_keys: frozenset[str]  # their keys
    sample_only: bool  # nothing but the embedded sample was ever written

    def label(self, lang: str, *, today: date | None = None) -> str:
        """ "Registre (état au 31/03/2025)": what the page's data choice calls it."""
        return t("registry_label", lang, date=day_text(self.as_of or today or date.today(), lang))


@dataclass(frozen=True)
class Bounds:
    """The dates an "as of" picker may offer: the registry's first change, and its last."""

    first: date | None
    last: date | None
    changeset: int  # the newest changeset (its id changes with every write)


def bounds(engine: Engine) -> Bounds:
    """The registry's first and last effective dates, and its newest changeset (cheap: the
    page asks on every run to know whether another process wrote meanwhile)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(
                func.min(Changeset.effective), func.max(Changeset.effective), func.max(Changeset.id)
            )
        ).one()
    return Bounds(first=row[0], last=row[1], changeset=int(row[2] or 0))


def _sample_only(connection: Connection, changeset: int) -> bool:
    """Whether every changeset up to ``changeset`` is the first fill with the sample."""
    kinds = connection.execute(
        select(Changeset.kind, Round.file_name)
        .outerjoin(Round, Round.id == Changeset.round_id)
        .where(Changeset.id <= changeset)
    ).all()
    return bool(kinds) and all(
        kind in (ROUND, INIT) and name == SAMPLE_FILE.name for kind, name in kinds
    )


def _stale_keys(
    connection: Connection, keys: pd.Series, cutoff: date
) -> tuple[set[str], tuple[str, ...]]:
    """Organisation keys among ``keys`` not confirmed since ``cutoff``, and their names."""
    wanted = sorted({str(k) for k in keys.dropna().unique()})
    stale: set[str] = set()
    names: list[str] = []
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        for key, name, confirmed in connection.execute(
            select(Organisation.key, Organisation.name, Organisation.last_confirmed).where(
                Organisation.key.in_(chunk)
            )
        ):
            if confirmed is None or confirmed < cutoff:
                stale.add(key)
                names.append(name)
    return stale, tuple(sorted(names, key=str.casefold))


def _words(
    connection: Connection,
    changeset: int,
    as_of: date | None,
    fresh_months: int | None,
    sample_only: bool,
    today: date,
) -> tuple[dict[str, str], dict[str, str]]:
    """The dataset's titles and source lines, by language."""
    latest = connection.execute(
        select(Round.file_name, Round.source, Round.data_date)
        .join(Changeset, Changeset.round_id == Round.id)
        .where(
            Changeset.id <= changeset, Changeset.kind == ROUND, Changeset.reverted_by_id.is_(None)
        )
        .order_by(Changeset.id.desc())
        .limit(1)
    ).first()
    titles: dict[str, str] = {}
    sources: dict[str, str] = {}
    for lang in LANGUAGES:
        when = day_text(as_of or today, lang)
        title = t("registry_title", lang, date=when)
        if fresh_months:
            title += t("registry_title_fresh", lang, n=fresh_months)
        titles[lang] = title
        if sample_only:
            sources[lang] = t("registry_source_sample", lang, date=when)
        elif latest is not None:
            sources[lang] = t(
                "registry_source_round",
                lang,
                date=when,
                file=latest.file_name,
                list=latest.source,
            )
        else:
            sources[lang] = t("registry_source", lang, date=when)
    return titles, sources


def snapshot(
    engine: Engine,
    *,
    as_of: date | None = None,
    fresh_months: int | None = None,
    today: date | None = None,
) -> Snapshot:
    """The registry as of ``as_of`` (None: now), keeping only organisations last confirmed
    within ``fresh_months`` months of that date (None: all), as a Dataset.

    Freshness reads each organisation's last confirmation (a round that listed it, or an
    edit); for a past date an organisation confirmed after it counts as fresh.
    """
    today = today or date.today()
    if fresh_months is not None and fresh_months < 1:
        raise ValueError(f"fresh_months must be at least 1, not {fresh_months}")
    with engine.connect() as connection:
        changeset = state.changeset_at(connection, as_of)
    # Kept in this process until a changeset is committed (statecache), and read on a
    # connection of its own: on SQLite a connection that has begun holds the others off.
    records = state.records(engine, as_of=None if as_of is None else changeset)
    with engine.connect() as connection:
        hidden: tuple[str, ...] = ()
        stale: set[str] = set()
        if fresh_months is not None and len(records):
            cutoff = months_before(as_of or today, fresh_months)
            stale, hidden = _stale_keys(connection, records[s.ORG_KEY], cutoff)
            if stale:
                records = records.loc[~records[s.ORG_KEY].isin(stale)].reset_index(drop=True)
        updated = connection.scalar(select(Changeset.effective).where(Changeset.id == changeset))
        sample_only = _sample_only(connection, changeset)
        titles, sources = _words(connection, changeset, as_of, fresh_months, sample_only, today)
    if sample_only and not hidden:
        # The registry holds the sample's import as it was: its report (where Ménaka's rows
        # went, codes the boundaries do not know) still says what the page shows.
        from ngomap.importer.threew import load_sample

        report = load_sample().report
    else:
        report = ImportReport(source=titles["en"], rows_read=len(records))
        report.rows_kept = len(records)
        report.organisations = int(records[s.ORG_KEY].nunique()) if len(records) else 0
    dataset = Dataset(
        records=records,
        report=report,
        titles=titles,
        sources=sources,
        updated=updated,
        is_sample=sample_only,
    )
    return Snapshot(
        dataset=dataset,
        changeset=changeset,
        as_of=as_of,
        fresh_months=fresh_months,
        hidden=hidden,
        hidden_keys=frozenset(stale),
        sample_only=sample_only,
    )
