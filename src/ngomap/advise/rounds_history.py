"""Arrivals and departures read from the registry's rounds: the history the brief and the
digests use when the registry keeps the list (``changes.TwoRounds`` over two of its states).

A round's movements compare the registry just before the round with the registry just after
it; "the last rounds" compare the registry before the oldest of them with the registry now.
Reverted rounds are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Engine

from ngomap.advise.changes import TwoRounds
from ngomap.messages import Msg, pair
from ngomap.registry import state
from ngomap.registry.db import RegistryError


@dataclass(frozen=True)
class RoundMark:
    """One round as the words of a digest or brief name it."""

    id: int
    changeset: int
    file_name: str
    data_date: date | None

    def name(self) -> str:
        """ "R3 (q3.csv, 2026-09-30)"."""
        when = f", {self.data_date.isoformat()}" if self.data_date else ""
        return f"R{self.id} ({self.file_name}{when})"


def live_rounds(connection: Connection) -> list[RoundMark]:
    """Every round not reverted, oldest first, with its changeset."""
    frame = state.rounds_frame(connection)
    frame = frame.loc[~frame["reverted"].astype(bool)]
    found = []
    for round_id, file_name, data_date in frame[["id", "file_name", "data_date"]].itertuples(
        index=False
    ):
        changeset = state.changeset_at(connection, f"R{int(round_id)}")
        when = data_date if isinstance(data_date, date) else None
        found.append(RoundMark(int(round_id), changeset, str(file_name), when))
    return found


def _at(connection: Connection, changeset: int) -> pd.DataFrame:
    return state.records(connection, as_of=changeset)


def of_round(engine: Engine, round_id: int) -> TwoRounds:
    """The registry just before round ``round_id`` and just after it."""
    with engine.connect() as connection:
        marks = {m.id: m for m in live_rounds(connection)}
        if round_id not in marks:
            raise RegistryError(
                *pair(Msg.ROUNDS_HISTORY_THERE_NO_ROUND, round_id=round_id),
            )
        mark = marks[round_id]
        before = _at(connection, mark.changeset - 1)
        after = _at(connection, mark.changeset)
    previous = [m for m in marks.values() if m.id < round_id]
    previous_name = previous[-1].name() if previous else "—"
    return TwoRounds(before, after, previous_name, mark.name())


def last_rounds(engine: Engine, count: int = 2) -> TwoRounds | None:
    """The registry before the last ``count`` rounds compared with it now (None when the
    registry has no round)."""
    if count < 1:
        raise RegistryError("Compare at least one round.", "Comparez au moins un tour.")
    with engine.connect() as connection:
        marks = live_rounds(connection)
        if not marks:
            return None
        chosen = marks[-count:]
        first = chosen[0]
        before = _at(connection, first.changeset - 1)
        after = state.records(connection)
    earlier = [m for m in marks if m.id < first.id]
    previous_name = earlier[-1].name() if earlier else "—"
    return TwoRounds(before, after, previous_name, chosen[-1].name())
