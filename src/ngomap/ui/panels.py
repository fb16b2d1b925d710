"""What the page shows: banner, map, table, charts, footer. Each takes computed data."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ngomap import analysis, charts
from ngomap import schema as s
from ngomap.boundaries import Boundaries
from ngomap.i18n import sector_label, t
from ngomap.io.threew import Dataset
from ngomap.webmap import MapLabels, choropleth


def banner(dataset: Dataset, lang: str) -> None:
    """Say plainly when the data shown is the illustrative sample."""
    if dataset.is_sample:
        st.warning(t("sample_banner", lang), icon="ℹ️")


def map_title(chosen: tuple[str, ...], available: int, lang: str) -> str:
    """The map's title, stating the filter."""
    if len(chosen) == available:
        what = t("all_sectors", lang)
    elif len(chosen) <= 3:
        what = ", ".join(sector_label(c, lang) for c in chosen)
    else:
        what = t("n_sectors", lang, n=len(chosen))
    return t("map_title", lang, sectors=what)


def region_map(table: pd.DataFrame, boundaries: Boundaries, title: str, lang: str) -> None:
    """The choropleth of actors per region; panning and zooming never rerun the page."""
    st.subheader(title)
    labels = MapLabels(
        area=t("area", lang),
        count=t("count", lang),
        organisations=t("organisations", lang),
        legend_title=t("legend_title", lang),
        zero=t("zero", lang),
        boundaries_credit=t("boundaries_credit", lang),
        more=t("more", lang),
    )
    fmap = choropleth(boundaries.level_areas(), table, labels=labels)
    st_folium(fmap, key="map", height=520, use_container_width=True, returned_objects=[])


def region_table(table: pd.DataFrame, national: list[str], lang: str) -> None:
    """Regions with their counts and organisations; nationwide actors listed apart."""
    st.subheader(t("table_title", lang))
    shown = pd.DataFrame(
        {
            t("area", lang): table[analysis.AREA_NAME],
            t("count", lang): table[analysis.ACTORS],
            t("organisations", lang): table[analysis.ORGANISATIONS].map(", ".join),
        }
    ).sort_values(t("count", lang), ascending=False)
    st.dataframe(shown, hide_index=True, width="stretch")
    if national:
        st.caption(t("nationwide", lang, names=", ".join(national)))


def area_notes(dataset: Dataset, lang: str) -> None:
    """Records counted in another area than the one written (Ménaka in Gao...), said aloud."""
    notes: dict[str, int] = {}
    for problem in dataset.report.problems:
        if problem.kind == "area.moved":
            message = problem.message(lang)
            notes[message] = notes.get(message, 0) + 1
    if notes:
        with st.expander(t("notes_title", lang), expanded=True):
            for message, count in notes.items():
                st.markdown(f"- {message} — {t('n_rows', lang, n=count)}")


def source_charts(by_sector: pd.DataFrame, by_region: pd.DataFrame, lang: str) -> None:
    """The source page's two charts, following the filter."""
    left, right = st.columns(2)
    sectors = pd.DataFrame(
        {
            t("sector", lang): by_sector[s.SECTOR].map(lambda c: sector_label(c, lang)),
            t("count", lang): by_sector[analysis.ACTORS],
        }
    )
    regions = pd.DataFrame(
        {
            t("region", lang): by_region[analysis.AREA_NAME],
            t("count", lang): by_region[analysis.ACTORS],
        }
    )
    with left:
        st.altair_chart(
            charts.bar_chart(
                sectors,
                category=t("sector", lang),
                value=t("count", lang),
                title=t("chart_by_sector", lang),
                value_title=t("count", lang),
            ),
            width="stretch",
        )
    with right:
        st.altair_chart(
            charts.bar_chart(
                regions,
                category=t("region", lang),
                value=t("count", lang),
                title=t("chart_by_region", lang),
                value_title=t("count", lang),
            ),
            width="stretch",
        )


def footer(dataset: Dataset, lang: str) -> None:
    """When the data was last updated, where it comes from, and what the import kept."""
    when = dataset.updated.isoformat() if dataset.updated else t("unknown_date", lang)
    report = dataset.report
    st.caption(t("last_updated", lang, date=when))
    st.caption(t("data_source", lang, source=dataset.source(lang)))
    st.caption(
        t(
            "rows_summary",
            lang,
            kept=report.rows_kept,
            read=report.rows_read,
            duplicate=report.rows_duplicate,
            rejected=report.rows_rejected,
            organisations=report.organisations,
        )
    )
