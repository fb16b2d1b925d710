"""Population tables (OCHA COD-PS: a P-code column and a total), checked against boundaries."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.fingerprint import mapping_fingerprint
from ngomap.limits import DEFAULT_LIMITS, Limits, check_bytes, check_csv_layout
from ngomap.messages import Msg, pair
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


def _table(source: str | Path | tuple[str, bytes], limits: Limits) -> tuple[pd.DataFrame, str]:
    """The table's text cells under its first row's headers, and the file's name."""
    if isinstance(source, tuple):
        name, data = source
    else:
        path = Path(source)
        name = path.name
        try:
            check_bytes(path.stat().st_size, name, limits)
            data = path.read_bytes()
        except OSError as exc:
            raise InputFileError(
                *pair(Msg.POPULATION_CANNOT_OPENED_CHECK, name=name, strerror=exc.strerror),
            ) from exc
    check_bytes(len(data), name, limits)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in data[:4096]:
        raise InputFileError(
            *pair(Msg.POPULATION_NOT_CSV_FILE, name=name),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sep = ";" if text[:4096].count(";") > text[:4096].count(",") else ","
    check_csv_layout(text.encode("utf-8"), sep, name, limits)
    try:
        rows = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            engine="c",
        )
    except (ValueError, csv.Error, pd.errors.ParserError) as exc:
        raise InputFileError(
            *pair(Msg.POPULATION_CANNOT_READ_CSV, name=name, exc=exc),
        ) from exc
    if rows.empty:
        return pd.DataFrame(), name
    headers = [str(v).strip() for v in rows.iloc[0]]
    frame = rows.iloc[1:].set_axis(headers, axis=1)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame, name


def read_population(
    source: str | Path | tuple[str, bytes],
    boundaries: Boundaries | None = None,
    *,
    level: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Population, list[Problem]]:
    """{P-code: total population} of the finest level in the file, and what does not fit.

    ``source`` is a path or, uploaded, the file's (name, content). COD-PS files name their
    columns admin1Pcode / admin2Pcode and T_TL (the total). Codes missing from the
    boundaries, and areas of ``level`` with no population (an older or newer version of
    the boundaries), are reported, never hidden.
    """
    frame, name = _table(source, limits)
    if len(frame.columns):
        frame = frame.loc[~frame.iloc[:, 0].str.startswith("#")]  # an HXL hashtag row
    codes = sorted(
        ((int(m.group(1)), c) for c in frame.columns if (m := _PCODE_COLUMN.match(c.strip()))),
        reverse=True,
    )
    total = next((c for c in _TOTAL_COLUMNS if c in frame.columns), None)
    if not codes or total is None:
        raise InputFileError(
            *pair(Msg.POPULATION_NO_CODE_COLUMN, name=name),
        )
    code_column = codes[0][1]
    values = pd.to_numeric(frame[total].str.replace(r"[\s,]", "", regex=True), errors="coerce")
    # Each code normalised once (a file can repeat a row thousands of times); the last row
    # of a code wins, as it always did.
    kept = pd.DataFrame({"code": frame[code_column].to_numpy(), "value": values.to_numpy()})
    kept = kept.loc[kept["value"].notna()].drop_duplicates("code", keep="last")
    normed = {code: norm_pcode(code) for code in kept["code"].unique()}
    population = {
        normed[code]: float(value) for code, value in zip(kept["code"], kept["value"], strict=True)
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
    return Population(population), problems
