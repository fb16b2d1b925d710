"""Cells that list several zones or sectors ("Mopti, Ségou; Tombouctou", "Santé/Nutrition").

NGO platforms and embassies keep lists, not 3W templates: one row per organisation, its
zones and sectors written in one cell. A cell is read as a list only when the whole text is
not itself known (an area name, a sector alias such as "Eau, hygiène et assainissement")
and every part is: then the row gives one presence per zone (and per sector), each counted,
and the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from ngomap import schema as s
from ngomap.areas.matching import AreaMatcher
from ngomap.coded import Coded
from ngomap.messages import Msg, Text, en_fr
from ngomap.schema import Severity
from ngomap.vocab import Vocabulary

if TYPE_CHECKING:
    from ngomap.importer.validate import ProblemLog

_SEPARATORS: Final = re.compile(r"\s*(?:[,;/+&\n]|\bet\b|\band\b)\s*", re.IGNORECASE)
_WORDS: Final = {s.SECTOR: (Msg.LISTS_WORD_SECTORS, Msg.LISTS_WORD_SECTOR)} | {
    pair[1]: (Msg.LISTS_WORD_ZONES, Msg.LISTS_WORD_ZONE) for pair in s.ADMIN_LEVELS.values()
}


def list_parts(text: str, known: Callable[[str], bool]) -> list[str] | None:
    """The parts of a listing cell, when the whole is unknown and every part known."""
    if not text or known(text):
        return None
    parts = [p.strip() for p in _SEPARATORS.split(text) if p and p.strip()]
    if len(parts) < 2 or not all(known(p) for p in parts):
        return None
    return list(dict.fromkeys(parts))


def split_lists(
    columns: dict[str, Coded],
    rows: npt.NDArray[np.int64],
    matcher: AreaMatcher,
    sectors: Vocabulary,
    log: ProblemLog,
    header: Callable[[str], str],
) -> tuple[dict[str, Coded], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """One row per listed zone and sector: the columns, their row numbers, and each new
    row's position in the rows given (``origin``)."""
    length = len(rows)
    checks: dict[str, Callable[[str], bool]] = {}
    if s.SECTOR in columns:
        checks[s.SECTOR] = lambda part: sectors.find(part) is not None
    for level, (_code, name_field) in s.ADMIN_LEVELS.items():
        if name_field in columns and level in matcher.levels_present:
            checks[name_field] = matcher.name_checker(level)
    splits: dict[str, list[list[str] | None]] = {}
    for field_name, known in checks.items():
        parts = [list_parts(str(v), known) for v in columns[field_name].values]
        if any(parts):
            splits[field_name] = parts
    origin = np.arange(length, dtype=np.int64)
    if not splits:
        return columns, rows, origin
    per_row: dict[str, npt.NDArray[np.int64]] = {}
    n = np.ones(length, dtype=np.int64)
    for field_name, parts in splits.items():
        sizes = np.asarray([len(p) if p else 1 for p in parts], dtype=np.int64)
        per_row[field_name] = sizes[columns[field_name].codes]
        n *= per_row[field_name]
    origin = np.repeat(np.arange(length, dtype=np.int64), n)
    offsets = np.arange(len(origin), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
    out = {f: c.take(origin) for f, c in columns.items() if f not in splits}
    stride = np.ones(length, dtype=np.int64)
    for field_name, parts in splits.items():
        column = columns[field_name]
        counts = per_row[field_name]
        index = (offsets // np.repeat(stride, n)) % np.repeat(counts, n)
        stride = stride * counts
        flat: list[str] = []
        base: list[int] = []
        for value, found in zip(column.values, parts, strict=True):
            base.append(len(flat))
            flat.extend(found if found else [str(value)])
        codes = np.asarray(base, dtype=np.int64)[column.codes[origin]] + index
        out[field_name] = Coded(codes, np.asarray(flat, dtype=object)).unique()
        items, item = _WORDS.get(field_name, (Msg.LISTS_WORD_VALUES, Msg.LISTS_WORD_VALUE))
        for code, found in enumerate(parts):
            if not found:
                continue
            listed = rows[column.codes == code]
            if not len(listed):
                continue
            text = str(column.values[code])
            log.add(
                listed,
                kind="row.list",
                column=header(field_name),
                value=text,
                **en_fr(
                    Msg.ROW_LIST_ONE_PRESENCE_EACH,
                    text=text,
                    count=len(found),
                    items=Text(items),
                    found=", ".join(found),
                    item=Text(item),
                ),
                severity=Severity.INFO,
            )
    return out, rows[origin], origin
