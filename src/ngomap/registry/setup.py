"""Getting a registry ready: created or migrated, and filled with the sample when new."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from ngomap._paths import SAMPLE_FILE
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
    from ngomap.io.threew import load_sample

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
