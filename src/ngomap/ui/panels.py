"""What the page shows: banner, map, table, charts, footer. Each takes computed data."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import streamlit as st

from ngomap import analysis
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.file_areas import country_label, records_country
from ngomap.areas.matching import boundaries_country
from ngomap.i18n import sector_label, t
from ngomap.importer.report import rows_sentence
from ngomap.importer.threew import Dataset
from ngomap.importer.validate import ImportReport
from ngomap.levels import in_sentence
from ngomap.render import captions, charts
from ngomap.ui import views
from ngomap.ui.folded import folded
from ngomap.ui.text import plain

CHARTS_OPEN: Final = "charts_open"  # the charts' expander: open or not (closed at first)


def banner(dataset: Dataset, lang: str) -> None:
    """Say plainly when the data shown is the illustrative sample."""
    if dataset.is_sample:
        st.warning(t("sample_banner", lang), icon="ℹ️")


def counted_apart(
    records: pd.DataFrame, boundaries: Boundaries, options: views.ViewOptions, lang: str
) -> None:
    """Nationwide and area-wide organisations: shown, never spread over every area."""
    national = analysis.national_actors(records, filters=options.filters)
    if national:
        st.caption(t("nationwide", lang, names=plain(", ".join(national))))
    wide = analysis.area_wide_actors(
        records, boundaries, filters=options.filters, level=options.level
    )
    if wide:
        items = "; ".join(
            f"{boundaries.display_name(code, lang)} : {', '.join(names)}"
            for code, names in wide.items()
        )
        st.caption(t("area_wide", lang, items=plain(items)))
    st.caption(presences_line(records, boundaries, options, lang))


def presences_line(
    records: pd.DataFrame, boundaries: Boundaries, options: views.ViewOptions, lang: str
) -> str:
    """How the filtered records become the map's presences at its level, in one sentence."""
    found = analysis.presences_at(records, boundaries, level=options.level, filters=options.filters)
    return captions.presences_sentence(found, lang, country=boundaries.country)


_AREA_NOTE_KINDS = (
    "area.moved",
    "area.unknown",
    "area.unknown_code",
    "area.unknown_name",
    "area.wrong_column",
    "area.conflict",
    "area.ambiguous",
    "point.outside",
)
_MAX_NOTES = 12


def area_notes(dataset: Dataset, lang: str) -> None:
    """Where records whose area is not plainly in the boundaries went, said aloud.

    Ménaka counted in Gao, a code the boundaries do not know, a code in the wrong column:
    each message once, with its number of rows; the import report has them all.
    """
    notes: dict[str, int] = {}
    for problem in dataset.report.problems:
        if problem.kind in _AREA_NOTE_KINDS:
            message = problem.message(lang)
            notes[message] = notes.get(message, 0) + problem.count
    if not notes:
        return
    ranked = sorted(notes.items(), key=lambda item: -item[1])
    with st.expander(t("notes_title", lang), expanded=len(ranked) <= 3):
        for message, count in ranked[:_MAX_NOTES]:
            st.markdown(f"- {plain(message)} — {t('n_rows', lang, n=count)}")
        if len(ranked) > _MAX_NOTES:
            st.caption(t("more_notes", lang, n=len(ranked) - _MAX_NOTES))


def source_charts(
    by_sector: pd.DataFrame,
    by_region: pd.DataFrame,
    lang: str,
    *,
    boundaries: Boundaries,
    fold: bool = False,
) -> None:
    """The source page's two charts, following the filter; ``by_region`` is at the
    boundaries' coarsest level, named in their country's words (Région, État...).

    ``fold`` (the map page): in an expander, closed at first, and drawn only while it is
    open. A chart whose words change is compiled anew by Vega in the browser: drawn at every
    run, they made the map page's language switch at commune level about 0.4 s slower
    (``benchmarks.app_stages_bench``)."""
    area = captions.area_word(boundaries.levels[0], lang, country=boundaries.country)
    where: Any = st
    if fold:
        where = folded(t("charts_title", lang, area=in_sentence(area)), CHARTS_OPEN)
        if where is None:
            return
    left, right = where.columns(2)
    sectors = pd.DataFrame(
        {
            t("sector", lang): by_sector[s.SECTOR].map(lambda c: sector_label(c, lang)),
            t("count", lang): by_sector[analysis.ACTORS],
        }
    )
    regions = pd.DataFrame(
        {
            area: by_region[analysis.AREA_NAME],
            t("count", lang): by_region[analysis.ACTORS],
        }
    )
    for column, frame, category, title in (
        (left, sectors, t("sector", lang), t("chart_by_sector", lang)),
        (right, regions, area, t("chart_by_region", lang, area=in_sentence(area))),
    ):
        spec = charts.bar_spec(
            category=category, value=t("count", lang), title=title, value_title=t("count", lang)
        )
        column.vega_lite_chart(frame, spec, width="stretch")


def no_geometry(dataset: Dataset, chosen: Boundaries, lang: str) -> None:
    """Instead of the map: why there is none, and how to add the country's boundaries."""
    found = records_country(dataset.records)
    country = country_label(found) if found else "?"
    st.info(t("file_areas_no_map", lang, country=plain(country)), icon="🗺️")
    theirs = boundaries_country(chosen)
    if theirs is not None and found is not None and theirs != found:
        st.caption(
            t("file_areas_other", lang, theirs=plain(country_label(theirs)), country=plain(country))
        )
    st.markdown(t("file_areas_how", lang))


def rows_summary(report: ImportReport, lang: str) -> str:
    """What the import did with every row, in one sentence (the command line's too)."""
    return rows_sentence(report, lang)


def footer(dataset: Dataset, lang: str) -> None:
    """When the data was last updated, where it comes from, and what the import kept."""
    when = dataset.updated.isoformat() if dataset.updated else t("unknown_date", lang)
    report = dataset.report
    st.caption(t("last_updated", lang, date=when))
    st.caption(t("data_source", lang, source=plain(dataset.source(lang))))
    st.caption(rows_summary(report, lang))
