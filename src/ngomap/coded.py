"""Columns as distinct values plus one code per row, so cleaning works once per distinct value.

A 3W file of a million rows holds a few thousand distinct organisation names, sectors and
areas. ``Coded`` keeps each column as its values and a code per row (like a dictionary-encoded
Arrow array or a pandas Categorical without its rules), so every text function runs once per
distinct value and every row-wise step (grouping, duplicates, masks) is integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

Codes = npt.NDArray[np.int64]
Values = npt.NDArray[np.object_]


def _object_array(items: Sequence[Any] | npt.NDArray[Any]) -> Values:
    out = np.empty(len(items), dtype=object)
    out[:] = list(items) if not isinstance(items, np.ndarray) else items
    return out


@dataclass(frozen=True, slots=True)
class Coded:
    """A column: ``values[codes]`` row by row. ``values`` may repeat until ``unique()``."""

    codes: Codes
    values: Values
    compact: bool = False  # True when every value is distinct and used by a row

    @classmethod
    def of(cls, data: Sequence[Any] | npt.NDArray[Any] | pd.Series) -> Coded:
        """A column from any sequence of values (one factorisation)."""
        array = data.to_numpy(dtype=object) if isinstance(data, pd.Series) else data
        codes, uniques = pd.factorize(_object_array(array), use_na_sentinel=False)
        return cls(codes.astype(np.int64, copy=False), _object_array(uniques), compact=True)

    @classmethod
    def constant(cls, value: Any, length: int) -> Coded:
        """The same value on ``length`` rows."""
        return cls(np.zeros(length, dtype=np.int64), _object_array([value]), compact=length > 0)

    def __len__(self) -> int:
        return len(self.codes)

    def map(self, function: Callable[[Any], Any]) -> Coded:
        """``function`` applied once per distinct value; equal results share one code."""
        mapped = _object_array([function(v) for v in self.values])
        return Coded(self.codes, mapped, compact=False).unique(used=self.compact)

    def unique(self, *, used: bool = False) -> Coded:
        """The same column with distinct values only, each used by a row (codes renumbered).

        ``used``: every value is known to be used by a row (skips one pass over the rows).
        """
        if self.compact:
            return self
        if not used:
            present = np.zeros(len(self.values), dtype=bool)
            present[self.codes] = True
            used = bool(present.all())
        if used:
            remap, uniques = pd.factorize(self.values, use_na_sentinel=False)
            if len(uniques) == len(self.values):
                return Coded(self.codes, self.values, compact=True)
            return Coded(remap.astype(np.int64)[self.codes], _object_array(uniques), True)
        kept = np.flatnonzero(present)
        found, uniques = pd.factorize(self.values[kept], use_na_sentinel=False)
        remap = np.zeros(len(self.values), dtype=np.int64)
        remap[kept] = found
        return Coded(remap[self.codes], _object_array(uniques), compact=True)

    def take(self, positions: npt.NDArray[Any] | slice) -> Coded:
        """The rows at ``positions`` (integer positions, a boolean mask or a slice)."""
        return Coded(self.codes[positions], self.values)

    def array(self) -> Values:
        """One value per row, as an object array."""
        if len(self.values) == 0:
            return np.empty(len(self.codes), dtype=object)
        return self.values[self.codes]

    def series(self) -> pd.Series:
        """One value per row, as an object Series (no conversion to Arrow strings)."""
        return pd.Series(self.array(), dtype=object, copy=False)

    def mask(self, predicate: Callable[[Any], bool]) -> npt.NDArray[np.bool_]:
        """Rows whose value satisfies ``predicate`` (called once per distinct value)."""
        hits = np.fromiter((bool(predicate(v)) for v in self.values), bool, len(self.values))
        return hits[self.codes] if len(hits) else np.zeros(len(self.codes), dtype=bool)

    def counts(self) -> npt.NDArray[np.int64]:
        """How many rows carry each value (by code)."""
        return np.bincount(self.codes, minlength=len(self.values))

    def where(self, mask: npt.NDArray[np.bool_], other: Coded) -> Coded:
        """``other``'s value on the rows of ``mask``, this column's value elsewhere."""
        codes = np.where(mask, other.codes + len(self.values), self.codes)
        return Coded(codes, np.concatenate([self.values, other.values])).unique()


_KEY_LIMIT: Final = 2**62


def group(columns: Sequence[Coded], length: int | None = None) -> tuple[Codes, Codes]:
    """One id per distinct combination of the columns' values, and each id's first row.

    Ids are numbered in order of first appearance. Codes are packed into one integer per
    row, factorised only when the next column would overflow it.
    """
    size = len(columns[0]) if columns else (length or 0)
    key: Codes = np.zeros(size, dtype=np.int64)
    bound = 1  # key < bound
    for column in columns:
        column = column.unique()
        width = max(len(column.values), 1)
        if bound * width >= _KEY_LIMIT:
            codes, uniques = pd.factorize(key)
            key, bound = codes.astype(np.int64, copy=False), max(len(uniques), 1)
        key = key * width + column.codes
        bound *= width
    codes, uniques = pd.factorize(key)
    key = codes.astype(np.int64, copy=False)
    first = np.full(len(uniques), size, dtype=np.int64)
    np.minimum.at(first, key, np.arange(size, dtype=np.int64))
    return key, first


def span(positions: npt.NDArray[np.int64]) -> npt.NDArray[np.int64] | slice:
    """Sorted distinct positions as a slice when they are contiguous (a view, not a copy)."""
    if len(positions) and positions[-1] - positions[0] + 1 == len(positions):
        return slice(int(positions[0]), int(positions[-1]) + 1)
    return positions


def positions_by_code(codes: Codes, count: int) -> list[npt.NDArray[np.int64]]:
    """The row positions of each code 0..count-1, in row order (one stable sort)."""
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=count))[:-1]
    return list(np.split(order, bounds))
