"""Getting a registry ready: created or migrated, and filled with the sample when new."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from ngomap import schema as s
from ngomap._paths import SAMPLE_FILE
from ngomap.importer.threew import Dataset
from ngomap.importer.validate import ImportReport
from ngomap.messages import Msg, text
from ngomap.registry import state
from ngomap.registry.db import engine_for, is_empty, migrate, unreachable
from ngomap.registry.models import Changeset
from ngomap.registry.rounds import RoundInfo, apply_round


@dataclass(frozen=True)
class Ready:
    """What ``init`` did: the revision before and after, and whether the sample went in."""

    url: str
    revision_before: str | None
    revision: str
    created: bool
    sample_round: int | None


def fill_with_sample(engine: Engine) -> int:
    """Import the embedded sample as the registry's first round; its round id."""
    from ngomap.importer.threew import load_sample

    dataset = load_sample()
    data = SAMPLE_FILE.read_bytes()
    info = RoundInfo(
        file_name=SAMPLE_FILE.name,
        sha256=hashlib.sha256(data).hexdigest(),
        data_date=dataset.updated,
        by="ngomap",
        rows_read=dataset.report.rows_read,
    )
    comparison = apply_round(engine, dataset.records, info)
    assert comparison.round is not None
    return comparison.round


def init(url: str | None = None, *, empty: bool = False) -> Ready:
    """Create or migrate the registry at ``url``; one created now gets the sample unless
    ``empty``."""
    engine = engine_for(url)
    try:
        created = is_empty(engine)
    except OperationalError as exc:
        raise unreachable(str(engine.url), exc) from exc
    before, after = migrate(engine)
    sample_round = None
    if created and not empty:  # only a registry made now: one emptied on purpose stays so
        with engine.connect() as connection:
            blank = not connection.scalar(select(func.count()).select_from(Changeset))
        if blank:
            sample_round = fill_with_sample(engine)
    return Ready(
        url=engine.url.render_as_string(hide_password=True),
        revision_before=before,
        revision=after,
        created=created,
        sample_round=sample_round,
    )


def ready_engine(url: str | None = None) -> Engine:
    """The engine of a registry brought up to date (created with the sample on first use)."""
    engine = engine_for(url)
    init(url)
    return engine


@dataclass(frozen=True)
class RegistryView:
    """The registry's records as of a point in time, with what to say about where they are from."""

    records: pd.DataFrame
    changeset: int
    updated: date | None  # the effective date of the last change shown
    url: str  # password hidden
    as_of: str | None = None

    def source(self, lang: str, as_of: str | None = None) -> str:
        """Where the records come from, for a caption: the registry and the point in time."""
        as_of = as_of or self.as_of
        if as_of:
            return text(Msg.REGISTRY_SOURCE_AS_OF, lang, as_of=as_of, url=self.url)
        return text(Msg.REGISTRY_SOURCE, lang, url=self.url)

    def dataset(self, as_of: str | None = None) -> Dataset:
        """The records as a Dataset, as the views, exports and command line take a file's."""
        report = ImportReport(source=self.url, rows_read=len(self.records))
        report.rows_kept = len(self.records)
        report.organisations = int(self.records[s.ORG_KEY].nunique()) if len(self.records) else 0
        return Dataset(
            records=self.records,
            report=report,
            titles={lang: self.source(lang, as_of) for lang in ("fr", "en")},
            sources={lang: self.source(lang, as_of) for lang in ("fr", "en")},
            updated=self.updated,
        )


def read_registry(url: str | None = None, *, as_of: str | None = None) -> RegistryView:
    """The registry at ``url`` (created with the sample on first use) as records, now or as of
    a round ("R3") or a date ("2025-03-31")."""
    engine = ready_engine(url)
    with engine.connect() as connection:
        changeset = state.changeset_at(connection, as_of)
        updated = connection.scalar(select(Changeset.effective).where(Changeset.id == changeset))
    # The state now is kept in this process until a changeset is committed (statecache).
    records = state.records(engine, as_of=None if as_of is None else changeset)
    return RegistryView(
        records=records,
        changeset=changeset,
        updated=updated,
        url=engine.url.render_as_string(hide_password=True),
        as_of=as_of,
    )
