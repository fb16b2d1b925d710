"""Population tables (OCHA COD-PS: a P-code column and a total), checked against boundaries.

They are read by the sheet reader of 3W files (``importer.sheets``): CSV in any encoding
and separator, XLSX, HXL hashtag rows, and the same limits and messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ngomap.areas.boundaries import Boundaries
from ngomap.areas.population import Population
from ngomap.errors import InputFileError
from ngomap.importer.sheets import SNIFF_ROWS, read_grid
from ngomap.limits import DEFAULT_LIMITS, Limits, check_bytes
from ngomap.messages import Msg, pair
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
            *pair(Msg.POPULATION_CANNOT_OPENED_CHECK, name=path.name, strerror=exc.strerror)
        ) from exc


def _table(
    source: str | Path | tuple[str, bytes], limits: Limits
) -> tuple[str, str, npt.NDArray[Any], npt.NDArray[np.int64], npt.NDArray[Any]]:
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
        raise InputFileError(*pair(Msg.POPULATION_NO_CODE_COLUMN, name=name))
    index, codes, total = found
    position = max(codes)[1]  # the finest level's code
    header = head[index - 1] if head[index][position].startswith("#") and index else head[index]
    column = clean_text(header[position]) or head[index][position]
    body = np.arange(index + 1, len(grid), dtype=np.int64)
    code_cells = grid.columns[position].take(body).map(clean_text)
    keep = code_cells.mask(lambda v: bool(v) and not str(v).startswith("#"))  # HXL rows
    return (
        name,
        column,
        code_cells.take(keep).array(),
        grid.rows[body[keep]],
        grid.columns[total].take(body[keep]).map(_number).array(),
    )


def _number(text: object) -> float:
    """A total as written ("2 500 000", "2,500,000"); NaN when it is not a number
    (called once per distinct cell)."""
    try:
        return float(re.sub(r"[\s,]", "", str(text)))
    except ValueError:
        return float("nan")


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
    unreadable = [int(r) for r in rows[np.isnan(totals.astype(float))]]
    readable = ~np.isnan(totals.astype(float))
    # Each code normalised once (a file can repeat a row thousands of times); the last row
    # of a code wins.
    normed = {code: norm_pcode(code) for code in set(codes[readable])}
    population = {
        normed[code]: float(value)
        for code, value in zip(codes[readable], totals[readable], strict=True)
    }
    problems: list[Problem] = []
    if unreadable:
        problems.append(
            Problem(
                unreadable[0],
                code_column,
                None,
                *pair(
                    Msg.POPULATION_UNREADABLE_NOT_NUMBERS,
                    name=name,
                    n=len(unreadable),
                    rows=", ".join(map(str, unreadable[:10])),
                ),
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
                *pair(
                    Msg.POPULATION_UNKNOWN_POPULATION_CODES_NOT,
                    n_unknown=len(unknown),
                    source=boundaries.source,
                    unknown=", ".join(unknown[:10]),
                ),
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
                *pair(
                    Msg.POPULATION_MISSING_NO_POPULATION_AREAS,
                    n_missing=len(missing),
                    names=names,
                ),
                Severity.WARNING,
                kind="population.missing",
            )
        )
    return problems
