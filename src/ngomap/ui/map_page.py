"""The map tab's body: the view's controls, the map and its click panel, tables, exports.

It is not a Streamlit fragment, on purpose. As fragments (the body, and the map with its
panel) a filter change or a click reran only this part, but a fragment-only run drops the
state of widgets outside it that were not drawn in that run (Streamlit's `_is_stale_widget`,
streamlit/streamlit#14064, open). Under load the directory browser test twice found the
sidebar's page choice lost and the map shown instead of the directory; a late message from
st_folium rerunning the map fragment after the switch is the likely path (not proven).
Widgets the body draws in the sidebar (`controls_box`) are also outside what a fragment may
draw (streamlit#11109). The
speed comes instead from what every run reuses: the map's rendered arguments cached for all
sessions (`views._map_args`), chart specs and boundary codes kept.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ngomap.areas.boundaries import Boundaries
from ngomap.areas.population import Population
from ngomap.i18n import t
from ngomap.importer.threew import Dataset
from ngomap.registry.snapshot import Snapshot
from ngomap.ui import (
    connect,
    exports,
    level_hint,
    link,
    panels,
    registry_data,
    tiles,
    upload,
    views,
    widgets,
)
from ngomap.ui.text import plain
from ngomap.views import VIEWS, unavailable


def body(
    registry: Snapshot,
    dataset: Dataset,
    boundaries: Boundaries,
    chosen: Boundaries,
    own_areas: bool,
    lang: str,
    *,
    controls_box: DeltaGenerator,
) -> None:
    """Everything the map tab shows below the data's choice.

    ``boundaries``: the areas counted on (the file's own when ``own_areas``); ``chosen``:
    the boundaries picked in the sidebar.
    """
    records = dataset.records
    panels.banner(dataset, lang)
    link.note(dataset, boundaries, lang)

    options = views.controls(records, boundaries, lang, where=controls_box)
    tiles.switch(lang, where=controls_box)  # OpenStreetMap's tiles: off, nothing requested
    population = widgets.population(boundaries, options.level, lang)
    made_with = link.params(dataset, boundaries, lang) | registry_data.params()
    views.save_to_url(options, lang, made_with=made_with)
    if VIEWS[options.view].two_states:  # the changes view: what moved between two states
        dataset = registry_data.movements(
            registry, dataset, lang, file_name=upload.upload_name(), where=controls_box
        )
        records = dataset.records
    if options.filters.sectors == ():
        st.info(t("no_sector", lang))
        return
    if VIEWS[options.view].needs_organisations and not options.zone_orgs:
        st.info(t("zone_orgs_needed", lang))
        return
    if (why := unavailable(records, options, lang)) is not None:  # freshness on a file
        st.info(why)
        return

    words: dict[str, Any] = {
        "data_source": dataset.source(lang) or dataset.title(lang),
        "data_updated": dataset.updated,
        "map_credit": t("boundaries_credit", lang, source=boundaries.source),
    }
    view = views.view(dataset, boundaries, options, population, lang, **words)
    st.subheader(plain(view.title))  # names are user text
    if own_areas:  # tables only: the map needs the country's boundaries
        panels.no_geometry(dataset, chosen, lang)
    else:
        level_hint.show(records, boundaries, options, lang)  # a grey map: the data's level
        map_and_panel(dataset, boundaries, options, population, lang, words=words)
    panels.area_notes(dataset, lang)
    panels.counted_apart(records, boundaries, options, lang)

    tables = views.side_tables(dataset, boundaries, options, lang)
    views.view_tables(view.table, tables, options, lang, fold=not own_areas)
    panels.source_charts(
        tables["by_sector"], tables["by_region"], lang, boundaries=boundaries, fold=True
    )
    exports.panel(dataset, boundaries, options, lang, population)
    connect.section(dataset, boundaries, lang, population)
    panels.footer(dataset, lang)


def map_and_panel(
    dataset: Dataset,
    boundaries: Boundaries,
    options: views.ViewOptions,
    population: Population | None,
    lang: str,
    *,
    words: dict[str, Any],
) -> None:
    """The map and the clicked area's panel beside it."""
    map_column, panel_column = st.columns([3, 1])
    with map_column:
        clicked = views.show_view_map(dataset, boundaries, options, population, lang, **words)
    with panel_column:
        views.area_panel(dataset.records, boundaries, clicked, options, lang)
