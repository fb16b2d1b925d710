"""A multiselect over a large set of names that searches on the server (type-ahead).

A 3W can name tens of thousands of organisations; a multiselect that ships every option
to the browser makes the page slow to send and, past some size, crashes the browser's
widget. Over ``TYPEAHEAD_FROM`` options, the picker becomes a search box and a multiselect
whose options are only what is chosen plus the first ``SHOWN`` names matching the search,
found here on the server: the browser never receives more than that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Final

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ngomap.i18n import t
from ngomap.normalise import norm_text

TYPEAHEAD_FROM: Final = 300  # options beyond which the picker searches on the server
SHOWN: Final = 50  # matching names offered at once


@lru_cache(maxsize=8)
def _index(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Each label's comparison key (no case, no accents), computed once per set of names."""
    return tuple(norm_text(label) for label in labels)


def matching(
    choices: Mapping[str, str], query: str, *, limit: int = SHOWN
) -> tuple[list[str], int]:
    """The keys whose label matches ``query``, best first, at most ``limit``; and how many match.

    A label matches when every word of the query is in it (no case, no accents); labels
    that start with the query come first, then those with a word that starts with it,
    then the rest, each group in the order of ``choices``. An empty query matches all.
    """
    keys = list(choices)
    if not query.strip():
        return keys[:limit], len(keys)
    wanted = norm_text(query)
    words = wanted.split()
    index = _index(tuple(choices.values()))
    starts: list[str] = []
    word_starts: list[str] = []
    inside: list[str] = []
    for key, label in zip(keys, index, strict=True):
        if not all(word in label for word in words):
            continue
        if label.startswith(wanted):
            starts.append(key)
        elif f" {wanted}" in f" {label}":
            word_starts.append(key)
        else:
            inside.append(key)
    found = starts + word_starts + inside
    return found[:limit], len(found)


def _number(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", " " if lang == "fr" else ",")


def searchable_multiselect(
    key: str,
    title: str,
    choices: Mapping[str, str],
    lang: str,
    *,
    help_text: str = "",
    box: DeltaGenerator,
) -> list[str]:
    """A search box and a multiselect whose options are the chosen keys and the matches.

    The widget keeps its value under ``key`` in st.session_state (as the plain multiselect
    does: the URL and the other widgets find it there); the search text is kept under
    ``key + "_search"``.
    """
    chosen: Sequence[str] = [k for k in st.session_state.get(key, []) if k in choices]
    query = box.text_input(
        t("typeahead_search", lang, what=title),
        key=f"{key}_search",
        placeholder=t("typeahead_placeholder", lang),
        help=t("typeahead_help", lang, shown=SHOWN),
    )
    found, total = matching(choices, str(query or ""), limit=SHOWN)
    options = list(dict.fromkeys([*chosen, *found]))
    st.session_state[key] = list(chosen)
    picked = box.multiselect(
        title,
        options=options,
        format_func=lambda code: choices.get(code, code),
        key=key,
        help=help_text or None,
        placeholder=t("choose", lang),
    )
    if str(query or "").strip():
        box.caption(t("typeahead_found", lang, shown=len(found), total=_number(total, lang)))
    else:
        box.caption(t("typeahead_all", lang, shown=len(found), total=_number(len(choices), lang)))
    return list(picked)
