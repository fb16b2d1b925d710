"""The import report as a table, and as CSV or XLSX bytes built in memory (for downloads)."""

from __future__ import annotations

import io
from typing import Final

import pandas as pd

from ngomap.validate import ImportReport

_COLUMNS: Final = {
    "row": ("Ligne", "Row"),
    "rows": ("Lignes concernées", "Rows concerned"),
    "count": ("Nombre de lignes", "Number of rows"),
    "column": ("Colonne", "Column"),
    "value": ("Valeur", "Value"),
    "severity": ("Gravité", "Severity"),
    "message": ("Message", "Message"),
    "suggestion": ("Suggestion", "Suggestion"),
    "kind": ("Type", "Kind"),
}
_SEVERITY: Final = {
    "error": ("erreur (ligne écartée)", "error (row left out)"),
    "warning": ("avertissement", "warning"),
    "info": ("information", "information"),
}
_SUMMARY: Final = {
    "source": ("Fichier", "File"),
    "sheet": ("Feuille", "Sheet"),
    "header_row": ("Ligne d'en-tête", "Header row"),
    "rows_read": ("Lignes lues", "Rows read"),
    "rows_kept": ("Lignes gardées", "Rows kept"),
    "rows_duplicate": ("Doublons fusionnés", "Duplicates merged"),
    "rows_rejected": ("Lignes écartées", "Rows left out"),
    "organisations": ("Organisations", "Organisations"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def _rows_text(rows: tuple[int, ...], limit: int = 50) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f", … (+{len(rows) - limit})" if len(rows) > limit else "")


def report_frame(report: ImportReport, lang: str = "fr") -> pd.DataFrame:
    """One row per problem: first row, rows concerned, column, value, severity, message..."""
    records = [
        {
            "row": p.row,
            "rows": _rows_text(p.rows),
            "count": p.count,
            "column": p.column or "",
            "value": p.value or "",
            "severity": _pick(_SEVERITY.get(str(p.severity), (p.severity, p.severity)), lang),
            "message": p.message(lang),
            "suggestion": p.suggestion or "",
            "kind": p.kind,
        }
        for p in report.problems
    ]
    frame = pd.DataFrame(records, columns=list(_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame.rename(columns={k: _pick(v, lang) for k, v in _COLUMNS.items()})


def summary_frame(report: ImportReport, lang: str = "fr") -> pd.DataFrame:
    """The report's counts, one per line (rows read = kept + duplicates + left out)."""
    data = report.as_dict(lang)
    return pd.DataFrame(
        {
            _pick(("Mesure", "Measure"), lang): [_pick(v, lang) for v in _SUMMARY.values()],
            _pick(("Valeur", "Value"), lang): [data.get(k) for k in _SUMMARY],
        }
    )


def report_csv(report: ImportReport, lang: str = "fr") -> bytes:
    """The problems as CSV, UTF-8 with a BOM so that Excel shows the accents."""
    return report_frame(report, lang).to_csv(index=False).encode("utf-8-sig")


def report_xlsx(report: ImportReport, lang: str = "fr") -> bytes:
    """A workbook: a summary sheet, then one row per problem."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary_frame(report, lang).to_excel(
            writer, sheet_name=_pick(("Résumé", "Summary"), lang), index=False
        )
        report_frame(report, lang).to_excel(
            writer, sheet_name=_pick(("Problèmes", "Problems"), lang), index=False
        )
    return buffer.getvalue()
