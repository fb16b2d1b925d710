"""The views' arithmetic: distinct actors per area and sector, after filters."""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.messages import Msg, text

AREA_NAME = "area_name"
LEVEL = "level"
ACTORS = "actors"
ORGANISATIONS = "organisations"
NATIONAL_LEVEL = "national"
HAS_DATA = "has_data"  # the area has records in some sector, whatever the filters
POPULATION = "population"
PER_100K = "per_100k"
NEED = "need"
SECTORS = "sectors"
VALUE = "value"
DETAILS = "details"
ORG_A = "org_a"
ORG_B = "org_b"
SHARED = "shared"
AREAS = "areas"


@dataclass(frozen=True)
class Filters:
    """What the planner chose: None means "no filter" for each field.

    Hashable, so the page can cache each view on it.
    """

    sectors: tuple[str, ...] | None = None
    org_types: tuple[str, ...] | None = None
    presence: tuple[str, ...] | None = None
    organisations: tuple[str, ...] | None = None  # organisation keys
    statuses: tuple[str, ...] | None = None
    period: tuple[date | None, date | None] | None = None  # records active in [from, to]
    # The registry's: organisations' countries of origin, and the lists (sources) shown.
    origins: tuple[str, ...] | None = None
    lists: tuple[str, ...] | None = None


def _parsed_dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce", format="mixed", dayfirst=True)


def filter_records(
    records: pd.DataFrame,
    filters: Filters | None = None,
    *,
    sectors: Collection[str] | None = None,
) -> pd.DataFrame:
    """Records that pass every filter (a filter on a column the data lacks is ignored).

    A period keeps records active at some time in it: started before its end and not
    ended before its start; records without dates are kept.
    """
    filters = filters or Filters()
    if sectors is not None:
        filters = replace(filters, sectors=tuple(sectors))
    mask = pd.Series(True, index=records.index)
    for column, chosen in (
        (s.SECTOR, filters.sectors),
        (s.ORG_TYPE, filters.org_types),
        (s.PRESENCE, filters.presence),
        (s.ORG_KEY, filters.organisations),
        (s.STATUS, filters.statuses),
        (s.ORG_COUNTRY, filters.origins),
        (s.LIST_SOURCE, filters.lists),
    ):
        if chosen is not None and column in records:
            mask &= records[column].isin(list(chosen))
    if filters.period is not None:
        first, last = filters.period
        if last is not None and s.START in records:
            start = _parsed_dates(records[s.START])
            mask &= start.isna() | (start <= pd.Timestamp(last))
        if first is not None and s.END in records:
            end = _parsed_dates(records[s.END])
            mask &= end.isna() | (end >= pd.Timestamp(first))
    return records.loc[mask]


def organisation_names(records: pd.DataFrame) -> dict[str, str]:
    """{organisation key: display name}, sorted by name (for pickers and titles)."""
    pairs = records[[s.ORG_KEY, s.ORG_NAME]].drop_duplicates(s.ORG_KEY)
    ordered = sorted(zip(pairs[s.ORG_KEY], pairs[s.ORG_NAME], strict=True), key=lambda p: p[1])
    return dict(ordered)


def period_bounds(records: pd.DataFrame) -> tuple[date, date] | None:
    """The first and last dates of the records' start and end columns, if any parse."""
    columns = [c for c in (s.START, s.END) if c in records]
    if not columns:
        return None
    dates = pd.concat([_parsed_dates(records[c]) for c in columns]).dropna()
    if dates.empty:
        return None
    return dates.min().date(), dates.max().date()


def _joined(values: pd.Series) -> str:
    return ", ".join(sorted({str(v) for v in values} - {""}))


def _names(group: pd.Series) -> list[str]:
    return sorted(set(group), key=str.casefold)


def _names_by(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Distinct organisation names per group of ``keys``, sorted as ``_names`` sorts them.

    Same result as ``groupby(keys)[ORG_NAME].agg(_names)``, with the de-duplication and the
    sorting done once on the whole frame (a filter change at 100k records stays fast).
    """
    pairs = frame[[*keys, s.ORG_NAME]].drop_duplicates()
    order = pairs[s.ORG_NAME].map(str.casefold, na_action="ignore")
    pairs = pairs.assign(_order=order).sort_values(["_order", s.ORG_NAME], kind="stable")
    return pairs.groupby(keys, sort=True)[s.ORG_NAME].agg(list)


def at_level(records: pd.DataFrame, boundaries: Boundaries, level: str) -> pd.Series:
    """Each record's area at ``level``: its own area or the ancestor containing it.

    Empty (NA) for nationwide records, and for records at a coarser level than ``level``
    (they are area-wide: never spread to every child area).
    """
    codes = records[s.AREA_CODE]
    mapping = {code: boundaries.ancestor(str(code), level) for code in codes.dropna().unique()}
    return codes.map(mapping)


def _covered(records: pd.DataFrame, boundaries: Boundaries, level: str) -> set[str]:
    """Areas of ``level`` with records in any sector, whatever the filters (cached).

    Kept on the boundaries per records frame (checked by identity through a weak
    reference, so a new frame at a reused address is never mistaken for an old one).
    """
    key = ("covered", level, id(records))
    found = boundaries.cache.get(key)
    if found is not None and found[0]() is records:
        covered: set[str] = found[1]
        return covered
    covered = {str(c) for c in at_level(records, boundaries, level).dropna().unique()}
    dead = [
        k
        for k, v in list(boundaries.cache.items())  # a copy: other sessions' threads write too
        if isinstance(k, tuple) and k[0] == "covered" and v[0]() is None
    ]
    for old in dead:
        boundaries.cache.pop(old, None)  # frames no longer alive
    boundaries.cache[key] = (weakref.ref(records), covered)
    return covered


def actors_by_area(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    sectors: Collection[str] | None = None,
    filters: Filters | None = None,
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
    chosen = filter_records(records, filters, sectors=sectors)
    local = _localise(chosen, boundaries, level)
    grouped = _names_by(local, [s.AREA_CODE])
    codes = boundaries.codes(level)
    organisations = [grouped.get(code, []) for code in codes]
    covered = _covered(records, boundaries, level)
    return pd.DataFrame(
        {
            s.AREA_CODE: codes,
            AREA_NAME: [boundaries.display_name(code, lang) for code in codes],
            ACTORS: [len(names) for names in organisations],
            ORGANISATIONS: organisations,
            HAS_DATA: [code in covered for code in codes],
        }
    )


def area_wide_actors(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    sectors: Collection[str] | None = None,
    filters: Filters | None = None,
    level: str | None = None,
) -> dict[str, list[str]]:
    """Organisations recorded for a whole area coarser than ``level``: {area code: names}."""
    level = level or boundaries.level
    chosen = filter_records(records, filters, sectors=sectors)
    coarse = chosen.loc[chosen[s.AREA_CODE].notna() & at_level(chosen, boundaries, level).isna()]
    return {str(code): _names(group) for code, group in coarse.groupby(s.AREA_CODE)[s.ORG_NAME]}


def national_actors(
    records: pd.DataFrame,
    *,
    sectors: Collection[str] | None = None,
    filters: Filters | None = None,
) -> list[str]:
    """Organisations with nationwide records (listed apart, never spread to every area)."""
    chosen = filter_records(records, filters, sectors=sectors)
    return _names(chosen.loc[chosen[s.NATIONAL], s.ORG_NAME])


def actors_by_sector(
    records: pd.DataFrame,
    *,
    sectors: Collection[str] | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Distinct organisations per sector, nationwide records included (the source page's chart)."""
    chosen = filter_records(records, filters, sectors=sectors)
    counts = chosen.groupby(s.SECTOR)[s.ORG_KEY].nunique().rename(ACTORS)
    return counts.reset_index().sort_values([ACTORS, s.SECTOR], ascending=[False, True])


def summary(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    sectors: Collection[str] | None = None,
    filters: Filters | None = None,
    level: str | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """One row per area and sector with actors: area_code, area_name, level, sector, actors,
    organisations (names joined by "; "). Nationwide records come last, at level "national".
    """
    level = level or boundaries.level
    chosen = filter_records(records, filters, sectors=sectors)
    local = _localise(chosen, boundaries, level)
    national = chosen.loc[chosen[s.NATIONAL]]
    parts = []
    if not local.empty:
        grouped = _names_by(local, [s.AREA_CODE, s.SECTOR]).reset_index()
        grouped[AREA_NAME] = grouped[s.AREA_CODE].map(lambda c: boundaries.display_name(c, lang))
        grouped[LEVEL] = level
        parts.append(grouped)
    if not national.empty:
        nat = national.groupby(s.SECTOR)[s.ORG_NAME].agg(_names).reset_index()
        nat[s.AREA_CODE] = ""
        nat[AREA_NAME] = text(Msg.ANALYSIS_NATIONWIDE, lang)
        nat[LEVEL] = NATIONAL_LEVEL
        parts.append(nat)
    columns = [s.AREA_CODE, AREA_NAME, LEVEL, s.SECTOR, ACTORS, ORGANISATIONS]
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    table[ACTORS] = table[s.ORG_NAME].map(len)
    table[ORGANISATIONS] = table[s.ORG_NAME].map("; ".join)
    return table[columns].reset_index(drop=True)


@dataclass(frozen=True)
class Presences:
    """The records as the map counts them at one level (``presences_at``)."""

    level: str
    records: int  # records after filters
    presences: int  # distinct organisation x sector x area of ``level``
    merged: int  # records of ``level`` or finer that repeat a presence at ``level``
    area_wide: int  # records of a coarser area: shown apart, never spread
    national: int  # nationwide records: listed apart


def presences_at(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    level: str | None = None,
    filters: Filters | None = None,
) -> Presences:
    """How many presences the records make at ``level`` (the map's level by default).

    Records are merged at the map's level, not only at their own: one organisation in one
    sector in two communes of a region, or in a region and one of its cercles, is one
    presence in that region. records = presences + merged + area_wide + national.
    """
    level = level or boundaries.level
    chosen = filter_records(records, filters)
    national = chosen[s.NATIONAL].fillna(False).astype(bool)
    areas = at_level(chosen, boundaries, level)
    local = areas.notna() & ~national
    present = chosen.loc[local, [s.ORG_KEY, s.SECTOR]].assign(_area=areas[local])
    presences = len(present.drop_duplicates())
    return Presences(
        level=level,
        records=len(chosen),
        presences=presences,
        merged=int(local.sum()) - presences,
        area_wide=int((~local & ~national).sum()),
        national=int(national.sum()),
    )


def _localise(chosen: pd.DataFrame, boundaries: Boundaries, level: str) -> pd.DataFrame:
    """Records with AREA_CODE at ``level`` (others dropped: national, area-wide)."""
    areas = at_level(chosen, boundaries, level)
    return chosen.assign(**{s.AREA_CODE: areas}).loc[areas.notna()]


def _local(
    records: pd.DataFrame, boundaries: Boundaries, filters: Filters | None, level: str
) -> pd.DataFrame:
    """Filtered records with AREA_CODE at ``level``."""
    return _localise(filter_records(records, filters), boundaries, level)


def density(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    filters: Filters | None = None,
    level: str | None = None,
    population: Mapping[str, float] | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """Sector density: actors per area, and per 100,000 inhabitants when population is given.

    VALUE is what the map shades: actors, or actors per 100,000 (NaN where the population
    is unknown, so the map can show "no data" rather than a false zero).
    """
    table = actors_by_area(records, boundaries, filters=filters, level=level, lang=lang)
    table[VALUE] = table[ACTORS].astype(float)
    if population is not None:
        table[POPULATION] = table[s.AREA_CODE].map(lambda c: population.get(c, float("nan")))
        table[PER_100K] = table[ACTORS] / table[POPULATION] * 100_000
        table[VALUE] = table[PER_100K]
    return table


def overlaps(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    filters: Filters | None = None,
    level: str | None = None,
    min_actors: int = 2,
    lang: str = "fr",
) -> pd.DataFrame:
    """Area x sector cells where at least ``min_actors`` organisations work, with who."""
    level = level or boundaries.level
    local = _local(records, boundaries, filters, level)
    cells = _names_by(local, [s.AREA_CODE, s.SECTOR]).reset_index()
    cells[ACTORS] = cells[s.ORG_NAME].map(len)
    cells = cells.loc[cells[ACTORS] >= min_actors].rename(columns={s.ORG_NAME: ORGANISATIONS})
    cells.insert(1, AREA_NAME, cells[s.AREA_CODE].map(lambda c: boundaries.display_name(c, lang)))
    return cells.sort_values([ACTORS, s.AREA_CODE], ascending=[False, True]).reset_index(drop=True)


def overlap_by_area(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    filters: Filters | None = None,
    level: str | None = None,
    min_actors: int = 2,
    lang: str = "fr",
) -> pd.DataFrame:
    """Per area: VALUE = sectors where at least ``min_actors`` organisations overlap.

    ORGANISATIONS lists the organisations in those sectors; SECTORS the sector codes.
    """
    level = level or boundaries.level
    base = actors_by_area(records, boundaries, filters=filters, level=level, lang=lang)
    cells = overlaps(
        records, boundaries, filters=filters, level=level, min_actors=min_actors, lang=lang
    )
    by_area = cells.groupby(s.AREA_CODE)
    sectors = by_area[s.SECTOR].agg(list)
    names = by_area[ORGANISATIONS].agg(lambda lists: sorted({n for ns in lists for n in ns}))
    base[SECTORS] = base[s.AREA_CODE].map(lambda c: sectors.get(c, []))
    base[ORGANISATIONS] = base[s.AREA_CODE].map(lambda c: names.get(c, []))
    base[VALUE] = base[SECTORS].map(len).astype(float)
    return base


def pairs(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    filters: Filters | None = None,
    level: str | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """Pairs of organisations ranked by the area x sector cells they share (who to connect).

    Columns: ORG_A, ORG_B, SHARED (cells in common), AREAS (area names), SECTORS (codes).
    """
    level = level or boundaries.level
    local = _local(records, boundaries, filters, level)
    cells = local[[s.AREA_CODE, s.SECTOR, s.ORG_NAME]].drop_duplicates()
    joined = cells.merge(cells, on=[s.AREA_CODE, s.SECTOR], suffixes=("_a", "_b"))
    joined = joined.loc[joined[f"{s.ORG_NAME}_a"] < joined[f"{s.ORG_NAME}_b"]]
    columns = [ORG_A, ORG_B, SHARED, AREAS, SECTORS]
    if joined.empty:
        return pd.DataFrame(columns=columns)
    grouped = joined.groupby([f"{s.ORG_NAME}_a", f"{s.ORG_NAME}_b"])
    table = pd.DataFrame(
        {
            SHARED: grouped.size(),
            AREAS: grouped[s.AREA_CODE].agg(
                lambda codes: sorted({boundaries.display_name(c, lang) for c in codes})
            ),
            SECTORS: grouped[s.SECTOR].agg(lambda codes: sorted(set(codes))),
        }
    ).reset_index(names=[ORG_A, ORG_B])
    table = table.sort_values([SHARED, ORG_A, ORG_B], ascending=[False, True, True])
    return table[columns].reset_index(drop=True)


def gaps(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    filters: Filters | None = None,
    level: str | None = None,
    max_actors: int = 1,
    population: Mapping[str, float] | None = None,
    need: Mapping[str, float] | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """Coverage gaps: every area with a VALUE (actors), flagged when below ``max_actors``.

    Rows come gaps first, ranked by need, then population, then name. HAS_DATA is False
    for areas where the data holds no record in any sector: "no data", not "no actor".
    """
    table = actors_by_area(records, boundaries, filters=filters, level=level, lang=lang)
    table[VALUE] = table[ACTORS].astype(float)
    table["gap"] = table[ACTORS] < max_actors
    sort_by, ascending = ["gap"], [False]
    if need is not None:
        table[NEED] = table[s.AREA_CODE].map(lambda c: need.get(c, float("nan")))
        sort_by.append(NEED)
        ascending.append(False)
    if population is not None:
        table[POPULATION] = table[s.AREA_CODE].map(lambda c: population.get(c, float("nan")))
        sort_by.append(POPULATION)
        ascending.append(False)
    sort_by.append(AREA_NAME)
    ascending.append(True)
    return table.sort_values(sort_by, ascending=ascending, na_position="last").reset_index(
        drop=True
    )


def zones(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    organisations: Collection[str],
    filters: Filters | None = None,
    level: str | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """Intervention zones of the chosen organisations (keys): VALUE = how many work there.

    ORGANISATIONS lists them; DETAILS gives, per organisation, its sectors, presence and
    partners in the area.
    """
    chosen_filters = replace(filters or Filters(), organisations=tuple(organisations))
    table = actors_by_area(records, boundaries, filters=chosen_filters, level=level, lang=lang)
    level = level or boundaries.level
    local = _local(records, boundaries, chosen_filters, level)
    details: dict[str, list[dict[str, object]]] = {}
    for (code, name), group in local.groupby([s.AREA_CODE, s.ORG_NAME]):
        details.setdefault(str(code), []).append(
            {
                "organisation": str(name),
                SECTORS: sorted(set(group[s.SECTOR])),
                s.PRESENCE: sorted(set(group.get(s.PRESENCE, pd.Series(dtype=str))) - {""}),
                s.PARTNER: sorted(set(group.get(s.PARTNER, pd.Series(dtype=str))) - {""}),
            }
        )
    table[DETAILS] = table[s.AREA_CODE].map(lambda c: details.get(c, []))
    table[VALUE] = table[ACTORS].astype(float)
    return table


def area_actors(
    records: pd.DataFrame,
    boundaries: Boundaries,
    code: str,
    *,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Who works in one area (any level), by sector: the side panel of a clicked area.

    Records of finer areas count; one row per sector x organisation, with presence mode,
    partners and type (and, from the registry, the lists it is in).
    """
    level = boundaries.level_of(code)
    if level is None:
        return pd.DataFrame(columns=[s.SECTOR, s.ORG_NAME, s.PRESENCE, s.PARTNER, s.ORG_TYPE])
    local = _local(records, boundaries, filters, level)
    local = local.loc[local[s.AREA_CODE] == code]
    columns = [c for c in (s.PRESENCE, s.PARTNER, s.ORG_TYPE, s.LIST_SOURCE) if c in local]
    rows = local.groupby([s.SECTOR, s.ORG_NAME])[columns].agg(_joined).reset_index()
    return rows.sort_values([s.SECTOR, s.ORG_NAME]).reset_index(drop=True)


def matrix(
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    filters: Filters | None = None,
    level: str | None = None,
    lang: str = "fr",
    total_label: str = "Total",
) -> pd.DataFrame:
    """Sector x area table of distinct actors, with a total row and column (distinct too).

    Totals count organisations once, so they are not the sums of the cells.
    """
    level = level or boundaries.level
    local = _local(records, boundaries, filters, level)
    if local.empty:
        return pd.DataFrame()
    cells = local.pivot_table(
        index=s.SECTOR, columns=s.AREA_CODE, values=s.ORG_KEY, aggfunc="nunique", fill_value=0
    )
    cells[total_label] = local.groupby(s.SECTOR)[s.ORG_KEY].nunique()
    totals = local.groupby(s.AREA_CODE)[s.ORG_KEY].nunique()
    totals[total_label] = local[s.ORG_KEY].nunique()
    cells.loc[total_label] = totals
    cells = cells.fillna(0).astype(int)
    cells.columns = [
        boundaries.display_name(c, lang) if c != total_label else c for c in cells.columns
    ]
    return cells


@dataclass(frozen=True)
class ViewOptions:
    """Everything that decides a view (page, print, export, CLI); hashable, so cacheable."""

    view: str = "density"  # a key of ngomap.views.VIEWS
    level: str = "adm1"
    filters: Filters = field(default_factory=Filters)
    min_overlap: int = 2
    max_gap: int = 1
    zone_orgs: tuple[str, ...] = ()
    per_capita: bool = False
    # The freshness view: organisations not confirmed for more than this many months before
    # ``reference`` (the registry's "as of" date; None: today).
    stale_months: int = 12
    reference: date | None = None
    # The boundaries' country (ISO2, ``Boundaries.country``): its level words name the areas.
    country: str = ""

    def in_country_of(self, boundaries: Boundaries) -> ViewOptions:
        """These options naming the areas in ``boundaries``' words when they name no country."""
        return self if self.country else replace(self, country=boundaries.country)

    @property
    def rates(self) -> bool:
        """True when the view's VALUE is a rate (actors per 100,000), not a count."""
        return self.view == "density" and self.per_capita


def coarser_level(
    records: pd.DataFrame, boundaries: Boundaries, options: ViewOptions
) -> str | None:
    """The level the filtered records are at when none is at the map's level or finer.

    None when some record can be drawn at the map's level, or when none is coarser (no
    data at all is another message). The level named is the one holding most records.
    The page's grey-map warning and ``ngomap summary`` both say it.
    """
    levels = boundaries.levels
    if options.level not in levels:
        return None
    chosen = filter_records(records, options.filters)
    if s.NATIONAL in chosen:
        chosen = chosen.loc[~chosen[s.NATIONAL].astype(bool)]
    shown = levels.index(options.level)
    coarser: Counter[str] = Counter()
    for code, count in chosen[s.AREA_CODE].dropna().astype(str).value_counts().items():
        level = boundaries.level_of(str(code))
        if level not in levels:
            continue
        if levels.index(level) >= shown:
            return None  # this one is drawn: the map is not grey for want of a level
        coarser[level] += int(count)
    return coarser.most_common(1)[0][0] if coarser else None
