"""Sidebar controls: language and optional tables. They read the user's choices only."""

from __future__ import annotations

from typing import Final

import streamlit as st

from ngomap.areas.boundaries import Boundaries
from ngomap.areas.population import Population
from ngomap.errors import NgomapError
from ngomap.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, t
from ngomap.importer.population import read_population
from ngomap.schema import Problem
from ngomap.ui.text import plain
from ngomap.worker import run_bounded

PAGE_TABS: Final = "page_tabs"  # the page's tabs (map, import, edit): the one open


def language() -> str:
    """The page's language, French unless the user switches."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
        st.session_state["lang"] = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
    choice = st.sidebar.radio(
        "Langue / Language",
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key="lang",
    )
    return str(choice)


def population(boundaries: Boundaries, level: str, lang: str) -> Population | None:
    """An optional population table (COD-PS CSV) uploaded in the sidebar."""
    upload = st.sidebar.file_uploader(t("population_upload", lang), type=["csv"], key="pop")
    if upload is None:
        return None
    try:
        table, problems = _read_population(upload.getvalue(), upload.name, boundaries, level)
    except NgomapError as exc:
        st.sidebar.error(plain(exc.message(lang)))
        return None
    for problem in problems:
        st.sidebar.warning(t("population_problems", lang, message=plain(problem.message(lang))))
    return table


@st.cache_data(show_spinner=False, hash_funcs={Boundaries: lambda b: b.fingerprint})
def _read_population(
    content: bytes, name: str, boundaries: Boundaries, level: str
) -> tuple[Population, list[Problem]]:
    return run_bounded(read_population, (name, content), boundaries, level=level, name=name)
