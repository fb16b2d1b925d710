"""Who arrived and who left: presences in chosen zones and sectors compared between rounds.

Today a round is a records frame (a 3W file imported at some date: ``TwoRounds``); the
registry's rounds and changes will give the same ``Movement`` objects through
``ZoneHistory``. The brief and the subscription digests read them from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import pandas as pd

from ngomap import schema as s
from ngomap.advise import connect
from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import t

ARRIVAL: Final = "arrival"
DEPARTURE: Final = "departure"


@dataclass(frozen=True)
class Movement:
    """An organisation that arrived in or left a zone in a sector between two rounds."""

    kind: str  # ARRIVAL or DEPARTURE
    org_name: str
    zone: str  # P-code of the project's zone
    sector: str


class ZoneHistory(Protocol):
    """Who arrived and left in zones and sectors over the last rounds."""

    def movements(
        self, boundaries: Boundaries, zones: Sequence[str], sectors: Sequence[str]
    ) -> list[Movement]:
        """Arrivals and departures in ``zones`` (P-codes) for ``sectors``."""
        ...

    def label(self, lang: str) -> str:
        """What is compared, in words ("round of 2026-03 and round of 2026-09")."""
        ...


@dataclass(frozen=True, eq=False)
class TwoRounds:
    """The history between two records frames: a previous file and the current one."""

    previous: pd.DataFrame
    current: pd.DataFrame
    previous_name: str = ""
    current_name: str = ""

    def movements(
        self, boundaries: Boundaries, zones: Sequence[str], sectors: Sequence[str]
    ) -> list[Movement]:
        """Arrivals (in the current file only) and departures (in the previous one only)."""
        before = _presences(self.previous, boundaries, zones, sectors)
        after = _presences(self.current, boundaries, zones, sectors)
        found = [Movement(ARRIVAL, *key) for key in sorted(set(after) - set(before))]
        found += [Movement(DEPARTURE, *key) for key in sorted(set(before) - set(after))]
        return found

    def label(self, lang: str) -> str:
        """The two files compared."""
        return t("brief_rounds", lang, previous=self.previous_name, current=self.current_name)


def _presences(
    records: pd.DataFrame, boundaries: Boundaries, zones: Sequence[str], sectors: Sequence[str]
) -> list[tuple[str, str, str]]:
    """(organisation name, zone, sector) present in the zones and sectors (every sector
    when ``sectors`` is empty)."""
    if not sectors:
        sectors = sorted({str(v) for v in records[s.SECTOR].dropna()})
    table = actors_in_zones(records, boundaries, zones, sectors)
    return sorted(set(zip(table[s.ORG_NAME], table["zone"], table[s.SECTOR], strict=True)))


def actors_in_zones(
    records: pd.DataFrame, boundaries: Boundaries, zones: Sequence[str], sectors: Sequence[str]
) -> pd.DataFrame:
    """Records in each zone for the sectors: columns zone, SECTOR, ORG_KEY, ORG_NAME, wide.

    A record in a finer area counts in the zone; a record for a whole coarser area holding
    the zone counts too, with ``wide`` True (area-wide). Nationwide records are left out.
    """
    columns = ["zone", s.SECTOR, s.ORG_KEY, s.ORG_NAME, "wide"]
    chosen = records.loc[records[s.SECTOR].isin(list(sectors)) & records[s.AREA_CODE].notna()]
    if s.NATIONAL in chosen:
        chosen = chosen.loc[~chosen[s.NATIONAL].fillna(False).astype(bool)]
    if chosen.empty or not zones:
        return pd.DataFrame(columns=columns)
    rows = []
    chains = {z: set(connect.area_chain(boundaries, z)) for z in zones}
    for area in chosen[s.AREA_CODE].astype(str).unique():
        chain = set(connect.area_chain(boundaries, area))
        for zone in zones:
            if zone in chain:
                rows.append((area, zone, False))
            elif area in chains[zone]:
                rows.append((area, zone, True))
    if not rows:
        return pd.DataFrame(columns=columns)
    links = pd.DataFrame(rows, columns=[s.AREA_CODE, "zone", "wide"])
    merged = chosen.assign(**{s.AREA_CODE: chosen[s.AREA_CODE].astype(str)}).merge(
        links, on=s.AREA_CODE
    )
    table = merged[columns].drop_duplicates(["zone", s.SECTOR, s.ORG_KEY])
    return table.sort_values(["zone", s.SECTOR, s.ORG_NAME]).reset_index(drop=True)
