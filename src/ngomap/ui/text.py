"""Data text shown through Streamlit's markdown (captions, expanders) stays plain text."""

from __future__ import annotations

import re
from typing import Final

# Markdown punctuation, "$" (Streamlit renders LaTeX between dollars) and angle brackets.
_SPECIAL: Final = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>:])")


def plain(text: object) -> str:
    """``text`` with every markdown character escaped: names show exactly as written."""
    return _SPECIAL.sub(r"\\\1", str(text))
