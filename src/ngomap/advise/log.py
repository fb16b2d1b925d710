"""The introduction log kept in the registry: who was put in touch with whom, when, by whom,
and what came of it (edited later). ``RegistryIntroductions`` is the ranking's
``IntroductionLog``: the pairs already introduced are marked in the list of who to meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

import pandas as pd
from sqlalchemy import Engine, insert, or_, select, update

from ngomap.advise.connect import Introduction
from ngomap.messages import Msg, Text, pair
from ngomap.normalise import clean_text
from ngomap.registry.advice_models import IntroductionRow
from ngomap.registry.db import RegistryError
from ngomap.registry.models import Organisation
from ngomap.registry.rounds import _scalar_int

NOTE_LIMIT: Final = 2000
OUTCOME_LIMIT: Final = 2000
LOG_COLUMNS: Final = (
    "id",
    "org_a",
    "org_b",
    "at",
    "by",
    "note",
    "outcome",
    "outcome_at",
    "outcome_by",
)


@dataclass(frozen=True)
class Party:
    """One side of an introduction: the organisation's key and name as the page shows them."""

    key: str
    name: str


def _text(value: str, limit: int, what: Msg) -> str:
    text = clean_text(value) if "\n" not in value else value.strip()
    if len(text) > limit:
        raise RegistryError(
            *pair(Msg.LOG_TOO_LONG, what=Text(what), length=len(text), limit=limit),
        )
    return text


def record(
    engine: Engine,
    first: Party,
    second: Party,
    *,
    by: str,
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Log that ``first`` and ``second`` were put in touch; the entry's id."""
    if not first.key or not second.key or first.key == second.key:
        raise RegistryError(
            *pair(Msg.LOG_INTRODUCTION_NEEDS_TWO),
        )
    chosen = _text(note, NOTE_LIMIT, Msg.LOG_NOTE)
    with engine.begin() as connection:
        ids = dict(
            connection.execute(
                select(Organisation.key, Organisation.id).where(
                    Organisation.key.in_([first.key, second.key])
                )
            ).all()
        )
        return _scalar_int(
            connection.scalar(
                insert(IntroductionRow)
                .values(
                    org_a_key=first.key,
                    org_a_name=clean_text(first.name) or first.key,
                    org_a_id=ids.get(first.key),
                    org_b_key=second.key,
                    org_b_name=clean_text(second.name) or second.key,
                    org_b_id=ids.get(second.key),
                    at=at or datetime.now(UTC),
                    by=by or "—",
                    note=chosen,
                    outcome="",
                )
                .returning(IntroductionRow.id)
            )
        )


def set_outcome(
    engine: Engine, entry: int, outcome: str, *, by: str, at: datetime | None = None
) -> None:
    """Write (or rewrite) what came of introduction ``entry``."""
    chosen = _text(outcome, OUTCOME_LIMIT, Msg.LOG_OUTCOME)
    with engine.begin() as connection:
        done = connection.execute(
            update(IntroductionRow)
            .where(IntroductionRow.id == entry)
            .values(outcome=chosen, outcome_at=at or datetime.now(UTC), outcome_by=by or "—")
        )
        if not done.rowcount:
            raise RegistryError(*pair(Msg.LOG_THERE_NO_INTRODUCTION, entry=entry))


def listing(engine: Engine, *, organisation: str | None = None) -> pd.DataFrame:
    """The log, newest first (only those naming ``organisation``, a key, when given)."""
    query = select(IntroductionRow.__table__).order_by(IntroductionRow.id.desc())
    if organisation is not None:
        query = query.where(
            or_(
                IntroductionRow.org_a_key == organisation, IntroductionRow.org_b_key == organisation
            )
        )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(
        [
            (
                r.id,
                r.org_a_name,
                r.org_b_name,
                r.at,
                r.by,
                r.note,
                r.outcome,
                r.outcome_at,
                r.outcome_by,
            )
            for r in rows
        ],
        columns=list(LOG_COLUMNS),
    )


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class RegistryIntroductions:
    """The registry's log read once, for marking the pairs of one ranked list."""

    entries: tuple[Introduction, ...]

    @classmethod
    def load(cls, engine: Engine, organisation: str | None = None) -> RegistryIntroductions:
        """The log (only the entries naming ``organisation`` when given)."""
        query = select(
            IntroductionRow.org_a_key,
            IntroductionRow.org_b_key,
            IntroductionRow.at,
            IntroductionRow.by,
            IntroductionRow.outcome,
        )
        if organisation is not None:
            query = query.where(
                or_(
                    IntroductionRow.org_a_key == organisation,
                    IntroductionRow.org_b_key == organisation,
                )
            )
        with engine.connect() as connection:
            rows = connection.execute(query.order_by(IntroductionRow.id)).all()
        return cls(
            tuple(Introduction(a, b, _day(at), by, outcome) for a, b, at, by, outcome in rows)
        )

    def between(self, org_a: str, org_b: str) -> Introduction | None:
        """The latest introduction of these two organisations, either way round."""
        found = [e for e in self.entries if {e.org_a, e.org_b} == {org_a, org_b}]
        return found[-1] if found else None
