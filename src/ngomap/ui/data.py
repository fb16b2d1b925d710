"""Cached loaders and views for the page: computed once per input, shared by every rerun."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ngomap.areas.boundaries import Boundaries, embedded_regions
from ngomap.importer.threew import Dataset, load_sample
from ngomap.render.webassets import install_static


@st.cache_resource(show_spinner=False)
def serve_leaflet(static_dir: str) -> None:
    """Copy Leaflet into the app's static folder once per server."""
    install_static(Path(static_dir))


@st.cache_resource(show_spinner=False)
def regions() -> Boundaries:
    """The embedded Natural Earth regions (read once, never mutated)."""
    return embedded_regions()


@st.cache_resource(show_spinner=False)
def sample(key: str = "", _boundaries: Boundaries | None = None) -> Dataset:
    """The embedded sample matched on the page's boundaries (``key`` names them)."""
    return load_sample(_boundaries or regions())
