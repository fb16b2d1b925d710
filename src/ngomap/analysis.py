"""The views' arithmetic: distinct actors per area and sector, after filters."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from ngomap import schema as s
from ngomap.boundaries import Boundaries

AREA_NAME = "area_name"
LEVEL = "level"
ACTORS = "actors"
ORGANISATIONS = "organisations"
NATIONAL_LEVEL = "national"


def filter_records(
    records: pd.DataFrame, *, sectors: Collection[str] | None = None
) -> pd.DataFrame:
    """Records in the chosen sectors (all sectors when ``sectors`` is None)."""
    if sectors is None:
        return records
    return records.loc[records[s.SECTOR].isin(list(sectors))]


def _names(group: pd.Series) -> list[str]:
    return sorted(set(group), key=str.casefold)


def at_level(records: pd.DataFrame, boundaries: Boundaries, level: str) -> pd.Series:
    """Each record's area at ``level``: its own area or the ancestor containing it.

    Empty (NA) for nationwide records, and for records at a coarser level than ``level``
    (they are area-wide: never spread to every child area).
    """
    codes = records[s.AREA_CODE]
    mapping = {code: boundaries.ancestor(str(code), level) for code in codes.dropna().unique()}
    return codes.map(mapping)


def actors_by_area(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    sectors: Collection[str] | None = None,
    level: str | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """One row per area of ``level`` (the map's level by default): distinct organisations.

    An organisation with several sectors or rows in an area counts once there; a record in
    a finer area counts in its parent. Every area is listed, with 0 actors where nobody
    works. Nationwide and coarser (area-wide) records are left out: see
    ``national_actors`` and ``area_wide_actors``.
    """
    level = level or boundaries.level
    chosen = filter_records(records, sectors=sectors)
    areas = at_level(chosen, boundaries, level)
    local = chosen.assign(**{s.AREA_CODE: areas}).loc[areas.notna()]
    grouped = local.groupby(s.AREA_CODE)[s.ORG_NAME].agg(_names)
    codes = boundaries.codes(level)
    organisations = [grouped.get(code, []) for code in codes]
    return pd.DataFrame(
        {
            s.AREA_CODE: codes,
            AREA_NAME: [boundaries.name(code, lang) for code in codes],
            ACTORS: [len(names) for names in organisations],
            ORGANISATIONS: organisations,
        }
    )


def area_wide_actors(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    sectors: Collection[str] | None = None,
    level: str | None = None,
) -> dict[str, list[str]]:
    """Organisations recorded for a whole area coarser than ``level``: {area code: names}."""
    level = level or boundaries.level
    chosen = filter_records(records, sectors=sectors)
    coarse = chosen.loc[chosen[s.AREA_CODE].notna() & at_level(chosen, boundaries, level).isna()]
    return {str(code): _names(group) for code, group in coarse.groupby(s.AREA_CODE)[s.ORG_NAME]}


def national_actors(records: pd.DataFrame, *, sectors: Collection[str] | None = None) -> list[str]:
    """Organisations with nationwide records (listed apart, never spread to every area)."""
    chosen = filter_records(records, sectors=sectors)
    return _names(chosen.loc[chosen[s.NATIONAL], s.ORG_NAME])


def actors_by_sector(
    records: pd.DataFrame, *, sectors: Collection[str] | None = None
) -> pd.DataFrame:
    """Distinct organisations per sector, nationwide records included (the source page's chart)."""
    chosen = filter_records(records, sectors=sectors)
    counts = chosen.groupby(s.SECTOR)[s.ORG_KEY].nunique().rename(ACTORS)
    return counts.reset_index().sort_values([ACTORS, s.SECTOR], ascending=[False, True])


def summary(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    sectors: Collection[str] | None = None,
    level: str | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """One row per area and sector with actors: area_code, area_name, level, sector, actors,
    organisations (names joined by "; "). Nationwide records come last, at level "national".
    """
    level = level or boundaries.level
    chosen = filter_records(records, sectors=sectors)
    areas = at_level(chosen, boundaries, level)
    local = chosen.assign(**{s.AREA_CODE: areas}).loc[areas.notna()]
    national = chosen.loc[chosen[s.NATIONAL]]
    parts = []
    if not local.empty:
        grouped = local.groupby([s.AREA_CODE, s.SECTOR])[s.ORG_NAME].agg(_names).reset_index()
        grouped[AREA_NAME] = grouped[s.AREA_CODE].map(lambda c: boundaries.name(c, lang))
        grouped[LEVEL] = level
        parts.append(grouped)
    if not national.empty:
        nat = national.groupby(s.SECTOR)[s.ORG_NAME].agg(_names).reset_index()
        nat[s.AREA_CODE] = ""
        nat[AREA_NAME] = "Tout le pays" if lang == "fr" else "Nationwide"
        nat[LEVEL] = NATIONAL_LEVEL
        parts.append(nat)
    columns = [s.AREA_CODE, AREA_NAME, LEVEL, s.SECTOR, ACTORS, ORGANISATIONS]
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    table[ACTORS] = table[s.ORG_NAME].map(len)
    table[ORGANISATIONS] = table[s.ORG_NAME].map("; ".join)
    return table[columns].reset_index(drop=True)
