"""Class breaks and colours for map values: one classification shared by every map and export."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import mapclassify
import numpy as np

# ColorBrewer YlGnBu (colour-blind safe), by number of classes.
_PALETTES: Final[dict[int, tuple[str, ...]]] = {
    1: ("#2c7fb8",),
    2: ("#a1dab4", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
ZERO_COLOR: Final = "#e0e0e0"  # neutral: nobody works there
NO_DATA_COLOR: Final = "#ffffff"  # drawn with a dashed grey outline: the data says nothing
MAX_CLASSES: Final = 5


@dataclass(frozen=True)
class Classes:
    """Classes of positive values: (low, high) bounds, inclusive, each with its colour.

    Zero has its own neutral colour; a missing value (NaN) is "no data".
    """

    bounds: tuple[tuple[float, float], ...]
    colors: tuple[str, ...]
    integer: bool = True
    zero_color: str = ZERO_COLOR
    no_data_color: str = NO_DATA_COLOR

    def color(self, value: float | None) -> str:
        """The colour of a value."""
        if value is None or math.isnan(value):
            return self.no_data_color
        if value <= 0:
            return self.zero_color
        for (low, high), color in zip(self.bounds, self.colors, strict=True):
            if low <= value <= high:
                return color
        return self.colors[-1] if value > self.bounds[-1][1] else self.colors[0]

    def _fmt(self, value: float) -> str:
        return str(int(value)) if self.integer else f"{value:.1f}"

    def labels(self) -> list[str]:
        """Each class as the legend states it: "1–3", "4", "0.5–2.0"..."""
        return [
            self._fmt(low) if low == high else f"{self._fmt(low)}–{self._fmt(high)}"
            for low, high in self.bounds
        ]


# Fisher-Jenks is quadratic in the number of values (pure Python without numba: 1.5 s for
# Mali's 701 communes). Above this many values, the breaks are computed on evenly spaced
# quantiles of the data: deterministic, and the same shape of distribution.
_JENKS_MAX_VALUES: Final = 64


def _breaks(data: np.ndarray, k: int) -> list[float]:
    values = np.sort(data)
    if values.size > _JENKS_MAX_VALUES:
        positions = np.linspace(0, values.size - 1, _JENKS_MAX_VALUES).round().astype(int)
        values = values[positions]
    with warnings.catch_warnings():  # "Numba not installed"
        warnings.simplefilter("ignore", UserWarning)
        breaks = [float(b) for b in mapclassify.FisherJenks(values, k=k).bins]
    breaks[-1] = float(data.max())  # the top class always holds the largest value
    return breaks


def classify_counts(values: Sequence[float], *, k: int = MAX_CLASSES) -> Classes:
    """Classes for counts: 0 apart, positive counts in at most ``k`` natural-break classes.

    When there are no more distinct positive counts than classes, each class ends at one of
    them; otherwise Fisher-Jenks breaks (mapclassify) are rounded to whole counts.
    """
    data = np.array([int(v) for v in values if not math.isnan(v) and v > 0])
    distinct = np.unique(data)
    if distinct.size == 0:
        return Classes(bounds=(), colors=())
    if distinct.size <= k:
        uppers = [int(v) for v in distinct]
    else:
        uppers = sorted({math.floor(b) for b in _breaks(data, k)})
    bounds: list[tuple[float, float]] = []
    low = 1
    for upper in uppers:
        bounds.append((low, upper))
        low = upper + 1
    return Classes(bounds=tuple(bounds), colors=_PALETTES[len(bounds)])


def classify_rates(values: Sequence[float], *, k: int = MAX_CLASSES) -> Classes:
    """Classes for rates (actors per 100,000...): natural breaks on positive values, 1 decimal."""
    data = np.array([float(v) for v in values if not math.isnan(v) and v > 0])
    distinct = np.unique(np.round(data, 1))
    if distinct.size == 0:
        return Classes(bounds=(), colors=(), integer=False)
    uppers = [float(v) for v in distinct] if distinct.size <= k else _breaks(data, k)
    uppers = sorted({round(u, 1) for u in uppers})
    uppers[-1] = max(uppers[-1], float(np.round(data.max(), 1)))
    bounds: list[tuple[float, float]] = []
    low = round(float(data.min()), 1)
    for upper in uppers:
        bounds.append((min(low, upper), upper))
        low = round(upper + 0.1, 1)
    return Classes(bounds=tuple(bounds), colors=_PALETTES[len(bounds)], integer=False)
