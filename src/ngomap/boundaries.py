"""Administrative areas: boundary files in, and every record's area found (or reported)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pycountry

from ngomap import schema as s
from ngomap._paths import EMBEDDED_CROSSWALK, EMBEDDED_REGIONS, VOCAB_DIR
from ngomap.errors import BoundaryError
from ngomap.normalise import clean_text, is_iso_subdivision, norm_pcode, norm_text

# Columns of Boundaries.areas (indexed by AREA_CODE).
NAME_FR = "name_fr"
NAME_EN = "name_en"
ISO_CODE = "iso_code"
PARENT = "parent_code"


@dataclass(frozen=True)
class CrosswalkEntry:
    """A code or name missing from the boundaries, and the area its records count in."""

    code: str
    name: str
    target: str
    note_en: str
    note_fr: str


@dataclass(frozen=True)
class Boundaries:
    """Areas of one admin level: P-code index, names, geometry in EPSG:4326."""

    areas: gpd.GeoDataFrame
    level: str
    source: str
    crosswalk: tuple[CrosswalkEntry, ...] = ()
    _names: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        names: dict[str, str] = {}
        for code, row in self.areas.iterrows():
            for name in (row[NAME_FR], row[NAME_EN]):
                names.setdefault(norm_text(name), str(code))
        self._names.update(names)

    @property
    def codes(self) -> list[str]:
        """Every area's P-code, in order."""
        return [str(code) for code in self.areas.index]

    def name(self, code: str, lang: str = "fr") -> str:
        """The area's name in ``lang``, or the code itself when unknown."""
        if code not in self.areas.index:
            return code
        return str(self.areas.at[code, NAME_FR if lang == "fr" else NAME_EN])

    def code_for_name(self, name: object) -> str | None:
        """The P-code of the area with this name (case, accents and spacing ignored)."""
        return self._names.get(norm_text(name))


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
            f"The embedded boundaries {EMBEDDED_REGIONS} cannot be read ({exc}); reinstall ngomap.",
            f"Les limites intégrées {EMBEDDED_REGIONS} sont illisibles ({exc}) ; "
            "réinstallez ngomap.",
        ) from exc
    areas = gpd.GeoDataFrame(
        {
            s.AREA_CODE: frame["pcode"].map(norm_pcode),
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
    )


@cache
def _nationwide_names() -> frozenset[str]:
    with (VOCAB_DIR / "nationwide.csv").open(encoding="utf-8", newline="") as handle:
        names = {norm_text(row["alias"]) for row in csv.DictReader(handle)}
    for country in pycountry.countries:
        names.add(norm_text(country.name))
    names.update({"mali", "burkina faso", "niger", "nigeria", "tchad"})
    return frozenset(names)


def is_nationwide(name: object) -> bool:
    """True for "Tout le Mali", "National", a country's name and the like."""
    key = norm_text(name)
    return bool(key) and key in _nationwide_names()


@dataclass(frozen=True, slots=True)
class AreaMatch:
    """Where a record goes: an area, nationwide, or nowhere (with the reason)."""

    code: str | None
    national: bool = False
    note_en: str = ""
    note_fr: str = ""


_NO_AREA = AreaMatch(
    None,
    note_en="No admin area given; fill in a region name or P-code.",
    note_fr="Aucune zone indiquée ; renseignez un nom ou un P-code de région.",
)


def match_area(
    boundaries: Boundaries, codes: Iterable[object], names: Iterable[object]
) -> AreaMatch:
    """Find the area of a record from its admin codes and names, finest first.

    Codes are tried before names: an exact P-code (after format normalisation), a finer
    P-code whose parent is in the boundaries, an ISO 3166-2 code, the boundaries' crosswalk;
    then names, ignoring case, accents and spacing; nationwide names make a national record.
    """
    known = boundaries.areas.index
    code_list = [norm_pcode(c) for c in codes if clean_text(c)]
    name_list = [clean_text(n) for n in names if clean_text(n)]
    by_code = {entry.code: entry for entry in boundaries.crosswalk if entry.code}
    by_name = {norm_text(entry.name): entry for entry in boundaries.crosswalk if entry.name}
    for code in code_list:
        if code in known:
            return AreaMatch(code)
        if is_iso_subdivision(code):
            iso_hits = boundaries.areas.index[boundaries.areas[ISO_CODE] == code]
            if len(iso_hits):
                return AreaMatch(str(iso_hits[0]))
        elif parent := next((c for c in known if code.startswith(str(c))), None):
            return AreaMatch(str(parent))
        if code in by_code:
            entry = by_code[code]
            return AreaMatch(entry.target, note_en=entry.note_en, note_fr=entry.note_fr)
    for name in name_list:
        if is_nationwide(name):
            return AreaMatch(None, national=True)
        found = boundaries.code_for_name(name)
        if found is not None:
            return AreaMatch(found)
        if norm_text(name) in by_name:
            entry = by_name[norm_text(name)]
            return AreaMatch(entry.target, note_en=entry.note_en, note_fr=entry.note_fr)
    if not code_list and not name_list:
        return _NO_AREA
    given = ", ".join(code_list + name_list)
    return AreaMatch(
        None,
        note_en=f"Area '{given}' is not in the boundaries ({boundaries.source}); "
        "check the code or the name.",
        note_fr=f"Zone « {given} » absente des limites ({boundaries.source}) ; "
        "vérifiez le code ou le nom.",
    )


def assign_areas(records: pd.DataFrame, boundaries: Boundaries) -> pd.DataFrame:
    """Add AREA_CODE, NATIONAL and AREA_NOTE (English, French) to each record.

    Works on distinct combinations of codes and names, so 100,000 rows cost a few hundred
    look-ups. Records with no area keep AREA_CODE empty: the caller reports them.
    """
    code_cols = [c for c in (s.ADM3_CODE, s.ADM2_CODE, s.ADM1_CODE) if c in records]
    name_cols = [c for c in (s.ADM3_NAME, s.ADM2_NAME, s.ADM1_NAME) if c in records]
    keys = code_cols + name_cols
    out = records.copy()
    if not keys:
        out[s.AREA_CODE] = None
        out[s.NATIONAL] = False
        out[s.AREA_NOTE] = None
        return out
    combos = out[keys].fillna("").astype(str).drop_duplicates()
    matches = {
        tuple(row): match_area(boundaries, row[: len(code_cols)], row[len(code_cols) :])
        for row in combos.itertuples(index=False, name=None)
    }
    row_keys = list(out[keys].fillna("").astype(str).itertuples(index=False, name=None))
    found = [matches[key] for key in row_keys]
    out[s.AREA_CODE] = [m.code for m in found]
    out[s.NATIONAL] = [m.national for m in found]
    out[s.AREA_NOTE] = pd.Series(
        [(m.note_en, m.note_fr) if m.note_en else None for m in found],
        index=out.index,
        dtype=object,
    )
    return out
