"""Sidebar controls: language and filters. They read the user's choices and nothing else."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ngomap.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, sector_label, t


def language() -> str:
    """The page's language, French unless the user switches."""
    choice = st.sidebar.radio(
        "Langue / Language",
        options=list(LANGUAGES),
        index=LANGUAGES.index(DEFAULT_LANGUAGE),
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key="lang",
    )
    return str(choice)


def sectors(codes: Sequence[str], lang: str) -> tuple[str, ...]:
    """The chosen sectors (all of them at first), in the data's order."""
    ordered = sorted(codes, key=lambda c: sector_label(c, lang).casefold())
    chosen = st.sidebar.multiselect(
        t("sectors", lang),
        options=ordered,
        default=ordered,
        format_func=lambda code: sector_label(code, lang),
        help=t("sectors_help", lang),
        key="sectors",
    )
    return tuple(c for c in ordered if c in chosen)
