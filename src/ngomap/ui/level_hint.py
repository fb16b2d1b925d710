"""Say why a map is grey when the data are at a coarser level than the map, and offer it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ngomap.analysis import ViewOptions, coarser_level
from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import t
from ngomap.levels import in_sentence
from ngomap.render import captions
from ngomap.ui.boundaries_panel import level_key


def show(records: pd.DataFrame, boundaries: Boundaries, options: ViewOptions, lang: str) -> None:
    """A warning above the map, with a button to the level the data are at."""
    level = coarser_level(records, boundaries, options)
    if level is None:
        return
    country = boundaries.country  # Nigeria's LGAs are not cercles
    levels = captions.areas_word(level, lang, country=country)
    st.warning(
        t(
            "coarser_data",
            lang,
            coarse_many=in_sentence(levels),
            areas=in_sentence(captions.areas_word(options.level, lang, country=country)),
            levels=levels,
        ),
        icon="ℹ️",
    )
    key = level_key(boundaries.levels)

    def switch() -> None:
        st.session_state[key] = level

    label = t("coarser_data_switch", lang, levels=levels)
    st.button(label, on_click=switch, key="coarser_switch")  # the callback runs before the run
