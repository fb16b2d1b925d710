"""A shared link names the data it was made with, until uploaded data persist.

The URL carries the data's name and the start of its fingerprint (and the boundaries'),
next to the view and filters. A link opened where that data is not loaded (another
browser, a colleague's) restores the view on the data at hand, and says so plainly: which
data the link was made with, and that it is not loaded here.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import t
from ngomap.importer.threew import Dataset
from ngomap.ui.text import plain

SHORT: Final = 12  # hex digits of a fingerprint in the URL: enough to tell files apart
_LINK: Final = "_link_made_with"  # {"data": name, "fp": ..., "bfp": ...} from the URL
_KEYS: Final = ("data", "fp", "bnd", "bfp")


def remember() -> None:
    """Keep what the opening URL says of its data (once per session, before any rewrite)."""
    if _LINK in st.session_state:
        return
    st.session_state[_LINK] = {
        key: str(st.session_state.pop(f"_url_{key}"))
        for key in _KEYS
        if f"_url_{key}" in st.session_state
    }


def params(dataset: Dataset, boundaries: Boundaries, lang: str) -> dict[str, str]:
    """The URL's words for the data and boundaries shown now."""
    return {
        "data": dataset.title(lang),
        "fp": dataset.fingerprint[:SHORT],
        "bnd": boundaries.source,
        "bfp": boundaries.fingerprint[:SHORT],
    }


def note(dataset: Dataset, boundaries: Boundaries, lang: str) -> None:
    """Say when the link was made with data (or boundaries) that are not loaded here."""
    made: dict[str, str] = st.session_state.get(_LINK) or {}
    if not made:
        return
    data_differs = "fp" in made and made["fp"] != dataset.fingerprint[:SHORT]
    if data_differs and not dataset.is_sample:
        made.pop("fp")  # the user loaded other data since: the link's data is history
        data_differs = False
    if data_differs:
        st.warning(
            t(
                "link_other_data",
                lang,
                name=plain(made.get("data", "?")),
                fp=plain(made["fp"]),  # the URL is anyone's text
                shown=plain(dataset.title(lang)),
            ),
            icon="🔗",
        )
    if "bfp" in made and made["bfp"] != boundaries.fingerprint[:SHORT]:
        st.info(
            t(
                "link_other_boundaries",
                lang,
                name=plain(made.get("bnd", "?")),
                shown=plain(boundaries.source),
            ),
            icon="🔗",
        )
