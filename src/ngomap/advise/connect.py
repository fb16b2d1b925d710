"""Who to meet: organisations ranked by the places, sectors, partners and funders they share.

A *focus* is what a planner looks from: one organisation's records (its area x sector
cells, partners and funders), or areas and sectors typed in (a proposed project). Every
other organisation of a records frame gets reasons, each in words, and a score:

- same area, same sector;
- same area, a complementary sector (pairs in ``data/connect/complementary_sectors.csv``,
  each with its rationale and source);
- the same local partner, or the same funder;
- the same sector in a neighbouring area (areas whose borders touch, from the geometry);
- the same sector nationwide (nationwide records are never spread to areas).

The points of each reason live in ``data/connect/weights.toml``. Areas compare through the
hierarchy: a record in a commune is in its cercle and region, and a record for a whole
cercle is in each of its communes, so focus and records need not be at the same level.

The ranking reads a records frame (the importer's ``Dataset.records``, or the registry's
presences in the same columns). What only the registry knows plugs in through small
protocols: the introductions already made (``IntroductionLog``).
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Final, Protocol

import numpy as np
import pandas as pd
import shapely

from ngomap import schema as s
from ngomap import vocab
from ngomap._paths import DATA_DIR
from ngomap.areas.boundaries import LEVELS, Boundaries
from ngomap.errors import InputFileError
from ngomap.i18n import sector_label, t
from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text, norm_text, split_names

CONNECT_DIR: Final = DATA_DIR / "connect"
WEIGHTS_FILE: Final = CONNECT_DIR / "weights.toml"
COMPLEMENTS_FILE: Final = CONNECT_DIR / "complementary_sectors.csv"

SAME_AREA_SECTOR: Final = "same_area_sector"
SAME_AREA_COMPLEMENTARY: Final = "same_area_complementary"
SAME_PARTNER: Final = "same_partner"
SAME_FUNDER: Final = "same_funder"
NEIGHBOUR_SAME_SECTOR: Final = "neighbour_same_sector"
NATIONWIDE_SAME_SECTOR: Final = "nationwide_same_sector"
REASONS: Final = (
    SAME_AREA_SECTOR,
    SAME_AREA_COMPLEMENTARY,
    SAME_PARTNER,
    SAME_FUNDER,
    NEIGHBOUR_SAME_SECTOR,
    NATIONWIDE_SAME_SECTOR,
)
# Degrees (about 11 m): real boundary files leave slivers between areas that do touch.
NEIGHBOUR_TOLERANCE: Final = 1e-4
# Several partners or funders in one cell: "A; B". Commas stay: names hold them.
SHOWN_IN_TEXT: Final = 5  # names listed in a reason's text before "(+N)"

# Columns of ``suggestions_frame``.
SCORE: Final = "score"
REASON_TEXTS: Final = "reasons"
INTRODUCED: Final = "introduced"


# --- data files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """Points per reason, and the funder values that name no funder ("own funds")."""

    points: Mapping[str, float]
    not_a_funder: frozenset[str] = frozenset()  # normalised (norm_text)

    def of(self, kind: str) -> float:
        """The points of one reason."""
        return float(self.points.get(kind, 0.0))


def read_weights(path: Path) -> Weights:
    """Weights from a TOML file like ``data/connect/weights.toml``, checked."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError(
            *pair(Msg.CONNECT_CANNOT_READ_TOML, path=path.name, exc=exc),
        ) from exc
    points = data.get("points", {})
    unknown = sorted(set(points) - set(REASONS))
    missing = sorted(set(REASONS) - set(points))
    bad = sorted(k for k, v in points.items() if not isinstance(v, int | float) or v < 0)
    if unknown or missing or bad:
        detail = "; ".join(
            part
            for part in (
                f"unknown: {', '.join(unknown)}" if unknown else "",
                f"missing: {', '.join(missing)}" if missing else "",
                f"not a number >= 0: {', '.join(bad)}" if bad else "",
            )
            if part
        )
        raise InputFileError(
            *pair(
                Msg.CONNECT_POINTS_GIVE_ONE,
                path=path.name,
                detail=detail,
                reasons=", ".join(REASONS),
            ),
        )
    ignored = data.get("funders", {}).get("not_a_funder", [])
    return Weights(
        points={k: float(v) for k, v in points.items()},
        not_a_funder=frozenset(norm_text(v) for v in ignored if norm_text(v)),
    )


@cache
def default_weights() -> Weights:
    """The weights shipped in ``data/connect/weights.toml``."""
    return read_weights(WEIGHTS_FILE)


@dataclass(frozen=True)
class Complement:
    """Two sectors that work well side by side in one place, with why and who says so."""

    sector_a: str
    sector_b: str
    rationale_en: str
    rationale_fr: str
    source: str

    def rationale(self, lang: str) -> str:
        """Why, in ``lang``."""
        return self.rationale_fr if lang == "fr" else self.rationale_en


@dataclass(frozen=True)
class Complements:
    """The complementary sector pairs, both ways: {sector: {other sector: Complement}}."""

    pairs: Mapping[str, Mapping[str, Complement]]

    def of(self, sector: str) -> Mapping[str, Complement]:
        """The sectors complementary to ``sector``."""
        return self.pairs.get(sector, {})

    def between(self, first: str, second: str) -> Complement | None:
        """The pair, if ``first`` and ``second`` are complementary."""
        return self.of(first).get(second)


def read_complements(path: Path) -> Complements:
    """Complementary sector pairs from a CSV like ``data/connect/complementary_sectors.csv``.

    Every sector must be a code of the sector vocabulary; every problem is said at once.
    """
    known = set(vocab.sectors().codes)
    pairs: dict[str, dict[str, Complement]] = {}
    problems: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            values = {k: clean_text(v) for k, v in row.items() if k}
            first, second = values.get("sector_a", ""), values.get("sector_b", "")
            for column, code in (("sector_a", first), ("sector_b", second)):
                if code not in known:
                    problems.append(f"row {row_number}, {column}: {code!r}")
            if first == second and first:
                problems.append(f"row {row_number}: {first} paired with itself")
            entry = Complement(
                first,
                second,
                values.get("rationale_en", ""),
                values.get("rationale_fr", ""),
                values.get("source", ""),
            )
            pairs.setdefault(first, {})[second] = entry
            pairs.setdefault(second, {})[first] = entry
    if problems:
        raise InputFileError(
            *pair(Msg.CONNECT_USE_SECTOR_CODES, path=path.name, problems="; ".join(problems)),
        )
    return Complements(pairs)


@cache
def default_complements() -> Complements:
    """The pairs shipped in ``data/connect/complementary_sectors.csv``."""
    return read_complements(COMPLEMENTS_FILE)


# --- neighbours -----------------------------------------------------------------------------


def neighbours(boundaries: Boundaries, level: str | None = None) -> Mapping[str, frozenset[str]]:
    """{P-code: the areas of the same level whose borders touch it} (computed once, cached).

    Areas closer than ``NEIGHBOUR_TOLERANCE`` count as touching: real boundary files leave
    slivers between neighbours. Areas meeting at a single point count too.
    """
    level = level or boundaries.level
    key = ("connect.neighbours", level)
    found = boundaries.cache.get(key)
    if found is not None:
        cached: Mapping[str, frozenset[str]] = found
        return cached
    areas = boundaries.level_areas(level)
    codes = [str(c) for c in areas.index]
    geometries = np.asarray(areas.geometry.values, dtype=object)
    touching: dict[str, set[str]] = {code: set() for code in codes}
    usable = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    if usable.any():
        positions = np.flatnonzero(usable)
        tree = shapely.STRtree(geometries[positions])
        left, right = tree.query(
            geometries[positions], predicate="dwithin", distance=NEIGHBOUR_TOLERANCE
        )
        for i, j in zip(left, right, strict=True):
            if i != j:
                touching[codes[positions[i]]].add(codes[positions[j]])
    result = {code: frozenset(near) for code, near in touching.items()}
    boundaries.cache[key] = result
    return result


# --- the focus ------------------------------------------------------------------------------


def _names_in(records: pd.DataFrame, column: str) -> dict[str, str]:
    """{normalised name: name as first written} of a partner or funder column."""
    found: dict[str, str] = {}
    if column not in records:
        return found
    for value in records[column].dropna().unique():
        for name in split_names(value):
            found.setdefault(norm_text(name), name)
    return found


@dataclass(frozen=True)
class Focus:
    """What to find partners for: area x sector cells, partners, funders.

    ``cells`` pairs a P-code (any level) with a sector code; ``national_sectors`` are
    sectors worked nationwide; ``exclude`` holds organisation keys never suggested (the
    organisation itself).
    """

    cells: frozenset[tuple[str, str]] = frozenset()
    national_sectors: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()  # names as written
    funders: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()

    @property
    def sectors(self) -> frozenset[str]:
        """Every sector of the focus."""
        return frozenset(sector for _area, sector in self.cells) | self.national_sectors

    @property
    def areas(self) -> frozenset[str]:
        """Every area of the focus."""
        return frozenset(area for area, _sector in self.cells)

    @classmethod
    def of_places(
        cls,
        areas: Iterable[str],
        sectors: Iterable[str],
        *,
        partners: Iterable[str] = (),
        funders: Iterable[str] = (),
        exclude: Iterable[str] = (),
    ) -> Focus:
        """Every sector in every area (a project, or a planner's question)."""
        chosen = list(dict.fromkeys(sectors))
        return cls(
            cells=frozenset((area, sector) for area in areas for sector in chosen),
            partners=frozenset(p for name in partners for p in split_names(name)),
            funders=frozenset(f for name in funders for f in split_names(name)),
            exclude=frozenset(exclude),
        )


def _national(records: pd.DataFrame) -> pd.Series:
    """True for nationwide records."""
    if s.NATIONAL not in records:
        return pd.Series(False, index=records.index)
    return records[s.NATIONAL].fillna(False).astype(bool)


def focus_of(records: pd.DataFrame, org_key: str) -> Focus:
    """One organisation's focus: its cells, nationwide sectors, partners and funders."""
    own = records.loc[records[s.ORG_KEY] == org_key]
    national = _national(own)
    local = own.loc[~national & own[s.AREA_CODE].notna()]
    cells = frozenset(
        (str(a), str(b))
        for a, b in local[[s.AREA_CODE, s.SECTOR]].drop_duplicates().itertuples(index=False)
    )
    return Focus(
        cells=cells,
        national_sectors=frozenset(str(v) for v in own.loc[national, s.SECTOR].dropna()),
        partners=frozenset(_names_in(own, s.PARTNER).values()),
        funders=frozenset(_names_in(own, s.FUNDER).values()),
        exclude=frozenset({org_key}),
    )


# --- introductions (the registry's log plugs in here) ---------------------------------------


@dataclass(frozen=True)
class Introduction:
    """Two organisations put in touch: when, by whom, and what came of it."""

    org_a: str  # organisation keys
    org_b: str
    when: date
    by: str = ""
    outcome: str = ""


class IntroductionLog(Protocol):
    """Where introductions are kept (the registry's table; a list in a session)."""

    def between(self, org_a: str, org_b: str) -> Introduction | None:
        """The latest introduction of these two organisations, either way round."""
        ...


@dataclass
class MemoryIntroductions:
    """Introductions kept in memory: a session's log, or a test's."""

    entries: list[Introduction] = field(default_factory=list)

    def add(self, entry: Introduction) -> None:
        """Keep one more introduction."""
        self.entries.append(entry)

    def between(self, org_a: str, org_b: str) -> Introduction | None:
        """The latest introduction of these two organisations, either way round."""
        found = [e for e in self.entries if {e.org_a, e.org_b} == {org_a, org_b}]
        return max(found, key=lambda e: e.when) if found else None


# --- reasons and suggestions ----------------------------------------------------------------


def _listed(items: Iterable[str], lang: str) -> str:
    values = list(items)
    shown = ", ".join(values[:SHOWN_IN_TEXT])
    more = len(values) - SHOWN_IN_TEXT
    return f"{shown} {t('connect_more', lang, n=more)}" if more > 0 else shown


@dataclass(frozen=True)
class Reason:
    """One reason to meet, with what it counts (``count``) and its points in all.

    ``areas`` are P-codes (the shared area, or the neighbouring one); ``sectors`` the other
    organisation's sectors; ``mine`` the focus's sectors a complementary sector goes with;
    ``names`` the shared partners or funders.
    """

    kind: str
    count: int
    points: float
    areas: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    mine: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    why: tuple[Complement, ...] = ()

    def text(self, boundaries: Boundaries | None, lang: str = "fr") -> str:
        """The reason in words, in ``lang``."""
        areas = sorted(
            {boundaries.name(c, lang) if boundaries else c for c in self.areas}, key=str.casefold
        )
        params = {
            "areas": _listed(areas, lang),
            "sectors": _listed((sector_label(c, lang) for c in self.sectors), lang),
            "mine": _listed((sector_label(c, lang) for c in self.mine), lang),
            "names": _listed(self.names, lang),
        }
        text = t(f"connect_reason_{self.kind}", lang, **params)
        if self.why:
            text += f" ({self.why[0].rationale(lang)})"
        return text


@dataclass(frozen=True)
class Suggestion:
    """An organisation to meet, its score, and its reasons (most points first)."""

    org_key: str
    org_name: str
    score: float
    reasons: tuple[Reason, ...]
    introduced: Introduction | None = None

    def texts(self, boundaries: Boundaries | None, lang: str = "fr") -> list[str]:
        """Every reason in words."""
        return [reason.text(boundaries, lang) for reason in self.reasons]

    def reason(self, kind: str) -> Reason | None:
        """The reason of one kind, if the suggestion has it."""
        return next((r for r in self.reasons if r.kind == kind), None)


def area_chain(boundaries: Boundaries, code: str) -> list[str]:
    """The area and its ancestors, finest first (just the code when unknown)."""
    chain = [code]
    parent = boundaries.parent(code)
    while parent is not None and parent not in chain:
        chain.append(parent)
        parent = boundaries.parent(parent)
    return chain


def _relations(
    boundaries: Boundaries, record_areas: Iterable[str], focus_areas: Iterable[str]
) -> list[tuple[str, str, str, str]]:
    """(record area, focus area, how, shown) for every related pair, through indexes.

    "same" when one area holds the other (shown: the finer of the two); "near" when they
    are neighbours at the coarser of their two levels (shown: the record's area at that
    level). Each distinct area is looked at once, never each pair of areas.
    """
    chains: dict[str, dict[str, str]] = {}

    def by_level(code: str) -> dict[str, str]:
        """{level: the area's ancestor (or itself) at that level}."""
        if code not in chains:
            chains[code] = {
                level: area
                for area in area_chain(boundaries, code)
                if (level := boundaries.level_of(area)) is not None
            }
        return chains[code]

    focus = list(dict.fromkeys(focus_areas))
    focus_set = set(focus)
    holders: dict[str, set[str]] = {}  # area -> focus areas it holds (itself included)
    # (level, area, focus level) -> focus areas of that level next to the area at that level
    near_at: dict[tuple[str, str, str], set[str]] = {}
    for code in focus:
        holders.setdefault(code, set()).add(code)
        focus_level = boundaries.level_of(code)
        for level, area in by_level(code).items():
            holders.setdefault(area, set()).add(code)
            if focus_level is None:
                continue
            for other in neighbours(boundaries, level).get(area, frozenset()):
                near_at.setdefault((level, other, focus_level), set()).add(code)
    found: list[tuple[str, str, str, str]] = []
    for record in dict.fromkeys(record_areas):
        same: dict[str, str] = {}
        for area in area_chain(boundaries, record):
            if area in focus_set:
                same[area] = record  # the record's area is in the focus area
        for code in holders.get(record, ()):
            same.setdefault(code, code)  # the record's area holds the focus area
        found += [(record, code, "same", shown) for code, shown in same.items()]
        record_level = boundaries.level_of(record)
        if record_level is None:
            continue
        depth = LEVELS.index(record_level)
        for level, area in by_level(record).items():
            # Neighbours are compared at the coarser of the two levels: at the record's own
            # level for focus areas as fine or finer, at the focus area's level otherwise.
            focus_levels = LEVELS[depth:] if level == record_level else (level,)
            for focus_level in focus_levels:
                for code in near_at.get((level, area, focus_level), ()):
                    if code not in same:
                        found.append((record, code, "near", area))
    return found


@dataclass
class _Tally:
    """What one candidate shares with the focus, reason by reason."""

    items: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    mine: set[str] = field(default_factory=set)
    why: dict[tuple[str, str], Complement] = field(default_factory=dict)

    def add(self, kind: str, area: str, sector: str) -> None:
        self.items.setdefault(kind, set()).add((area, sector))


def _tally_places(
    cells: pd.DataFrame,
    boundaries: Boundaries,
    focus: Focus,
    complements: Complements,
    tally: Callable[[str], _Tally],
) -> None:
    """Place reasons of each distinct (organisation, area, sector) cell: only its strongest
    reason, in every focus area that gives it (a record for a whole region meets a project
    in each of the region's cercles). Joins of small tables, not loops over pairs."""
    if cells.empty or not focus.cells:
        return
    relations = pd.DataFrame(
        _relations(boundaries, cells[s.AREA_CODE].unique(), focus.areas),
        columns=[s.AREA_CODE, "focus", "how", "shown"],
    )
    wanted = pd.DataFrame(sorted(focus.cells), columns=["focus", "mine"])
    pairs = [(sector, mine) for sector, others in complements.pairs.items() for mine in others]
    complement = pd.DataFrame(pairs, columns=[s.SECTOR, "mine"])
    joined = cells.merge(relations, on=s.AREA_CODE)
    same = joined.loc[joined["how"] == "same"]
    near = joined.loc[joined["how"] == "near"]
    options = pd.concat(
        [
            same.merge(wanted, left_on=["focus", s.SECTOR], right_on=["focus", "mine"]).assign(
                rank=0, mine=""
            ),
            same.merge(complement, on=s.SECTOR)
            .merge(wanted, on=["focus", "mine"])
            .sort_values("mine")
            .drop_duplicates([s.ORG_KEY, s.AREA_CODE, s.SECTOR, "focus"])
            .assign(rank=1),
            near.merge(wanted, left_on=["focus", s.SECTOR], right_on=["focus", "mine"]).assign(
                rank=2, mine=""
            ),
        ],
        ignore_index=True,
    )
    if options.empty:
        return
    cell = [s.ORG_KEY, s.AREA_CODE, s.SECTOR]
    options = options.loc[options["rank"] == options.groupby(cell)["rank"].transform("min")]
    kinds = (SAME_AREA_SECTOR, SAME_AREA_COMPLEMENTARY, NEIGHBOUR_SAME_SECTOR)
    columns = [s.ORG_KEY, s.SECTOR, "shown", "rank", "mine"]
    distinct = options[columns].drop_duplicates()
    rows = zip(*(distinct[column].tolist() for column in columns), strict=True)
    for key, sector, shown, rank, mine in rows:
        entry = tally(key)
        entry.add(kinds[rank], shown, sector)
        if rank == 1:
            entry.mine.add(mine)
            why = complements.between(sector, mine)
            if why is not None:
                entry.why.setdefault((shown, sector), why)


def meet(
    records: pd.DataFrame,
    boundaries: Boundaries,
    focus: Focus,
    *,
    weights: Weights | None = None,
    complements: Complements | None = None,
    introductions: IntroductionLog | None = None,
    organisations: Collection[str] | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """The organisations to meet for ``focus``, best first, each with its reasons.

    Ties are listed by name. ``organisations`` limits the candidates to these keys (a pair
    view); ``introductions`` marks the pairs already put in touch (only when the focus is
    one organisation, i.e. ``focus.exclude`` holds one key).
    """
    weights = weights or default_weights()
    complements = complements or default_complements()
    candidates = records.loc[~records[s.ORG_KEY].isin(list(focus.exclude))]
    if organisations is not None:
        candidates = candidates.loc[candidates[s.ORG_KEY].isin(list(organisations))]
    if candidates.empty:
        return []
    names = (
        candidates[[s.ORG_KEY, s.ORG_NAME]]
        .drop_duplicates(s.ORG_KEY)
        .set_index(s.ORG_KEY)[s.ORG_NAME]
        .astype(str)
        .to_dict()
    )
    tallies: dict[str, _Tally] = {}

    def tally(key: str) -> _Tally:
        return tallies.setdefault(key, _Tally())

    # Places: each distinct (organisation, area, sector) once; each distinct area pair once.
    national = _national(candidates)
    local = candidates.loc[~national & candidates[s.AREA_CODE].notna()]
    cells = local[[s.ORG_KEY, s.AREA_CODE, s.SECTOR]].drop_duplicates().astype(str)
    _tally_places(cells, boundaries, focus, complements, tally)

    # Nationwide: the same sector, worked in the whole country.
    wanted = focus.sectors
    for key, sector in (
        candidates.loc[national, [s.ORG_KEY, s.SECTOR]]
        .drop_duplicates()
        .astype(str)
        .itertuples(index=False)
    ):
        if sector in wanted:
            tally(key).add(NATIONWIDE_SAME_SECTOR, "", sector)

    # Partners and funders, compared after normalising their spelling.
    for kind, column, chosen, ignored in (
        (SAME_PARTNER, s.PARTNER, focus.partners, frozenset[str]()),
        (SAME_FUNDER, s.FUNDER, focus.funders, weights.not_a_funder),
    ):
        if column not in candidates or not chosen:
            continue
        wanted_names = {norm_text(n): n for n in chosen}
        matches: dict[str, list[str]] = {}  # text work once per distinct cell value
        for value in candidates[column].dropna().astype(str).unique():
            shared = [
                wanted_names[norm]
                for name in split_names(value)
                if (norm := norm_text(name)) in wanted_names and norm not in ignored
            ]
            if shared:
                matches[value] = shared
        if not matches:
            continue
        hits = candidates.loc[candidates[column].isin(list(matches)), [s.ORG_KEY, column]]
        for key, value in hits.drop_duplicates().astype(str).itertuples(index=False):
            for name in matches[value]:
                tally(key).add(kind, "", name)

    suggestions = [
        _suggestion(key, names.get(key, key), entry, weights, focus, introductions)
        for key, entry in tallies.items()
    ]
    suggestions = [x for x in suggestions if x.score > 0]
    suggestions.sort(key=lambda x: (-x.score, x.org_name.casefold(), x.org_name, x.org_key))
    return suggestions[:limit] if limit is not None else suggestions


def _suggestion(
    key: str,
    name: str,
    entry: _Tally,
    weights: Weights,
    focus: Focus,
    introductions: IntroductionLog | None,
) -> Suggestion:
    reasons = []
    for kind in REASONS:
        items = entry.items.get(kind)
        if not items:
            continue
        points = weights.of(kind)
        areas = tuple(sorted({area for area, _ in items if area}))
        values = tuple(sorted({value for _, value in items}, key=str.casefold))
        names = values if kind in (SAME_PARTNER, SAME_FUNDER) else ()
        sectors = () if names else values
        why = tuple(entry.why[item] for item in sorted(items) if item in entry.why)
        mine = tuple(sorted(entry.mine)) if kind == SAME_AREA_COMPLEMENTARY else ()
        reasons.append(
            Reason(kind, len(items), points * len(items), areas, sectors, mine, names, why)
        )
    reasons.sort(key=lambda r: (-r.points, REASONS.index(r.kind)))
    introduced = None
    if introductions is not None and len(focus.exclude) == 1:
        (own,) = focus.exclude
        introduced = introductions.between(own, key)
    return Suggestion(key, name, sum(r.points for r in reasons), tuple(reasons), introduced)


def pair_reasons(
    records: pd.DataFrame,
    boundaries: Boundaries,
    org_a: str,
    org_b: str,
    *,
    weights: Weights | None = None,
    complements: Complements | None = None,
) -> Suggestion | None:
    """What ``org_b`` shares with ``org_a`` (keys), or None when nothing."""
    found = meet(
        records,
        boundaries,
        focus_of(records, org_a),
        weights=weights,
        complements=complements,
        organisations=[org_b],
    )
    return found[0] if found else None


def suggestions_frame(
    suggestions: Iterable[Suggestion], boundaries: Boundaries | None, lang: str = "fr"
) -> pd.DataFrame:
    """One row per suggestion: key, name, score, reasons in words (one string), introduced."""
    rows = [
        {
            s.ORG_KEY: x.org_key,
            s.ORG_NAME: x.org_name,
            SCORE: x.score,
            REASON_TEXTS: " · ".join(x.texts(boundaries, lang)),
            INTRODUCED: x.introduced.when.isoformat() if x.introduced else "",
        }
        for x in suggestions
    ]
    return pd.DataFrame(rows, columns=[s.ORG_KEY, s.ORG_NAME, SCORE, REASON_TEXTS, INTRODUCED])
