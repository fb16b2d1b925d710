"""Population tables (OCHA COD-PS: a P-code column and a total), checked against boundaries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.fingerprint import mapping_fingerprint
from ngomap.normalise import norm_pcode
from ngomap.schema import Problem, Severity

_PCODE_COLUMN = re.compile(r"^(?:admin|adm)([0-4])_?pcode$", re.IGNORECASE)
_TOTAL_COLUMNS = ("T_TL", "Total", "total", "population", "Population", "#population+total")


class Population(dict[str, float]):
    """{P-code: total population}, with a hash of its content computed once when made."""

    fingerprint: str

    def __init__(self, values: Mapping[str, float]) -> None:
        super().__init__(values)
        self.fingerprint = mapping_fingerprint(self)


def read_population(
    path: str | Path, boundaries: Boundaries | None = None, *, level: str | None = None
) -> tuple[Population, list[Problem]]:
    """{P-code: total population} of the finest level in the file, and what does not fit.

    COD-PS files name their columns admin1Pcode / admin2Pcode and T_TL (the total). Codes
    missing from the boundaries, and areas of ``level`` with no population (an older or
    newer version of the boundaries), are reported, never hidden.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputFileError(
            f"{path.name} cannot be read as a CSV population table ({exc}).",
            f"{path.name} n'est pas lisible comme table de population CSV ({exc}).",
        ) from exc
    frame = frame.loc[~frame.iloc[:, 0].str.startswith("#")]  # an HXL hashtag row
    codes = sorted(
        ((int(m.group(1)), c) for c in frame.columns if (m := _PCODE_COLUMN.match(c.strip()))),
        reverse=True,
    )
    total = next((c for c in _TOTAL_COLUMNS if c in frame.columns), None)
    if not codes or total is None:
        raise InputFileError(
            f"{path.name}: no P-code column (admin1Pcode, admin2Pcode...) or no total column "
            "(T_TL); use an OCHA COD-PS table.",
            f"{path.name} : pas de colonne de P-code (admin1Pcode, admin2Pcode...) ou pas de "
            "total (T_TL) ; utilisez une table COD-PS d'OCHA.",
        )
    code_column = codes[0][1]
    values = pd.to_numeric(frame[total].str.replace(r"[\s,]", "", regex=True), errors="coerce")
    population = {
        norm_pcode(code): float(value)
        for code, value in zip(frame[code_column], values, strict=True)
        if pd.notna(value)
    }
    problems: list[Problem] = []
    if boundaries is not None:
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
    return Population(population), problems
