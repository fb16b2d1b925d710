"""ngomap's page: who does what where. Reads as the page's table of contents."""

from pathlib import Path

import streamlit as st

from ngomap.areas.geometry import light_areas
from ngomap.i18n import t
from ngomap.ui import (
    access,
    boundaries_panel,
    connect,
    data,
    edit,
    exports,
    level_hint,
    link,
    panels,
    registry_data,
    rounds_page,
    streamlit_words,
    tiles,
    upload,
    views,
    widgets,
)
from ngomap.ui.text import plain
from ngomap.views import VIEWS, unavailable

st.set_page_config(page_title="ngomap", page_icon="🗺️", layout="wide")
data.serve_leaflet(str(Path(__file__).parent / "static"))
views.restore_from_url()
link.remember()

lang = widgets.language()
streamlit_words.apply(lang)  # Streamlit's own words (uploader, calendar, menus) in lang
access.navigation(lang)  # who is here and which page: every action below asks their role
controls_box = st.sidebar.container()  # the view and its filters first, the data panels below
aliases = upload.sidebar(lang)
boundaries = boundaries_panel.choose(lang)
if access.other_page(lang, boundaries):  # directory, request form, review queue, accounts
    st.stop()

st.title(t("app_title", lang))
# The map comes first; the import (preview, columns, report) has its own tab.
import_label = (
    t("tab_import_of", lang, name=plain(upload.upload_name())) if upload.has_upload() else ""
)
tabs = [t("tab_map", lang), import_label or t("tab_import", lang)]
map_tab, import_tab, *edit_tab = st.tabs(tabs + edit.tab(lang))  # the edit tab: editors only
summary = map_tab.container()
registry = registry_data.load(lang)  # the registry now, or as of a date, fresh entries only
uploaded, own_areas = upload.dataset_and_areas(
    registry.dataset,
    boundaries,
    lang,
    aliases=aliases,
    details=import_tab,
    summary=summary,
    loaded=boundaries_panel.is_loaded(),
)
with import_tab:  # the file compared with the registry, applied as a round; the rounds
    rounds_page.section(registry, uploaded, boundaries, lang, upload=upload.current())
for tab in edit_tab:  # one organisation's profile and presences, saved as one change
    with tab:
        edit.section(boundaries, lang)
chosen = boundaries

with map_tab:  # everything below is drawn in the map tab
    dataset = registry_data.choose(registry, uploaded, lang, file_name=upload.upload_name())
    if own_areas is not None and dataset is uploaded:  # no boundary file of its country:
        boundaries = boundaries_panel.file_areas(own_areas, lang)  # its own codes and names
    else:
        own_areas = None
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
        st.stop()
    if VIEWS[options.view].needs_organisations and not options.zone_orgs:
        st.info(t("zone_orgs_needed", lang))
        st.stop()
    if (why := unavailable(records, options, lang)) is not None:  # freshness on a file
        st.info(why)
        st.stop()

    view = views.view(
        dataset,
        boundaries,
        options,
        population,
        lang,
        data_source=dataset.source(lang) or dataset.title(lang),
        data_updated=dataset.updated,
        map_credit=t("boundaries_credit", lang, source=boundaries.source),
    )
    st.subheader(plain(view.title))  # names are user text
    if own_areas is not None:  # tables only: the map needs the country's boundaries
        panels.no_geometry(dataset, chosen, lang)
    else:
        level_hint.show(records, boundaries, options, lang)  # a grey map: the data's level
        map_column, panel_column = st.columns([3, 1])
        with map_column:
            clicked = views.show_map(view, light_areas(boundaries, options.level))
        with panel_column:
            views.area_panel(records, boundaries, clicked, options, lang)
    panels.area_notes(dataset, lang)
    panels.counted_apart(records, boundaries, options, lang)

    tables = views.side_tables(dataset, boundaries, options, lang)
    views.view_tables(view.table, tables, options, lang)
    panels.source_charts(tables["by_sector"], tables["by_region"], lang, boundaries=boundaries)
    exports.panel(dataset, boundaries, options, lang, population)
    connect.section(dataset, boundaries, lang, population)
    panels.footer(dataset, lang)
