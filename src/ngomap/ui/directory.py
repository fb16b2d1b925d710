"""The public directory page (no sign-in): the registry's organisations with their public
fields, searchable, with the map of organisations per area and the source page's two charts,
live from the registry.

Everything shown comes from ``registry.directory`` (public fields only, whatever the role of
the person at the page); names and contacts are user text and are shown in tables, never as
Markdown or HTML.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from ngomap import analysis as a
from ngomap import vocab
from ngomap.analysis import Filters, ViewOptions
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.geometry import light_areas
from ngomap.export.directory import directory_csv, directory_xlsx
from ngomap.i18n import sector_label, t
from ngomap.registry import directory as dr
from ngomap.registry import feed
from ngomap.ui import panels
from ngomap.ui import views as page_views
from ngomap.ui.access import Person
from ngomap.views import View, build_view

_HASH: Final[dict[Any, Any]] = {Boundaries: lambda b: b.fingerprint}


@st.cache_data(
    show_spinner=False,
    max_entries=8,
    hash_funcs={Engine: lambda e: str(e.url), Boundaries: lambda b: b.fingerprint},
)
def _directory(engine: Engine, changeset: int, boundaries: Boundaries) -> dr.Directory:
    """The directory, read once per registry change (``changeset`` is the cache key)."""
    del changeset
    return dr.build(engine, boundaries=boundaries)


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=_HASH)
def _view(
    records: pd.DataFrame, boundaries: Boundaries, options: ViewOptions, lang: str, source: str
) -> View:
    return build_view(records, boundaries, options, lang=lang, data_source=source)


def _filters(table: pd.DataFrame, lang: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The search words, organisation types and sectors chosen above the table."""
    text = st.text_input(t("directory_search", lang), key="directory_search", max_chars=200).strip()
    left, right = st.columns(2)
    types = sorted({str(c) for c in table["org_type"] if c})
    org_types = left.multiselect(
        t("directory_type", lang),
        types,
        format_func=lambda c: vocab.org_types().label(c, lang),
        key="directory_types",
    )
    codes = sorted({c for codes in table["sectors"] for c in codes})
    sectors = right.multiselect(
        t("directory_sector", lang),
        codes,
        format_func=lambda c: sector_label(c, lang),
        key="directory_sectors",
    )
    return text, tuple(org_types), tuple(sectors)


def _downloads(rows: pd.DataFrame, lang: str) -> None:
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(
        t("directory_download_csv", lang),
        data=lambda: directory_csv(rows, lang),
        file_name=t("directory_file", lang) + ".csv",
        mime="text/csv",
        key="directory_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    xlsx_column.download_button(
        t("directory_download_xlsx", lang),
        data=lambda: directory_xlsx(rows, lang),
        file_name=t("directory_file", lang) + ".xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="directory_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )


def page(engine: Engine, boundaries: Boundaries, someone: Person, lang: str) -> None:
    """The directory: search, table, downloads, map and charts (public fields for everyone)."""
    st.title(t("directory_title", lang))
    if not someone.may("view"):
        return
    st.caption(t("directory_intro", lang))
    changeset, _ = feed.version(engine)
    found = _directory(engine, changeset, boundaries)
    st.caption(
        t("directory_source", lang, date=found.updated.date().isoformat(), changeset=changeset)
    )
    if found.table.empty:
        st.info(t("directory_registry_empty", lang))
        return
    text, org_types, sectors = _filters(found.table, lang)
    rows = dr.search(found.table, text, org_types=org_types, sectors=sectors, lang=lang)
    st.caption(t("directory_count", lang, shown=len(rows), total=len(found.table)))
    if rows.empty:
        st.info(t("directory_empty", lang))
        return
    st.dataframe(
        dr.labelled(rows, lang),
        hide_index=True,
        column_config={t("directory_col_website", lang): st.column_config.TextColumn()},
    )
    _downloads(rows, lang)
    records = dr.records_of(found, rows)
    if records.empty:
        return
    options = ViewOptions(
        view="density",
        level=boundaries.level,
        filters=Filters(sectors=sectors or None),
        country=boundaries.country,
    )
    shown = _view(records, boundaries, options, lang, t("directory_map_source", lang))
    st.subheader(t("directory_map", lang))
    map_column, panel_column = st.columns([3, 1])
    with map_column:
        clicked = page_views.show_map(shown, light_areas(boundaries, options.level))
    with panel_column:
        page_views.area_panel(records, boundaries, clicked, options, lang)
    panels.source_charts(
        a.actors_by_sector(records, filters=options.filters),
        a.actors_by_area(
            records, boundaries, filters=options.filters, level=boundaries.levels[0], lang=lang
        ),
        lang,
        boundaries=boundaries,
    )
