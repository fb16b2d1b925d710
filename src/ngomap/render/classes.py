"""Class breaks and colours for map values: one classification shared by every map and export."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

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


def natural_breaks(values: Sequence[float] | np.ndarray, k: int) -> list[float]:
    """Fisher-Jenks natural breaks: the upper bound of each of at most ``k`` classes.

    The classes minimise the sum of squared deviations from their means (Fisher 1958, Jenks
    1977), found exactly by dynamic programming over the distinct values weighted by their
    counts (equal values are never split between classes). It is the optimum
    ``mapclassify.FisherJenks`` approximates; a test compares the two. Written here because
    importing mapclassify (scipy.stats, scikit-learn) cost a fresh server 1.3-2.4 s of its
    first page, for a computation of a few milliseconds on a few hundred areas.
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if data.size == 0:
        return []
    distinct, weights = np.unique(data, return_counts=True)
    n = distinct.size
    k = max(1, min(k, n))
    # Prefix sums: cost(i, j) = squared deviations of distinct[i:j] (with their weights).
    w = np.concatenate(([0.0], np.cumsum(weights, dtype=float)))
    s1 = np.concatenate(([0.0], np.cumsum(weights * distinct)))
    s2 = np.concatenate(([0.0], np.cumsum(weights * distinct * distinct)))

    def cost(i: np.ndarray, j: int) -> np.ndarray:
        total = w[j] - w[i]
        mean_sum = s1[j] - s1[i]
        deviations: np.ndarray = np.maximum(s2[j] - s2[i] - mean_sum * mean_sum / total, 0.0)
        return deviations

    # best[c, j]: the least cost of the first j distinct values in c + 1 classes.
    best = np.full((k, n + 1), np.inf)
    start = np.zeros((k, n + 1), dtype=int)  # where the last class begins
    starts = np.arange(n)
    for j in range(1, n + 1):
        best[0, j] = cost(np.array([0]), j)[0]
    for c in range(1, k):
        for j in range(c + 1, n + 1):
            i = starts[c:j]  # the last class is distinct[i:j], i >= c
            total = best[c - 1, i] + cost(i, j)
            pick = int(np.argmin(total))
            best[c, j] = total[pick]
            start[c, j] = int(i[pick])
    uppers: list[float] = []
    j = n
    for c in range(k - 1, -1, -1):
        uppers.append(float(distinct[j - 1]))
        j = start[c, j] if c else 0
    return uppers[::-1]


def _breaks(data: np.ndarray, k: int) -> list[float]:
    breaks = natural_breaks(data, k)
    breaks[-1] = float(data.max())  # the top class always holds the largest value
    return breaks


def classify_counts(values: Sequence[float], *, k: int = MAX_CLASSES) -> Classes:
    """Classes for counts: 0 apart, positive counts in at most ``k`` natural-break classes.

    When there are no more distinct positive counts than classes, each class ends at one of
    them; otherwise Fisher-Jenks breaks (``natural_breaks``) are rounded to whole counts.
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


# The gaps view: the gaps stand out in warm colours, covered areas stay neutral, "no data"
# (white, dashed outline) differs from both; none is close to a grey or white background.
GAP_NONE_COLOR: Final = "#d7301f"  # nobody works there: the strongest warm colour
GAP_FEW_COLOR: Final = "#fc8d59"  # some actors, fewer than the threshold
COVERED_COLOR: Final = "#9fb3c8"  # enough actors: a quiet blue-grey


def classify_gaps(values: Sequence[float], *, max_gap: int) -> Classes:
    """Classes for the gaps view: 0 and 1..max_gap-1 actors are gaps, max_gap and more covered."""
    data = [int(v) for v in values if not math.isnan(v)]
    top = max([max_gap, *data])
    bounds: list[tuple[float, float]] = []
    colors: list[str] = []
    if max_gap > 1:
        bounds.append((1, max_gap - 1))
        colors.append(GAP_FEW_COLOR)
    bounds.append((max_gap, top))
    colors.append(COVERED_COLOR)
    return Classes(bounds=tuple(bounds), colors=tuple(colors), zero_color=GAP_NONE_COLOR)


# The intervention zones view: one colour per chosen organisation (ColorBrewer Dark2 with a
# blue for its grey, colour-blind safe for most pairs), and one for areas where several work.
ZONE_PALETTE: Final = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#1f78b4",
)
SEVERAL_COLOR: Final = "#252525"


def zone_palette(names: Sequence[str]) -> dict[str, str] | None:
    """{organisation: colour} for up to len(ZONE_PALETTE) names; None beyond (counts then)."""
    if not names or len(names) > len(ZONE_PALETTE):
        return None
    return dict(zip(names, ZONE_PALETTE, strict=False))


def zone_color(present: Sequence[str], palette: dict[str, str]) -> str | None:
    """An area's colour: its one chosen organisation's, SEVERAL_COLOR for more, None for none."""
    chosen = [name for name in present if name in palette]
    if not chosen:
        return None
    return palette[chosen[0]] if len(chosen) == 1 else SEVERAL_COLOR
