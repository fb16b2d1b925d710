"""Bar charts of the source page (organisations by sector, by region), as Vega-Lite specs.

The spec is written as a plain dictionary, without its data: the page passes the table
beside it (``st.vega_lite_chart(table, spec)``), so a filter change sends new rows under the
same spec, and no rerun pays for Altair building and validating a chart (0.15-0.3 s each).
Names (sectors, areas) are data, never part of the spec.
"""

from __future__ import annotations

from typing import Any

BAR_COLOUR = "#2c7fb8"


def field(name: str) -> str:
    """A column name as a Vega-Lite field: dots and brackets would read as nested access."""
    return "".join("\\" + c if c in "\\.[]" else c for c in name)


def bar_spec(*, category: str, value: str, title: str, value_title: str) -> dict[str, Any]:
    """Horizontal bars, longest first, with the value written at the end of each bar."""
    y = {
        "field": field(category),
        "type": "nominal",
        "sort": "-x",
        "title": None,
        "axis": {"labelOverlap": False, "labelLimit": 220},  # every bar named, in full
    }
    x = {
        "field": field(value),
        "type": "quantitative",
        "title": value_title,
        "axis": {"tickMinStep": 1},
    }
    tooltip = [
        {"field": field(category), "type": "nominal"},
        {"field": field(value), "type": "quantitative"},
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "height": {"step": 20},
        "encoding": {"y": y, "x": x, "tooltip": tooltip},
        "layer": [
            {"mark": {"type": "bar", "color": BAR_COLOUR}},
            {
                "mark": {"type": "text", "align": "left", "dx": 3},
                "encoding": {"text": {"field": field(value), "type": "quantitative"}},
            },
        ],
    }
