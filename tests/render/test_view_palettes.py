"""Each view looks like what it says: the gaps view's own palette."""

from __future__ import annotations

import math

from ngomap.render.classes import (
    COVERED_COLOR,
    GAP_FEW_COLOR,
    GAP_NONE_COLOR,
    NO_DATA_COLOR,
    ZERO_COLOR,
    classify_counts,
    classify_gaps,
)


def _luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_gaps_are_warm_covered_neutral_no_data_apart() -> None:
    classes = classify_gaps([0, 1, 2, 3, 9, math.nan], max_gap=3)
    assert classes.color(0) == GAP_NONE_COLOR
    assert classes.color(1) == classes.color(2) == GAP_FEW_COLOR
    assert classes.color(3) == classes.color(9) == COVERED_COLOR
    assert classes.color(math.nan) == NO_DATA_COLOR
    assert classes.labels() == ["1–2", "3–9"]
    assert len({GAP_NONE_COLOR, GAP_FEW_COLOR, COVERED_COLOR, NO_DATA_COLOR}) == 4
    # The gaps are warm (red above blue); nothing is as pale as a grey map background.
    for warm in (GAP_NONE_COLOR, GAP_FEW_COLOR):
        assert int(warm[1:3], 16) > int(warm[5:7], 16)
    for color in (GAP_NONE_COLOR, GAP_FEW_COLOR, COVERED_COLOR):
        assert abs(_luminance(color) - _luminance("#dddddd")) > 0.1


def test_a_threshold_of_one_has_no_few_class() -> None:
    classes = classify_gaps([0, 0, 4], max_gap=1)
    assert classes.color(0) == GAP_NONE_COLOR
    assert classes.labels() == ["1–4"]
    assert classes.colors == (COVERED_COLOR,)


def test_density_keeps_its_own_palette() -> None:
    assert classify_counts([0, 1, 2]).zero_color == ZERO_COLOR != GAP_NONE_COLOR
