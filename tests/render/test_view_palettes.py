"""Each view looks like what it says: the gaps view's palette, a colour per organisation."""

from __future__ import annotations

import json
import math
from pathlib import Path

from helpers import map_properties
from streamlit.testing.v1 import AppTest

from ngomap.render.classes import (
    COVERED_COLOR,
    GAP_FEW_COLOR,
    GAP_NONE_COLOR,
    NO_DATA_COLOR,
    SEVERAL_COLOR,
    ZERO_COLOR,
    ZONE_PALETTE,
    classify_counts,
    classify_gaps,
    zone_color,
    zone_palette,
)

APP = str(Path(__file__).resolve().parents[2] / "app.py")


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
    assert classify_counts([0, 1, 2]).color(0) == ZERO_COLOR
    assert classify_gaps([0, 1], max_gap=1).color(0) != ZERO_COLOR


def test_each_chosen_organisation_has_its_colour_and_several_have_one_more() -> None:
    palette = zone_palette(["Educo", "Plan", "Oxfam"])
    assert palette == dict(zip(["Educo", "Plan", "Oxfam"], ZONE_PALETTE[:3], strict=True))
    assert zone_color(["Plan"], palette) == ZONE_PALETTE[1]
    assert zone_color(["Educo", "Oxfam"], palette) == SEVERAL_COLOR
    assert zone_color([], palette) is None
    assert zone_palette([f"Org {i}" for i in range(9)]) is None  # counts beyond 8
    assert len(set(ZONE_PALETTE) | {SEVERAL_COLOR}) == 9


def test_the_zones_map_colours_areas_by_organisation_with_a_legend() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.radio(key="view").set_value("zones").run()
    zone = at.multiselect(key="zone_orgs")
    zone.set_value(zone.options[:2]).run()
    assert not at.exception, at.exception
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    properties = map_properties(script)
    assert properties is not None
    names = [zone.format_func(k) for k in zone.options[:2]]
    seen: dict[str, set[str]] = {}
    for props in properties:
        present = [n for n in names if n in str(props["names"])]
        colour = str(props["color"])
        if len(present) == 1:
            seen.setdefault(present[0], set()).add(colour)
        elif len(present) == 2:
            assert colour == SEVERAL_COLOR
    assert seen == {n: {ZONE_PALETTE[i]} for i, n in enumerate(sorted(names)) if n in seen}
    assert seen, "the sample has areas with one of them"
    for name in names:
        assert name in script  # the legend names each organisation
