"""Say why a map is grey when the data are at a coarser level than the map, and offer it."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from ngomap import analysis
from ngomap import schema as s
from ngomap.analysis import ViewOptions
from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import t
from ngomap.render import captions
from ngomap.ui.boundaries_panel import level_key


def coarser_level(
    records: pd.DataFrame, boundaries: Boundaries, options: ViewOptions
) -> str | None:
    """The level the filtered records are at when none is at the map's level or finer.

    None when some record can be drawn at the map's level, or when none is coarser (no
    data at all is another message). The level named is the one holding most records.
    """
    levels = boundaries.levels
    if options.level not in levels:
        return None
    chosen = analysis.filter_records(records, options.filters)
    if s.NATIONAL in chosen:
        chosen = chosen.loc[~chosen[s.NATIONAL].astype(bool)]
    shown = levels.index(options.level)
    coarser: Counter[str] = Counter()
    for code, count in chosen[s.AREA_CODE].dropna().astype(str).value_counts().items():
        level = boundaries.level_of(str(code))
        if level not in levels:
            continue
        if levels.index(level) >= shown:
            return None  # this one is drawn: the map is not grey for want of a level
        coarser[level] += int(count)
    return coarser.most_common(1)[0][0] if coarser else None


def show(records: pd.DataFrame, boundaries: Boundaries, options: ViewOptions, lang: str) -> None:
    """A warning above the map, with a button to the level the data are at."""
    level = coarser_level(records, boundaries, options)
    if level is None:
        return
    levels = captions.areas_word(level, lang)
    st.warning(
        t(
            "coarser_data",
            lang,
            coarse_one=captions.area_word(level, lang).lower(),
            coarse_many=levels.lower(),
            area=captions.area_word(options.level, lang).lower(),
            areas=captions.areas_word(options.level, lang).lower(),
            levels=levels,
        ),
        icon="ℹ️",
    )
    key = level_key(boundaries.levels)

    def switch() -> None:
        st.session_state[key] = level

    label = t("coarser_data_switch", lang, levels=levels)
    if st.button(label, on_click=switch, key="coarser_switch"):
        st.rerun()  # the level is chosen outside the map's fragment: the whole page follows
