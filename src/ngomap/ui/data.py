"""Cached loaders and views for the page: computed once per input, shared by every rerun."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ngomap import analysis
from ngomap.boundaries import Boundaries, embedded_regions
from ngomap.io.threew import Dataset, load_sample
from ngomap.webassets import install_static


@st.cache_resource(show_spinner=False)
def serve_leaflet(static_dir: str) -> None:
    """Copy Leaflet into the app's static folder once per server."""
    install_static(Path(static_dir))


@st.cache_resource(show_spinner=False)
def regions() -> Boundaries:
    """The embedded Natural Earth regions (read once, never mutated)."""
    return embedded_regions()


@st.cache_resource(show_spinner=False)
def sample() -> Dataset:
    """The embedded sample (read once, never mutated)."""
    return load_sample(regions())


@st.cache_data(show_spinner=False)
def area_table(sectors: tuple[str, ...], lang: str) -> pd.DataFrame:
    """Actors per region for the chosen sectors."""
    return analysis.actors_by_area(sample().records, regions(), sectors=sectors, lang=lang)


@st.cache_data(show_spinner=False)
def sector_table(sectors: tuple[str, ...]) -> pd.DataFrame:
    """Actors per sector for the chosen sectors."""
    return analysis.actors_by_sector(sample().records, sectors=sectors)


@st.cache_data(show_spinner=False)
def national(sectors: tuple[str, ...]) -> list[str]:
    """Organisations working nationwide in the chosen sectors."""
    return analysis.national_actors(sample().records, sectors=sectors)
