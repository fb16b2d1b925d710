"""Bar charts of the source page (organisations by sector, by region), as Altair specs."""

from __future__ import annotations

import altair as alt
import pandas as pd


def bar_chart(
    frame: pd.DataFrame, *, category: str, value: str, title: str, value_title: str
) -> alt.LayerChart:
    """Horizontal bars, longest first, with the value written at the end of each bar."""
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q")],
    )
    bars = base.mark_bar(color="#2c7fb8")
    text = base.mark_text(align="left", dx=3).encode(text=f"{value}:Q")
    chart: alt.LayerChart = (bars + text).properties(height=alt.Step(18))
    return chart
