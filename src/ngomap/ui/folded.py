"""A part of the page that runs only while its expander is open.

Streamlit 1.67 runs an expander's content lazily when it reruns on a toggle
(``on_change="rerun"``, ``.open``): closed, nothing of it is sent to the browser. Its
identity includes its label, so a new language or map level would make it a new expander,
closed again; the last state seen is kept under its key and given back as ``expanded``.
"""

from __future__ import annotations

from typing import Final

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

_WAS_OPEN: Final = "_was_open_"


def folded(label: str, key: str) -> DeltaGenerator | None:
    """The expander ``label`` when it is open (to draw into), else None. ``key``: its state,
    ``st.session_state[key]`` (True to open it from code or a test)."""
    box = st.expander(
        label,
        expanded=bool(st.session_state.get(_WAS_OPEN + key, False)),
        key=key,
        on_change="rerun",
    )
    st.session_state[_WAS_OPEN + key] = bool(box.open)
    return box if box.open else None
