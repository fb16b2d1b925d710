"""Data text shown through Streamlit's markdown (captions, expanders) stays plain text.

Streamlit renders Markdown (and LaTeX between dollars) in st.markdown, captions, alerts,
subheaders, expander and widget labels, help texts and every cell and header of st.table:
a name written ``![x](http://host/x.png)`` would make each viewer's browser fetch that
address. User text goes through ``plain`` (or ``plain_frame`` for a table) on its way there.
st.dataframe's grid shows cells as they are, so its frames are left as they are: escaped,
a file name would read ``mali\\_ong\\_exemple\\.csv``.
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

# Markdown punctuation, "$" (Streamlit renders LaTeX between dollars) and angle brackets.
_SPECIAL: Final = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>:])")
# What a Markdown renderer turns into a link even when escaped (GFM autolinks: "http://",
# "www.", "name@host"): an invisible zero-width space breaks the pattern, not the text.
_AUTOLINK: Final = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
_ZWSP: Final = "\u200b"


def plain(text: object) -> str:
    """``text`` with every markdown character escaped: names show exactly as written, and
    no address in them becomes a link."""
    return _SPECIAL.sub(r"\\\1", _AUTOLINK.sub(_ZWSP, str(text)))


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for st.table: every text cell, header and index label plain."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
    out.columns = pd.Index([plain(c) for c in out.columns])
    out.index = pd.Index([plain(v) if isinstance(v, str) else v for v in out.index])
    out.index.name = plain(frame.index.name) if frame.index.name is not None else None
    return out
