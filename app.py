"""ngomap's page: who does what where. Reads as the page's table of contents."""

from pathlib import Path

import streamlit as st

from ngomap.i18n import t
from ngomap.ui import (
    access,
    boundaries_panel,
    data,
    edit,
    link,
    map_page,
    registry_data,
    rounds_page,
    streamlit_words,
    upload,
    views,
    widgets,
)
from ngomap.ui.text import plain

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
# A tab change reruns the page, so the import tab's list of rounds (a data grid) is sent only
# while that tab is open; everything else in the tabs is drawn as before.
map_tab, import_tab, *edit_tab = st.tabs(  # the edit tab: editors only
    tabs + edit.tab(lang), key=widgets.PAGE_TABS, on_change="rerun"
)
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
    rounds_page.section(
        registry,
        uploaded,
        boundaries,
        lang,
        upload=upload.current(),
        with_history=bool(import_tab.open),
    )
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
    # The view's controls, the map and its panel, tables, exports (not a fragment: map_page).
    map_page.body(
        registry,
        dataset,
        boundaries,
        chosen,
        own_areas is not None,
        lang,
        controls_box=controls_box,
    )
