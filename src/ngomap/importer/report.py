"""The import report as a table, and as CSV or XLSX bytes built in memory (for downloads)."""

from __future__ import annotations

import io
from typing import Final

import pandas as pd

from ngomap.cells import inert_frame, text_not_formulas
from ngomap.i18n import t
from ngomap.importer.validate import ImportReport
from ngomap.schema import Problem

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

# What each kind of problem is, for the summary that groups them (one line per kind).
_KINDS: Final = {
    "cell.formula_error": ("Valeur d'erreur Excel (#N/A...)", "Excel error value (#N/A...)"),
    "cell.formula_uncomputed": ("Formule sans valeur enregistrée", "Formula saved without value"),
    "sectors.unknown": ("Secteur inconnu", "Unknown sector"),
    "sectors.fuzzy": ("Secteur lu par orthographe proche", "Sector read by close spelling"),
    "sector.missing": ("Pas de colonne de secteur", "No sector column"),
    "org_types.unknown": ("Type d'organisation inconnu", "Unknown organisation type"),
    "presence.unknown": ("Mode de présence inconnu", "Unknown presence mode"),
    "org.missing": ("Pas de nom d'organisation", "No organisation name"),
    "org.variant": ("Variante d'un nom d'organisation", "Organisation name variant"),
    "org.suggestion": ("Organisation proche d'une autre", "Organisation close to another"),
    "org.fuzzy": ("Organisations fusionnées (proches)", "Organisations merged (close)"),
    "org.types": ("Organisation à plusieurs types", "Organisation given several types"),
    "area.moved": ("Zone comptée dans une autre", "Area counted in another"),
    "area.unknown": ("Zone introuvable", "Area not found"),
    "area.unknown_code": ("Code de zone inconnu", "Unknown area code"),
    "area.unknown_name": ("Nom de zone inconnu", "Unknown area name"),
    "area.wrong_column": ("Code dans la mauvaise colonne", "Code in the wrong column"),
    "area.conflict": ("Colonne de zone en désaccord avec la ligne", "Area column against the row"),
    "area.split": ("Colonnes de zone partagées", "Area columns split"),
    "area.other_country": ("Codes d'un autre pays", "Another country's codes"),
    "area.from_file": ("Zones tirées du fichier", "Areas from the file"),
    "area.ambiguous": ("Nom de zone ambigu", "Ambiguous area name"),
    "area.suggestion": ("Nom de zone proche", "Area name close to a known one"),
    "area.fuzzy": ("Zone lue par orthographe proche", "Area read by close spelling"),
    "area.missing": ("Pas de zone", "No area"),
    "point.invalid": ("Coordonnées invalides", "Invalid coordinates"),
    "point.outside": ("Point hors des limites", "Point outside the boundaries"),
    "row.duplicate": ("Doublon fusionné", "Duplicate merged"),
    "file.provenance": (
        "Source et période lues dans le fichier",
        "Source and period from the file",
    ),
}
_KIND_COLUMNS: Final = {
    "kind": ("Problème", "Problem"),
    "severity": ("Gravité", "Severity"),
    "rows": ("Lignes", "Rows"),
    "cases": ("Cas distincts", "Distinct cases"),
    "example": ("Exemple", "Example"),
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
            "kind": _pick(_KINDS.get(kind, (kind, kind)), lang),
            "severity": _pick(_SEVERITY.get(severity, (severity, severity)), lang),
            "rows": len(rows) if rows else None,  # about the whole file, not some rows
            "cases": len(problems),
            "example": problems[0].message(lang),
        }
        lines.append(((order.get(severity, 3), -len(rows)), line))
    lines.sort(key=lambda item: item[0])
    frame = pd.DataFrame([line for _, line in lines], columns=list(_KIND_COLUMNS))
    frame["rows"] = frame["rows"].astype("Int64")
    return frame.rename(columns={k: _pick(v, lang) for k, v in _KIND_COLUMNS.items()})


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
    return inert_frame(report_frame(report, lang)).to_csv(index=False).encode("utf-8-sig")


def report_xlsx(report: ImportReport, lang: str = "fr") -> bytes:
    """A workbook: a summary sheet, the problems by kind, then one row per problem."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary_frame(report, lang).to_excel(
            writer, sheet_name=_pick(("Résumé", "Summary"), lang), index=False
        )
        kinds_frame(report, lang).to_excel(
            writer, sheet_name=_pick(("Par type", "By kind"), lang), index=False
        )
        report_frame(report, lang).to_excel(
            writer, sheet_name=_pick(("Problèmes", "Problems"), lang), index=False
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
