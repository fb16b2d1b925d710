"""The changes view's arithmetic: who arrived and who left, per area, between two states.

Two states are two records frames (the registry at two rounds or dates, or the registry and
an uploaded file). ``movement_records`` keeps what moved as records with a CHANGE column, so
filters and the areas' parent rule work on them as on any records; ``changes_by_area`` counts
arrivals and departures per area of the map's level.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import t

ARRIVAL: Final = "arrival"
DEPARTURE: Final = "departure"
CHANGE: Final = "change"  # the movement records' column: ARRIVAL or DEPARTURE
ARRIVALS: Final = "arrivals"
DEPARTURES: Final = "departures"
_KEY: Final = (s.ORG_KEY, s.SECTOR, s.AREA_CODE)


def _keys(records: pd.DataFrame) -> pd.DataFrame:
    keys = records[list(_KEY)].astype(object).where(records[list(_KEY)].notna(), "")
    if s.NATIONAL in records:
        national = records[s.NATIONAL].fillna(False).astype(bool).to_numpy()
        keys.loc[national, s.AREA_CODE] = ""
    return keys.astype(str)


def movement_records(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Records of what moved between two states: one row per organisation, sector and area
    present in ``after`` only (CHANGE = ARRIVAL, its row in ``after``) or in ``before`` only
    (DEPARTURE, its row in ``before``). The columns are the records' own, so every filter and
    the areas' parent rule work on them as on a file's records."""
    a_keys, b_keys = _keys(before), _keys(after)
    joined_a = pd.Series(list(zip(*(a_keys[c] for c in _KEY), strict=True)), dtype=object)
    joined_b = pd.Series(list(zip(*(b_keys[c] for c in _KEY), strict=True)), dtype=object)
    arrived = after.loc[~joined_b.isin(set(joined_a)).to_numpy()]
    arrived = arrived.loc[~joined_b[~joined_b.isin(set(joined_a))].duplicated().to_numpy()]
    departed = before.loc[~joined_a.isin(set(joined_b)).to_numpy()]
    departed = departed.loc[~joined_a[~joined_a.isin(set(joined_b))].duplicated().to_numpy()]
    frame = pd.concat(
        [arrived.assign(**{CHANGE: ARRIVAL}), departed.assign(**{CHANGE: DEPARTURE})],
        ignore_index=True,
    )
    if CHANGE not in frame:  # both empty
        frame[CHANGE] = pd.Series(dtype=object)
    return frame


def changes_by_area(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    filters: a.Filters | None = None,
    level: str | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """One row per area of ``level``: organisations that arrived and that left (counted once
    per area, a finer area counting in its parent), VALUE their sum (what moved there),
    ORGANISATIONS every name, DETAILS (arrived names, departed names)."""
    moved = records if CHANGE in records else movement_records(records.iloc[:0], records)
    kinds = moved[CHANGE].to_numpy()
    came = a.actors_by_area(
        moved.loc[kinds == ARRIVAL], boundaries, filters=filters, level=level, lang=lang
    )
    went = a.actors_by_area(
        moved.loc[kinds == DEPARTURE], boundaries, filters=filters, level=level, lang=lang
    )
    table = came[[s.AREA_CODE, a.AREA_NAME]].copy()
    table[ARRIVALS] = came[a.ACTORS].to_numpy()
    table[DEPARTURES] = went[a.ACTORS].to_numpy()
    table[a.ACTORS] = table[ARRIVALS] + table[DEPARTURES]
    table[a.VALUE] = table[a.ACTORS].astype(float)
    table[a.ORGANISATIONS] = [
        sorted(set(x) | set(y))
        for x, y in zip(came[a.ORGANISATIONS], went[a.ORGANISATIONS], strict=True)
    ]
    details: list[object] = [
        (tuple(x), tuple(y))
        for x, y in zip(came[a.ORGANISATIONS], went[a.ORGANISATIONS], strict=True)
    ]
    table[a.DETAILS] = pd.Series(details, index=table.index, dtype=object)
    table[a.HAS_DATA] = came[a.HAS_DATA].to_numpy() | went[a.HAS_DATA].to_numpy()
    return table


def movement_text(details: tuple[tuple[str, ...], tuple[str, ...]], lang: str) -> str:
    """ "+ A, B ; − C": who arrived and who left, for a tooltip or a table cell."""
    came, went = details
    parts = []
    if came:
        parts.append(t("changes_came", lang, names=", ".join(came)))
    if went:
        parts.append(t("changes_went", lang, names=", ".join(went)))
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)
