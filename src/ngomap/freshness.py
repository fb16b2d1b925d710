"""How fresh the registry's knowledge is, per area: the organisations to call again.

Every organisation of the registry carries its last confirmation (a round that listed it,
an approved request, a hand edit). The freshness view counts, per area, the organisations
working there whose entry has not been confirmed for more than N months (or never): the
calls a planner has to make before trusting the map of that area. Its table adds how many
organisations work there in all, the share to confirm again and the oldest confirmation.

A plain file has no confirmation dates: ``available`` says so, and the view is not offered
on it (the page and the command line say why).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import pandas as pd

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import t

STALE: Final = "stale"  # organisations not confirmed for more than N months
SHARE: Final = "stale_share"  # their share of the area's organisations, in %
OLDEST: Final = "oldest_confirmed"  # the oldest last confirmation among them ("" if never)
NEVER: Final = "never"  # DETAILS' word for an organisation never confirmed


def available(records: pd.DataFrame) -> bool:
    """Whether the records know when each organisation was last confirmed (the registry's)."""
    return s.CONFIRMED in records


def cutoff(reference: date, months: int) -> date:
    """The day ``months`` months before ``reference`` (the month's last day when shorter)."""
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    return (pd.Timestamp(reference) - pd.DateOffset(months=months)).date()


def stale_mask(records: pd.DataFrame, *, months: int, reference: date) -> pd.Series:
    """True for the records of organisations not confirmed since ``cutoff`` (or never)."""
    confirmed = pd.to_datetime(records[s.CONFIRMED], errors="coerce")
    return confirmed.isna() | (confirmed < pd.Timestamp(cutoff(reference, months)))


def freshness_by_area(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    months: int,
    reference: date | None = None,
    filters: a.Filters | None = None,
    level: str | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """One row per area of ``level``: VALUE (and STALE) the organisations working there not
    confirmed for more than ``months`` months before ``reference`` (today when None);
    ACTORS every organisation working there; SHARE the stale ones' percentage; OLDEST the
    oldest last confirmation among them (ISO date; "never" in ``lang`` when one never was,
    "" when none is stale); ORGANISATIONS the stale names; DETAILS (name, ISO date or NEVER) pairs.

    A record at a finer level counts in its parent, as in every view.
    """
    if not available(records):
        raise ValueError("the records have no confirmation dates (a file, not the registry)")
    reference = reference or date.today()
    common: dict[str, Any] = {"filters": filters, "level": level, "lang": lang}
    everyone = a.actors_by_area(records, boundaries, **common)
    stale = a.actors_by_area(
        records.loc[stale_mask(records, months=months, reference=reference)],
        boundaries,
        **common,
    )
    when = _confirmed_by_name(records)
    table = everyone[[s.AREA_CODE, a.AREA_NAME]].copy()
    table[STALE] = stale[a.ACTORS].to_numpy()
    table[a.ACTORS] = everyone[a.ACTORS].to_numpy()
    actors = table[a.ACTORS].to_numpy()
    shares = [
        round(100 * n / total, 1) if total else 0.0
        for n, total in zip(table[STALE], actors, strict=True)
    ]
    table[SHARE] = shares
    table[a.VALUE] = table[STALE].astype(float)
    names = [list(n) for n in stale[a.ORGANISATIONS]]
    table[a.ORGANISATIONS] = names
    details: list[object] = [tuple((n, when.get(n, NEVER)) for n in group) for group in names]
    table[a.DETAILS] = pd.Series(details, index=table.index, dtype=object)
    never = t("freshness_never_short", lang)
    table[OLDEST] = [_oldest(group, when, never) for group in names]
    table[a.HAS_DATA] = everyone[a.HAS_DATA].to_numpy()
    return table


def _confirmed_by_name(records: pd.DataFrame) -> dict[str, str]:
    """{organisation name: its last confirmation as an ISO date, or NEVER}."""
    pairs = records[[s.ORG_NAME, s.CONFIRMED]].drop_duplicates(s.ORG_NAME)
    days = pd.to_datetime(pairs[s.CONFIRMED], errors="coerce")
    return {
        str(name): NEVER if pd.isna(day) else day.date().isoformat()
        for name, day in zip(pairs[s.ORG_NAME], days, strict=True)
    }


def _oldest(names: list[str], when: dict[str, str], never: str) -> str:
    """The oldest confirmation among ``names`` ("" for none, ``never`` when one never was)."""
    days = [when.get(n, NEVER) for n in names]
    if not days:
        return ""
    return never if NEVER in days else min(days)


def freshness_text(details: Any, lang: str) -> str:
    """ "A (confirmée le 31/03/2024), B (jamais confirmée)": for a tooltip or a table cell."""
    parts = []
    for name, day in details:
        if day == NEVER:
            parts.append(t("freshness_never", lang, name=name))
        else:
            shown = date.fromisoformat(day)
            text = shown.strftime("%d/%m/%Y") if lang == "fr" else shown.isoformat()
            parts.append(t("freshness_confirmed_on", lang, name=name, date=text))
    return ", ".join(parts)
