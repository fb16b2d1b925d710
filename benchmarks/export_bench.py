"""Print export: an A4 PNG at 150 dpi of the cercles, against a bare plot + savefig.

What ``ngomap export --level adm2 --out map.png`` (or the page's PNG button) does: the
density view of 10,000 records (``ngomap.views.build_view``), its classes, the print layout
(title, legend, scale bar, north arrow, labels placed without collisions, source line) and
the PNG.
The baseline is the least anyone can do with the same geometry: ``GeoDataFrame.plot`` on
an A4 figure and ``savefig`` at 150 dpi, nothing else. Both are timed alternately; medians
are kept. The projected, print-simplified geometry is cached on the boundaries (as the page
keeps them), so its one-off cost is reported apart ("cold").
"""

from __future__ import annotations

import io
import time
from dataclasses import replace
from typing import Final

import geopandas as gpd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from benchmarks import generate
from benchmarks._runner import Row, time_pair
from ngomap import analysis as a
from ngomap.areas.boundaries import Boundaries
from ngomap.export import formats as ex
from ngomap.render.printlayout import MM, PrintLayout

LEVEL: Final = "adm2"
RECORDS: Final = 10_000
GOAL_SECONDS: Final = 1.0
RUNS: Final = 5
QUICK_RUNS: Final = 2


def bare_png(areas: gpd.GeoDataFrame, layout: PrintLayout) -> bytes:
    """The baseline: plot the geometry on an A4 figure and save it, nothing more."""
    width, height = layout.size_mm
    fig = Figure(figsize=(width * MM, height * MM), dpi=layout.dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    areas.plot(ax=ax, color="#a1dab4", edgecolor="#555555", linewidth=0.5)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=layout.dpi)
    return buffer.getvalue()


def _fresh(boundaries: Boundaries) -> Boundaries:
    return replace(boundaries, cache={})


def run(*, quick: bool = False) -> list[Row]:
    """The A4 PNG of the cercles, warm and cold, next to the bare plot."""
    mali = generate.mali_boundaries()
    from ngomap.areas.files import at_level

    boundaries = at_level(mali.boundaries, LEVEL)
    records = generate.synthetic_records(RECORDS, level=LEVEL, boundaries=mali.boundaries)
    layout = PrintLayout(paper="A4", orientation="landscape", dpi=150)
    snap = ex.Snapshot(
        records=records,
        boundaries=boundaries,
        options=a.ViewOptions(level=LEVEL),
        data_source="benchmark",
    )
    raw = boundaries.level_areas(LEVEL)
    sizes: dict[str, int] = {}

    def ngomap_png() -> bytes:
        data = ex.map_image(snap, "png", layout)
        sizes["png_bytes"] = len(data)
        return data

    def baseline() -> bytes:
        data = bare_png(raw, layout)
        sizes["baseline_png_bytes"] = len(data)
        return data

    cold_start = time.perf_counter()
    ex.map_image(replace(snap, boundaries=_fresh(boundaries)), "png", layout)
    cold = time.perf_counter() - cold_start
    runs = QUICK_RUNS if quick else RUNS
    timing = time_pair(ngomap_png, baseline, runs=runs, warmup=1)
    count = len(raw)
    return [
        Row(
            group="export",
            name=f"A4 PNG 150 dpi, cercles ({count}), {RECORDS // 1000}k records",
            value=timing.value,
            baseline=timing.baseline,
            unit="s",
            baseline_name="GeoDataFrame.plot + savefig (same geometry, A4, 150 dpi)",
            goal=f"≤ {GOAL_SECONDS:g} s",
            goal_value=GOAL_SECONDS,
            runs=runs,
            details={
                "boundaries": mali.source,
                "size_px": layout.size_px,
                "cold_s": round(cold, 3),
                "samples_s": list(timing.samples),
                "baseline_samples_s": list(timing.baseline_samples),
                **sizes,
            },
        )
    ]


if __name__ == "__main__":
    for row in run():
        ratio = row.ratio or float("nan")
        print(
            f"{row.name}: {row.value:.3f} s; bare plot+savefig {row.baseline:.3f} s; "
            f"ratio {ratio:.2f}; cold {row.details['cold_s']} s; {row.details}"
        )
