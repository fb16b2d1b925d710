"""Population tables (OCHA COD-PS: a P-code column and a total), checked against boundaries.

They are read by the sheet reader of 3W files (``importer.sheets``): CSV in any encoding
and separator, XLSX, HXL hashtag rows, and the same limits and messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ngomap.areas.boundaries import Boundaries
from ngomap.areas.population import Population
from ngomap.errors import InputFileError
from ngomap.importer.sheets import SNIFF_ROWS, read_grid
from ngomap.limits import DEFAULT_LIMITS, Limits, check_bytes
from ngomap.normalise import clean_text, norm_pcode
from ngomap.schema import Problem, Severity

__all__ = ["Population", "read_population"]

_PCODE_COLUMN: Final = re.compile(r"^(?:admin|adm)([0-4])_?pcode$", re.IGNORECASE)
_PCODE_TAG: Final = re.compile(r"^#adm([0-4])\+(?:p?code)$")
_TOTAL_COLUMNS: Final = ("T_TL", "Total", "total", "population", "Population")
_TOTAL_TAGS: Final = ("#population+total", "#population")


def _tag(cell: str) -> str:
    return cell.lower().replace(" ", "")


def _columns(row: Sequence[str]) -> tuple[list[tuple[int, int]], int | None]:
    """([(level, position)] of P-code columns, position of the total) named in ``row``,
    by header words or by HXL hashtags."""
    codes: list[tuple[int, int]] = []
    total: int | None = None
    for position, cell in enumerate(row):
        text = clean_text(cell)
        found = _PCODE_COLUMN.match(text) or _PCODE_TAG.match(_tag(text))
        if found:
            codes.append((int(found.group(1)), position))
        elif total is None and (text in _TOTAL_COLUMNS or _tag(text) in _TOTAL_TAGS):
            total = position
    return codes, total


def _score(rows: Sequence[Sequence[object]]) -> int:
    """How much a sheet looks like a population table (to pick it in a workbook)."""
    best = 0
    for row in rows:
        codes, total = _columns([clean_text(v) for v in row])
        best = max(best, len(codes) + (total is not None))
    return best


def _bytes(source: str | Path | tuple[str, bytes], limits: Limits) -> tuple[str, bytes]:
    if isinstance(source, tuple):
        return source
    path = Path(source)
    try:
        check_bytes(path.stat().st_size, path.name, limits)
        return path.name, path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            f"{path.name} cannot be opened ({exc.strerror}): check the path.",
            f"{path.name} ne peut pas être ouvert ({exc.strerror}) : vérifiez le chemin.",
        ) from exc


def _table(
    source: str | Path | tuple[str, bytes], limits: Limits
) -> tuple[str, str, list[str], list[int], list[str]]:
    """(file name, P-code header, codes, row numbers, totals) of the finest level given."""
    name, data = _bytes(source, limits)
    grid = read_grid(data, name, score=_score, limits=limits)
    head = grid.head(SNIFF_ROWS)
    found = next(
        (
            (index, codes, total)
            for index, row in enumerate(head)
            for codes, total in [_columns(row)]
            if codes and total is not None
        ),
        None,
    )
    if found is None:
        raise InputFileError(
            f"{name}: no P-code column (admin1Pcode, admin2Pcode... or #adm1+code) or no "
            "total column (T_TL or #population+total); use an OCHA COD-PS table.",
            f"{name} : pas de colonne de P-code (admin1Pcode, admin2Pcode... ou #adm1+code) "
            "ou pas de total (T_TL ou #population+total) ; utilisez une table COD-PS d'OCHA.",
        )
    index, codes, total = found
    position = max(codes)[1]  # the finest level's code
    header = head[index - 1] if head[index][position].startswith("#") and index else head[index]
    column = clean_text(header[position]) or head[index][position]
    body = np.arange(index + 1, len(grid))
    code_cells = grid.columns[position].take(body).array() if len(body) else np.array([])
    totals = grid.columns[total].take(body).array() if len(body) else np.array([])
    keep = [
        p
        for p, code in enumerate(code_cells)
        if clean_text(code) and not clean_text(code).startswith("#")  # HXL rows
    ]
    return (
        name,
        column,
        [clean_text(code_cells[p]) for p in keep],
        [int(grid.rows[body[p]]) for p in keep],
        [clean_text(totals[p]) for p in keep],
    )


def _number(text: str) -> float | None:
    value = pd.to_numeric(re.sub(r"[\s,]", "", text), errors="coerce")
    return None if pd.isna(value) else float(value)


def read_population(
    source: str | Path | tuple[str, bytes],
    boundaries: Boundaries | None = None,
    *,
    level: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Population, list[Problem]]:
    """{P-code: total population} of the finest level in the file, and what does not fit.

    ``source`` is a path or, uploaded, the file's (name, content): CSV (any encoding and
    separator) or a workbook, read as 3W files are. COD-PS files name their columns
    admin1Pcode / admin2Pcode and T_TL (the total), or tag them #adm1+code and
    #population+total. Totals that are not numbers, codes missing from the boundaries,
    and areas of ``level`` with no population (an older or newer version of the
    boundaries) are reported, never hidden.
    """
    name, code_column, codes, rows, totals = _table(source, limits)
    population: dict[str, float] = {}
    unreadable: list[int] = []
    for code, row, total in zip(codes, rows, totals, strict=True):
        value = _number(total)
        if value is None:
            unreadable.append(row)
        else:
            population[norm_pcode(code)] = value
    problems: list[Problem] = []
    if unreadable:
        problems.append(
            Problem(
                unreadable[0],
                code_column,
                None,
                f"{name}: {len(unreadable)} rows have no total that is a number (rows "
                f"{', '.join(map(str, unreadable[:10]))}): their areas show as 'no data'.",
                f"{name} : {len(unreadable)} lignes n'ont pas de total numérique (lignes "
                f"{', '.join(map(str, unreadable[:10]))}) : leurs zones apparaissent « sans "
                "données ».",
                Severity.WARNING,
                kind="population.unreadable",
                rows=tuple(unreadable),
            )
        )
    if boundaries is not None:
        problems += _against(population, boundaries, code_column, level)
    return Population(population), problems


def _against(
    population: dict[str, float], boundaries: Boundaries, code_column: str, level: str | None
) -> list[Problem]:
    problems: list[Problem] = []
    known = set(boundaries.areas.index)
    unknown = sorted(set(population) - known)
    if unknown:
        problems.append(
            Problem(
                None,
                code_column,
                ", ".join(unknown),
                f"{len(unknown)} population codes are not in the boundaries "
                f"({boundaries.source}): {', '.join(unknown[:10])}.",
                f"{len(unknown)} codes de population absents des limites "
                f"({boundaries.source}) : {', '.join(unknown[:10])}.",
                Severity.WARNING,
                kind="population.unknown",
            )
        )
    level = level or boundaries.level
    missing = [c for c in boundaries.codes(level) if c not in population]
    if missing:
        names = ", ".join(f"{boundaries.name(c)} ({c})" for c in missing[:10])
        problems.append(
            Problem(
                None,
                code_column,
                ", ".join(missing),
                f"No population for {len(missing)} areas of the boundaries: {names}. "
                "The population table may be of another version; these areas show "
                "as 'no data'.",
                f"Pas de population pour {len(missing)} zones des limites : {names}. "
                "La table de population est peut-être d'une autre version ; ces zones "
                "apparaissent « sans données ».",
                Severity.WARNING,
                kind="population.missing",
            )
        )
    return problems
