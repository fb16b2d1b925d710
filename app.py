"""ngomap's page: who does what where. Reads as the page's table of contents."""

from pathlib import Path

import streamlit as st

from ngomap.i18n import t
from ngomap.ui import data, panels, widgets

st.set_page_config(page_title="ngomap", page_icon="🗺️", layout="wide")
data.serve_leaflet(str(Path(__file__).parent / "static"))

lang = widgets.language()
dataset = data.sample()
boundaries = data.regions()

st.title(t("app_title", lang))
panels.banner(dataset, lang)

available = sorted(set(dataset.records["sector"]))
chosen = widgets.sectors(available, lang)
if not chosen:
    st.info(t("no_sector", lang))
    st.stop()

table = data.area_table(chosen, lang)
panels.region_map(table, boundaries, panels.map_title(chosen, len(available), lang), lang)
panels.area_notes(dataset, lang)
panels.region_table(table, data.national(chosen), lang)
panels.source_charts(data.sector_table(chosen), table, lang)
panels.footer(dataset, lang)
