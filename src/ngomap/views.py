"""The views, defined once: what each one computes and says, and the one function that
builds a view for the page, every export and the command line.

A view is a table (one row per area of the map's level, with VALUE), the classes of its
map, the words of its map (legend, tooltips), its title and its source line. ``VIEWS`` lists
the views; adding one is one ``ViewSpec`` here (its table, its words) and its labels in
data/i18n (``view_<key>`` for the selector, the keys its headline uses).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from ngomap import analysis as a
from ngomap import freshness as fr
from ngomap import messages
from ngomap import movements as mv
from ngomap.analysis import ViewOptions
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.i18n import sector_label, t
from ngomap.levels import in_sentence
from ngomap.messages import Msg, pair
from ngomap.render.captions import area_word, areas_word, describe_filters, zone_text

if TYPE_CHECKING:  # folium loads when a view is built, not to list the views
    from ngomap.render.classes import Classes
    from ngomap.render.webmap import MapLabels

Table = Callable[
    [pd.DataFrame, Boundaries, ViewOptions, Mapping[str, float] | None, str], pd.DataFrame
]
Headline = Callable[[ViewOptions, str, Mapping[str, str]], str]


@dataclass(frozen=True)
class ViewSpec:
    """One view: its key (in URLs and on the command line), its table and its words.

    ``table(records, boundaries, options, population, lang)`` returns one row per area of
    ``options.level`` with VALUE; DETAILS, when the view has them, in raw form, which
    ``details_words`` turns into words for a tooltip.
    """

    key: str
    table: Table
    headline: Headline
    legend_key: str = "legend_title"
    details_key: str = "details"
    details_words: Callable[[Any, str], str] | None = None
    needs_organisations: bool = False  # nothing to show until organisations are chosen
    # Its records are what moved between two states (ngomap.movements.movement_records),
    # not one state: the page builds them from the registry's rounds (or the registry and
    # an uploaded file) before it builds the view.
    two_states: bool = False
    # Columns of its table shown on the page and exported, with their i18n keys.
    columns: tuple[tuple[str, str], ...] = ()
    # Whether the records can make this view; when not, ``unavailable_key`` says why.
    # Its own table lists the areas by VALUE, highest first (areas needing action first).
    ranked: bool = False
    available: Callable[[pd.DataFrame], bool] = lambda _records: True
    unavailable: Msg | None = None

    @property
    def label_key(self) -> str:
        """The i18n key of the view's name in the view selector."""
        return f"view_{self.key}"


def _common(options: ViewOptions, lang: str) -> dict[str, Any]:
    return {"filters": options.filters, "level": options.level, "lang": lang}


def _density(
    records: pd.DataFrame,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Mapping[str, float] | None,
    lang: str,
) -> pd.DataFrame:
    chosen = population if options.per_capita else None
    return a.density(records, boundaries, population=chosen, **_common(options, lang))


def _overlap(
    records: pd.DataFrame,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Mapping[str, float] | None,
    lang: str,
) -> pd.DataFrame:
    table = a.overlap_by_area(
        records, boundaries, min_actors=options.min_overlap, **_common(options, lang)
    )
    table[a.DETAILS] = table[a.SECTORS]
    return table


def _gaps(
    records: pd.DataFrame,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Mapping[str, float] | None,
    lang: str,
) -> pd.DataFrame:
    return a.gaps(
        records,
        boundaries,
        max_actors=options.max_gap,
        population=population,
        **_common(options, lang),
    )


def _zones(
    records: pd.DataFrame,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Mapping[str, float] | None,
    lang: str,
) -> pd.DataFrame:
    return a.zones(records, boundaries, organisations=options.zone_orgs, **_common(options, lang))


def _changes(
    records: pd.DataFrame,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Mapping[str, float] | None,
    lang: str,
) -> pd.DataFrame:
    return mv.changes_by_area(records, boundaries, **_common(options, lang))


def _freshness(
    records: pd.DataFrame,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Mapping[str, float] | None,
    lang: str,
) -> pd.DataFrame:
    return fr.freshness_by_area(
        records,
        boundaries,
        months=options.stale_months,
        reference=options.reference,
        **_common(options, lang),
    )


def _sector_words(codes: Any, lang: str) -> str:
    return ", ".join(sector_label(c, lang) for c in codes)


VIEWS: Final[dict[str, ViewSpec]] = {
    spec.key: spec
    for spec in (
        ViewSpec(
            key="density",
            table=_density,
            headline=lambda options, lang, _orgs: t(
                "title_density_per_capita" if options.per_capita else "title_density",
                lang,
                area=in_sentence(area_word(options.level, lang, country=options.country)),
            ),
        ),
        ViewSpec(
            key="overlap",
            table=_overlap,
            headline=lambda options, lang, _orgs: t("title_overlap", lang, n=options.min_overlap),
            legend_key="legend_overlap",
            details_key="overlap_details",
            details_words=_sector_words,
        ),
        ViewSpec(
            key="gaps",
            table=_gaps,
            headline=lambda options, lang, _orgs: t(
                "title_gaps_none" if options.max_gap <= 1 else "title_gaps",
                lang,
                n=options.max_gap,
                areas=areas_word(options.level, lang, country=options.country),
            ),
        ),
        ViewSpec(
            key="zones",
            table=_zones,
            headline=lambda options, lang, orgs: t(
                "title_zones",
                lang,
                names=", ".join(orgs.get(k, k) for k in options.zone_orgs) or "—",
            ),
            legend_key="legend_zones",
            details_words=zone_text,
            needs_organisations=True,
        ),
        ViewSpec(
            key="changes",
            table=_changes,
            headline=lambda options, lang, _orgs: t(
                "title_changes",
                lang,
                area=in_sentence(area_word(options.level, lang, country=options.country)),
            ),
            legend_key="legend_changes",
            details_key="changes_details",
            details_words=mv.movement_text,
            two_states=True,
            columns=((mv.ARRIVALS, "changes_arrivals"), (mv.DEPARTURES, "changes_departures")),
        ),
        ViewSpec(
            key="freshness",
            table=_freshness,
            headline=lambda options, lang, _orgs: t(
                "title_freshness",
                lang,
                n=options.stale_months,
                area=in_sentence(area_word(options.level, lang, country=options.country)),
            ),
            legend_key="legend_freshness",
            details_key="freshness_details",
            details_words=fr.freshness_text,
            columns=(
                (fr.STALE, "freshness_stale"),
                (a.ACTORS, "freshness_actors"),
                (fr.SHARE, "freshness_share"),
                (fr.OLDEST, "freshness_oldest"),
            ),
            ranked=True,
            available=fr.available,
            unavailable=Msg.VIEWS_FRESHNESS_UNAVAILABLE,
        ),
    )
}


def unavailable(records: pd.DataFrame, options: ViewOptions, lang: str) -> str | None:
    """Why the records cannot make the view ``options`` choose (None when they can)."""
    spec = spec_of(options)
    if spec.unavailable is None or spec.available(records):
        return None
    return messages.text(spec.unavailable, lang)


def spec_of(options: ViewOptions) -> ViewSpec:
    """The view ``options`` choose; a ValueError naming the known views otherwise."""
    spec = VIEWS.get(options.view)
    if spec is None:
        raise ValueError(f"unknown view {options.view!r}; choose one of {tuple(VIEWS)}")
    return spec


# --- the words of a view ----------------------------------------------------------------------


def headline(options: ViewOptions, lang: str, organisations: Mapping[str, str]) -> str:
    """The view in words, without the filters."""
    return spec_of(options).headline(options, lang, organisations)


def title(options: ViewOptions, lang: str, organisations: Mapping[str, str]) -> str:
    """The map's title: the view, then the filters it obeys."""
    filters = describe_filters(options.filters, lang, organisations)
    return f"{headline(options, lang, organisations)} — {filters}"


def map_labels(options: ViewOptions, lang: str, boundaries_credit: str) -> MapLabels:
    """The map's words for this view."""
    from ngomap.render.webmap import MapLabels

    spec = spec_of(options)
    legend = t("legend_per_capita" if options.rates else spec.legend_key, lang)
    if options.view == "freshness":
        legend = t(spec.legend_key, lang, n=options.stale_months)
    return MapLabels(
        area=area_word(options.level, lang, country=options.country),  # Cercle, LGA...
        count=legend,
        organisations=t("organisations", lang),
        legend_title=legend,
        zero=t("zero", lang),
        boundaries_credit=boundaries_credit,
        more=t("more", lang),
        details=t(spec.details_key, lang),
        no_data=t("no_data", lang),
    )


def with_details_text(table: pd.DataFrame, options: ViewOptions, lang: str) -> pd.DataFrame:
    """The view table with DETAILS in words (sector labels, organisations' details)."""
    words = spec_of(options).details_words
    if a.DETAILS not in table or words is None:
        return table
    table = table.copy()
    table[a.DETAILS] = table[a.DETAILS].map(lambda raw: words(raw, lang))
    return table


def classes_of(table: pd.DataFrame, options: ViewOptions) -> Classes:
    """The classes of the view's map: rates or counts."""
    from ngomap.render.classes import classify_counts, classify_gaps, classify_rates

    values = [float(v) for v in table[a.VALUE]]
    if options.view == "gaps":  # its own palette: gaps warm, covered neutral
        return classify_gaps(values, max_gap=options.max_gap)
    return classify_rates(values) if options.rates else classify_counts(values)


def boundaries_credit(boundaries: Boundaries) -> str:
    """The boundaries' source and version, as a source line states them."""
    return ", ".join(part for part in (boundaries.source, boundaries.version) if part)


def data_date(updated: date | None, lang: str) -> str:
    """The data's date as a subtitle states it."""
    if updated is None:
        return t("data_date_unknown", lang)
    return t("data_date", lang, date=updated.isoformat())


def source_line(
    boundaries: Boundaries,
    lang: str,
    *,
    data_source: str,
    today: date | None = None,
    lists: tuple[str, ...] | None = None,
) -> str:
    """ "Sources: <data>; boundaries: <source, version>; map: ngomap, <date>".

    ``lists``: the registry's lists shown, when not all of them (named after the data)."""
    data = data_source.strip().rstrip(".") or t("unknown_source", lang)
    if lists:
        data += t("source_lists", lang, lists=", ".join(lists))
    return t(
        "source_line",
        lang,
        data=data,
        boundaries=boundaries_credit(boundaries),
        date=(today or date.today()).isoformat(),
    )


# --- one view, built once ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class View:
    """A view built from the data and the options: what every place that shows it needs."""

    options: ViewOptions
    lang: str
    table: pd.DataFrame  # one row per area, DETAILS in words
    classes: Classes
    labels: MapLabels
    title: str  # the view and its filters
    headline: str  # the view alone
    subtitle: str  # the data's date
    source_line: str

    @property
    def spec(self) -> ViewSpec:
        """The view's entry in VIEWS (not a field: a View is pickled into the page's cache)."""
        return VIEWS[self.options.view]


def build_view(
    records: pd.DataFrame,
    boundaries: Boundaries,
    options: ViewOptions,
    *,
    lang: str,
    population: Mapping[str, float] | None = None,
    data_source: str = "",
    data_updated: date | None = None,
    today: date | None = None,
    classes: Classes | None = None,
    map_credit: str | None = None,
) -> View:
    """The view ``options`` choose, in ``lang``: its table, classes, words and source line.

    ``classes`` when the map must share another's (the pages of an atlas); ``map_credit``:
    what the interactive map's corner says (the source line when not given).
    """
    options = options.in_country_of(boundaries)  # its level words: Cercle, LGA...
    spec = spec_of(options)
    if spec.unavailable is not None and not spec.available(records):
        raise InputFileError(*pair(spec.unavailable))
    table = spec.table(records, boundaries, options, population, lang)
    table = with_details_text(table, options, lang)
    organisations = a.organisation_names(records)
    line = source_line(
        boundaries, lang, data_source=data_source, today=today, lists=options.filters.lists
    )
    return View(
        options=options,
        lang=lang,
        table=table,
        classes=classes or classes_of(table, options),
        labels=map_labels(options, lang, line if map_credit is None else map_credit),
        title=title(options, lang, organisations),
        headline=headline(options, lang, organisations),
        subtitle=data_date(data_updated, lang),
        source_line=line,
    )
