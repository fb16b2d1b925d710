"""The map's background switch: OpenStreetMap's tiles, off by default.

Off, the map is drawn on the offline basemap (``areas.basemap``) and no request for a tile
leaves the browser; on, the tiles come from OpenStreetMap's servers, on the page and in the
HTML export. The choice is kept in the page's link (``tiles=1``).
"""

from __future__ import annotations

from typing import Final

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ngomap.i18n import t

KEY: Final = "osm_tiles"
URL_KEY: Final = "tiles"


def switch(lang: str, *, where: DeltaGenerator) -> bool:
    """The sidebar's switch, first set from the page's link; whether the tiles are on."""
    if KEY not in st.session_state:
        st.session_state[KEY] = str(st.session_state.pop(f"_url_{URL_KEY}", "")) == "1"
    return bool(where.toggle(t("osm_tiles", lang), key=KEY, help=t("osm_tiles_help", lang)))


def on() -> bool:
    """Whether the user switched OpenStreetMap's tiles on (off until they do)."""
    return bool(st.session_state.get(KEY, False))


def params() -> dict[str, str]:
    """The link's word for the switch: nothing when off (the default)."""
    return {URL_KEY: "1"} if on() else {}
