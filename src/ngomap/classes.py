"""Class breaks and colours for counts: one classification shared by every map and export."""

from __future__ import annotations

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
ZERO_COLOR: Final = "#e0e0e0"  # neutral: no actor in the area
MAX_CLASSES: Final = 5


@dataclass(frozen=True)
class Classes:
    """Integer classes of counts: (low, high) bounds, inclusive, each with its colour."""

    bounds: tuple[tuple[int, int], ...]
    colors: tuple[str, ...]
    zero_color: str = ZERO_COLOR

    def color(self, value: int) -> str:
        """The colour of a count."""
        if value <= 0:
            return self.zero_color
        for (low, high), color in zip(self.bounds, self.colors, strict=True):
            if low <= value <= high:
                return color
        return self.colors[-1]

    def labels(self) -> list[str]:
        """Each class as the legend states it: "1-3", "4", ..."""
        return [str(low) if low == high else f"{low}–{high}" for low, high in self.bounds]


def classify_counts(values: Sequence[int], *, k: int = MAX_CLASSES) -> Classes:
    """Classes for actor counts: 0 apart, positive counts in at most ``k`` natural-break classes.

    When there are no more distinct positive counts than classes, each class ends at one of
    them; otherwise Fisher-Jenks breaks (mapclassify) are rounded to whole counts.
    """
    positive = np.array(sorted({int(v) for v in values if v > 0}))
    if positive.size == 0:
        return Classes(bounds=(), colors=())
    if positive.size <= k:
        uppers = [int(v) for v in positive]
    else:
        data = np.array([int(v) for v in values if v > 0])
        with warnings.catch_warnings():  # "Numba not installed": fine for a few thousand areas
            warnings.simplefilter("ignore", UserWarning)
            bins = mapclassify.FisherJenks(data, k=k).bins
        uppers = sorted({int(np.floor(b)) for b in bins})
    bounds: list[tuple[int, int]] = []
    low = 1
    for upper in uppers:
        bounds.append((low, upper))
        low = upper + 1
    return Classes(bounds=tuple(bounds), colors=_PALETTES[len(bounds)])
