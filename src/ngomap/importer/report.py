"""The import report as a table, and as CSV or XLSX bytes built in memory (for downloads)."""

from __future__ import annotations

import io
from typing import Final

import pandas as pd

from ngomap.cells import inert_frame, text_not_formulas
from ngomap.i18n import t
from ngomap.importer.validate import ImportReport
from ngomap.messages import Msg, text
from ngomap.schema import Problem

_COLUMNS: Final = {
    "row": Msg.REPORT_COLUMN_ROW,
    "rows": Msg.REPORT_COLUMN_ROWS,
    "count": Msg.REPORT_COLUMN_COUNT,
    "column": Msg.REPORT_COLUMN_COLUMN,
    "value": Msg.REPORT_COLUMN_VALUE,
    "severity": Msg.REPORT_COLUMN_SEVERITY,
    "message": Msg.REPORT_COLUMN_MESSAGE,
    "suggestion": Msg.REPORT_COLUMN_SUGGESTION,
    "kind": Msg.REPORT_COLUMN_KIND,
}
_SEVERITY: Final = {
    "error": Msg.REPORT_SEVERITY_ERROR,
    "warning": Msg.REPORT_SEVERITY_WARNING,
    "info": Msg.REPORT_SEVERITY_INFO,
}
_SUMMARY: Final = {
    "source": Msg.REPORT_SUMMARY_SOURCE,
    "sheet": Msg.REPORT_SUMMARY_SHEET,
    "header_row": Msg.REPORT_SUMMARY_HEADER_ROW,
    "rows_read": Msg.REPORT_SUMMARY_ROWS_READ,
    "rows_kept": Msg.REPORT_SUMMARY_ROWS_KEPT,
    "rows_duplicate": Msg.REPORT_SUMMARY_ROWS_DUPLICATE,
    "rows_rejected": Msg.REPORT_SUMMARY_ROWS_REJECTED,
    "organisations": Msg.REPORT_SUMMARY_ORGANISATIONS,
}

# What each kind of problem is, for the summary that groups them (one line per kind).
_KINDS: Final = {
    "cell.formula_error": Msg.REPORT_KIND_CELL_FORMULA_ERROR,
    "cell.formula_uncomputed": Msg.REPORT_KIND_CELL_FORMULA_UNCOMPUTED,
    "sectors.unknown": Msg.REPORT_KIND_SECTORS_UNKNOWN,
    "sectors.fuzzy": Msg.REPORT_KIND_SECTORS_FUZZY,
    "sector.missing": Msg.REPORT_KIND_SECTOR_MISSING,
    "org_types.unknown": Msg.REPORT_KIND_ORG_TYPES_UNKNOWN,
    "presence.unknown": Msg.REPORT_KIND_PRESENCE_UNKNOWN,
    "org.missing": Msg.REPORT_KIND_ORG_MISSING,
    "org.variant": Msg.REPORT_KIND_ORG_VARIANT,
    "org.suggestion": Msg.REPORT_KIND_ORG_SUGGESTION,
    "org.fuzzy": Msg.REPORT_KIND_ORG_FUZZY,
    "org.types": Msg.REPORT_KIND_ORG_TYPES,
    "area.moved": Msg.REPORT_KIND_AREA_MOVED,
    "area.unknown": Msg.REPORT_KIND_AREA_UNKNOWN,
    "area.unknown_code": Msg.REPORT_KIND_AREA_UNKNOWN_CODE,
    "area.unknown_name": Msg.REPORT_KIND_AREA_UNKNOWN_NAME,
    "area.wrong_column": Msg.REPORT_KIND_AREA_WRONG_COLUMN,
    "area.conflict": Msg.REPORT_KIND_AREA_CONFLICT,
    "area.split": Msg.REPORT_KIND_AREA_SPLIT,
    "area.other_country": Msg.REPORT_KIND_AREA_OTHER_COUNTRY,
    "area.from_file": Msg.REPORT_KIND_AREA_FROM_FILE,
    "area.ambiguous": Msg.REPORT_KIND_AREA_AMBIGUOUS,
    "area.suggestion": Msg.REPORT_KIND_AREA_SUGGESTION,
    "area.fuzzy": Msg.REPORT_KIND_AREA_FUZZY,
    "area.missing": Msg.REPORT_KIND_AREA_MISSING,
    "point.invalid": Msg.REPORT_KIND_POINT_INVALID,
    "point.outside": Msg.REPORT_KIND_POINT_OUTSIDE,
    "row.duplicate": Msg.REPORT_KIND_ROW_DUPLICATE,
    "file.provenance": Msg.REPORT_KIND_FILE_PROVENANCE,
}
_KIND_COLUMNS: Final = {
    "kind": Msg.REPORT_KIND_COLUMN_KIND,
    "severity": Msg.REPORT_KIND_COLUMN_SEVERITY,
    "rows": Msg.REPORT_KIND_COLUMN_ROWS,
    "cases": Msg.REPORT_KIND_COLUMN_CASES,
    "example": Msg.REPORT_KIND_COLUMN_EXAMPLE,
}


def _pick(kind: Msg | None, lang: str, default: str) -> str:
    return text(kind, lang) if kind is not None else default


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
            "severity": _pick(_SEVERITY.get(str(p.severity)), lang, str(p.severity)),
            "message": p.message(lang),
            "suggestion": p.suggestion or "",
            "kind": p.kind,
        }
        for p in report.problems
    ]
    frame = pd.DataFrame(records, columns=list(_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame.rename(columns={k: text(v, lang) for k, v in _COLUMNS.items()})


def kinds_frame(report: ImportReport, lang: str = "fr") -> pd.DataFrame:
    """One line per kind of problem: how many rows, how many distinct cases, an example.

    879 "same record as row N" become one line; errors first, then warnings, then notes.
    """
    order = {"error": 0, "warning": 1, "info": 2}
    grouped: dict[tuple[str, str], list[Problem]] = {}
    for problem in report.problems:
        grouped.setdefault((problem.kind, str(problem.severity)), []).append(problem)
    lines: list[tuple[tuple[int, int], dict[str, object]]] = []
    for (kind, severity), problems in grouped.items():
        rows = {r for p in problems for r in p.rows}
        line: dict[str, object] = {
            "kind": _pick(_KINDS.get(kind), lang, kind),
            "severity": _pick(_SEVERITY.get(severity), lang, severity),
            "rows": len(rows) if rows else None,  # about the whole file, not some rows
            "cases": len(problems),
            "example": problems[0].message(lang),
        }
        lines.append(((order.get(severity, 3), -len(rows)), line))
    lines.sort(key=lambda item: item[0])
    frame = pd.DataFrame([line for _, line in lines], columns=list(_KIND_COLUMNS))
    frame["rows"] = frame["rows"].astype("Int64")
    return frame.rename(columns={k: text(v, lang) for k, v in _KIND_COLUMNS.items()})


def summary_frame(report: ImportReport, lang: str = "fr") -> pd.DataFrame:
    """The report's counts, one per line (rows read = kept + duplicates + left out)."""
    data = report.as_dict(lang)
    return pd.DataFrame(
        {
            text(Msg.REPORT_MEASURE, lang): [text(v, lang) for v in _SUMMARY.values()],
            text(Msg.REPORT_VALUE, lang): [data.get(k) for k in _SUMMARY],
        }
    )


def report_csv(report: ImportReport, lang: str = "fr") -> bytes:
    """The problems as CSV, UTF-8 with a BOM so that Excel shows the accents."""
    return inert_frame(report_frame(report, lang)).to_csv(index=False).encode("utf-8-sig")


def report_xlsx(report: ImportReport, lang: str = "fr") -> bytes:
    """A workbook: a summary sheet, the problems by kind, then one row per problem."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary_frame(report, lang).to_excel(
            writer, sheet_name=text(Msg.REPORT_SHEET_SUMMARY, lang), index=False
        )
        kinds_frame(report, lang).to_excel(
            writer, sheet_name=text(Msg.REPORT_SHEET_KINDS, lang), index=False
        )
        report_frame(report, lang).to_excel(
            writer, sheet_name=text(Msg.REPORT_SHEET_PROBLEMS, lang), index=False
        )
        text_not_formulas(writer.sheets.values())  # user text stays text, never a formula
    return buffer.getvalue()


def rows_sentence(report: ImportReport, lang: str) -> str:
    """What the import did with every row, in words a planner reads right."""

    return t(
        "rows_summary",
        lang,
        kept=report.rows_kept,
        read=report.rows_read,
        copies=report.rows_copies,
        merged=report.rows_duplicate - report.rows_copies,
        rejected=report.rows_rejected,
        presences=report.presences,
        organisations=report.organisations,
    )
