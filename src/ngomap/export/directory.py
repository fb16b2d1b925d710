"""The public directory's table as bytes: CSV with an HXL hashtag row, and XLSX.

Both are made from ``registry.directory.labelled`` (public fields only); text that a
spreadsheet would run as a formula is written as text (``ngomap.cells``).
"""

from __future__ import annotations

import io

import pandas as pd

from ngomap.cells import inert_frame, text_not_formulas
from ngomap.i18n import t
from ngomap.registry.directory import COLUMNS, HXL, labelled


def _with_hxl(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    shown = labelled(table, lang)
    tags = {t(f"directory_col_{c}", lang): HXL.get(c, "") for c in COLUMNS}
    hxl = pd.DataFrame([[tags.get(str(c), "") for c in shown.columns]], columns=shown.columns)
    return pd.concat([hxl, shown], ignore_index=True)


def directory_csv(table: pd.DataFrame, lang: str) -> bytes:
    """The rows of ``table`` (a directory or a search of it): headers in ``lang``, then the
    HXL row; UTF-8 with a BOM, so that Excel reads the accents."""
    frame = inert_frame(_with_hxl(table, lang))
    text: str = frame.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def directory_xlsx(table: pd.DataFrame, lang: str) -> bytes:
    """The same rows as one Excel sheet; every text cell stays text."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _with_hxl(table, lang).to_excel(
            writer, sheet_name=t("directory_sheet", lang)[:31], index=False
        )
        text_not_formulas(writer.sheets.values())
    return buffer.getvalue()
