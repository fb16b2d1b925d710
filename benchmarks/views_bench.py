"""View + map build: a filter change recomputed and drawn, against a naive folium map.

A filter change: recompute the density view (``analysis.density``) and the overlap
view (``analysis.overlap_by_area``) with the new ``Filters``, build the choropleth
(``webmap.choropleth``) and render it to the HTML sent to the browser. The goal row
times what the page does for the view on screen: one view and the TopoJSON map (the
side tables the page also recomputes are timed apart, in ``details.side_tables_s``).
The baseline is the map a newcomer writes with folium: the raw boundary geometry, one
``folium.GeoJson`` per area with a ``folium.Popup`` listing every actor there, rendered
the same way. Both are timed alternately in the same loop; the median is kept.
"""

from __future__ import annotations

import html
import inspect
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import folium
import geopandas as gpd
import pandas as pd
import shapely

from benchmarks import generate
from benchmarks._runner import Row, time_pair
from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.render.classes import classify_counts
from ngomap.render.webmap import MapLabels, choropleth

SIZES: Final = (1_000, 10_000, 100_000)
QUICK_SIZES: Final = (1_000, 10_000)
LEVELS: Final = ("adm1", "adm2", "adm3")
# Quick: the naive map of 701 communes alone takes seconds; CI only checks the tool runs.
QUICK_LEVELS: Final = ("adm1", "adm2")
RUNS: Final = 5
# The naive map of 701 communes takes seconds per run: fewer runs there keep the full run short.
RUNS_BY_LEVEL: Final = {"adm3": 3}
QUICK_RUNS: Final = 1
LEVEL_NAMES: Final = {"adm1": "regions", "adm2": "cercles", "adm3": "communes"}
# The goal of the view issue: a filter change at 100k records on the 701 communes.
GOAL_LEVEL: Final = "adm3"
GOAL_SIZE: Final = 100_000
GOAL_SECONDS: Final = 0.300
# Two sector choices the planner switches between: each timed run is a change.
FILTER_SECTORS: Final = (("WSH", "HEA", "NUT"), ("EDU", "PRO", "FSC", "AGR"))
LABELS: Final = MapLabels(
    area="Zone",
    count="Organisations",
    organisations="Organisations",
    legend_title="Organisations",
    zero="Aucune",
    boundaries_credit="Source : OCHA",
)


def _at_level(boundaries: Boundaries, level: str) -> Boundaries:
    try:
        from ngomap.areas.files import at_level

        return at_level(boundaries, level)
    except ImportError:
        from dataclasses import replace

        return replace(boundaries, level=level)


def map_areas(boundaries: Boundaries, level: str) -> tuple[gpd.GeoDataFrame, str]:
    """The areas the map draws, and which geometry that is ("light" or "full").

    The light geometry (``ngomap.areas.geometry.light_areas``) is computed once per boundaries and
    cached on them, as the page does; it is not part of a filter change.
    """
    try:
        from ngomap.areas.geometry import light_areas

        return light_areas(boundaries, level), "light (geometry.light_areas)"
    except ImportError:
        return boundaries.level_areas(level), "full (boundaries.level_areas)"


def has_topology() -> bool:
    """True when this ngomap's ``choropleth`` can ship its areas as TopoJSON."""
    return "topology" in inspect.signature(choropleth).parameters


def map_options(topology: bool = False) -> dict[str, Any]:
    """Options of ``choropleth``: TopoJSON when asked for and this ngomap has it."""
    return {"topology": True} if topology and has_topology() else {}


def map_config(geometry: str, topology: bool = False) -> str:
    """How the map ships its areas, for the row's details (always TopoJSON since ngomap
    stopped drawing through folium.GeoJson, whose data branca re-reads as a template)."""
    tojson = map_options(topology) or not has_topology()
    return geometry + (", TopoJSON" if tojson else ", GeoJSON")


@dataclass
class _Parts:
    """Seconds spent in each step of the timed runs."""

    times: dict[str, list[float]] = field(default_factory=dict)
    html_bytes: int = 0

    def add(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)

    def medians(self, last: int) -> dict[str, float]:
        return {k: statistics.median(v[-last:]) for k, v in self.times.items()}


def ngomap_change(
    records: pd.DataFrame,
    boundaries: Boundaries,
    areas: gpd.GeoDataFrame,
    parts: _Parts,
    *,
    topology: bool = False,
    page: bool = False,
) -> Callable[[], str]:
    """A callable doing one filter change the ngomap way (alternating sector choices).

    By default two views are recomputed (density and overlaps); with ``page``, only the
    density view, as the page does for the view on screen (its side tables are timed apart
    by ``measure_level``: the issue's measure is the view and the map).
    """
    turn = [0]

    def change() -> str:
        filters = a.Filters(sectors=FILTER_SECTORS[turn[0] % 2])
        turn[0] += 1
        t0 = time.perf_counter()
        table = a.density(records, boundaries, filters=filters)
        t1 = time.perf_counter()
        if not page:
            a.overlap_by_area(records, boundaries, filters=filters)
        t2 = time.perf_counter()
        classes = classify_counts([float(v) for v in table[a.VALUE]])
        fmap = choropleth(
            areas,
            table,
            labels=LABELS,
            value_column=a.VALUE,
            classes=classes,
            **map_options(topology),
        )
        t3 = time.perf_counter()
        html_page = fmap.get_root().render()
        t4 = time.perf_counter()
        parts.add("density_s", t1 - t0)
        parts.add("overlap_s", t2 - t1)
        parts.add("build_s", t3 - t2)
        parts.add("render_s", t4 - t3)
        parts.html_bytes = len(html_page.encode("utf-8"))
        return html_page

    return change


def _naive_color(count: int, top: int) -> str:
    if count == 0:
        return "#eeeeee"
    shade = int(230 - 180 * count / max(top, 1))
    return f"#{shade:02x}{shade:02x}ff"


def naive_folium_map(
    records: pd.DataFrame, areas: gpd.GeoDataFrame, sectors: tuple[str, ...]
) -> folium.Map:
    """The newcomer's folium map: raw geometry, a GeoJson and a Popup of every actor per area."""
    chosen = records.loc[records[s.SECTOR].isin(sectors)]
    by_area = chosen.groupby(s.AREA_CODE)[s.ORG_NAME].unique()
    top = max((len(v) for v in by_area), default=1)
    minx, miny, maxx, maxy = areas.total_bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=5)
    for code, geometry in zip(areas.index, areas.geometry, strict=True):
        actors = sorted(by_area.get(code, []))
        color = _naive_color(len(actors), top)
        layer = folium.GeoJson(
            shapely.geometry.mapping(geometry),
            style_function=lambda _f, color=color: {"fillColor": color, "color": "#555555"},
        )
        listing = "<br>".join(html.escape(str(name)) for name in actors) or "—"
        folium.Popup(f"<b>{html.escape(str(code))}</b><br>{listing}", max_width=400).add_to(layer)
        layer.add_to(fmap)
    return fmap


def naive_map(records: pd.DataFrame, areas: gpd.GeoDataFrame, sectors: tuple[str, ...]) -> str:
    """The naive map rendered to the HTML page folium sends to the browser."""
    return str(naive_folium_map(records, areas, sectors).get_root().render())


def naive_change(
    records: pd.DataFrame, areas: gpd.GeoDataFrame, sizes: dict[str, int]
) -> Callable[[], str]:
    """A callable doing one filter change the naive way (alternating sector choices)."""
    turn = [0]

    def change() -> str:
        page = naive_map(records, areas, FILTER_SECTORS[turn[0] % 2])
        turn[0] += 1
        sizes["html_bytes"] = len(page.encode("utf-8"))
        return page

    return change


def measure_level(
    boundaries: Boundaries,
    level: str,
    n: int,
    *,
    runs: int,
    warmup: int,
    topology: bool = False,
    page: bool = False,
) -> list[Row]:
    """Rows for one level and size: the timed change, and the HTML payload."""
    at = _at_level(boundaries, level)
    records = generate.synthetic_records(n, level=level, boundaries=boundaries)
    areas, geometry = map_areas(at, level)
    raw = at.level_areas(level)
    parts = _Parts()
    naive_sizes: dict[str, int] = {}
    timing = time_pair(
        ngomap_change(records, at, areas, parts, topology=topology, page=page),
        naive_change(records, raw, naive_sizes),
        runs=runs,
        warmup=warmup,
    )
    side: list[float] = []
    for turn in range(runs if page else 0):  # the page's side tables, timed apart
        filters = a.Filters(sectors=FILTER_SECTORS[turn % 2])
        t0 = time.perf_counter()
        a.matrix(records, at, filters=filters)
        a.actors_by_sector(records, filters=filters)
        side.append(time.perf_counter() - t0)
    count = len(raw)
    label = f"{LEVEL_NAMES[level]} ({count}), {n // 1000}k records"
    if page:
        label += ", one view + TopoJSON map (the page)"
    elif topology:
        label += ", TopoJSON map"
    # The goal is the measure: the view on screen recomputed and the map rebuilt.
    goal = page and level == GOAL_LEVEL and n == GOAL_SIZE
    medians = parts.medians(runs)
    details: dict[str, Any] = {
        "series": f"filter→map, {LEVEL_NAMES[level]}",
        "n": n,
        "level": level,
        "areas": count,
        "organisations": int(records[s.ORG_KEY].nunique()),
        "geometry": map_config(geometry, topology),
        "parts_s": medians,
        "scaling_parts": {
            ("view (density)" if page else "views (density + overlaps)"): medians["density_s"]
            + medians["overlap_s"],
            "map (build + render)": medians["build_s"] + medians["render_s"],
        },
        "samples_s": list(timing.samples),
        "baseline_samples_s": list(timing.baseline_samples),
        "side_tables_s": statistics.median(side) if side else None,
        "html_bytes": parts.html_bytes,
        "baseline_html_bytes": naive_sizes.get("html_bytes"),
    }
    return [
        Row(
            group="view",
            name=f"filter→map, {label}",
            value=timing.value,
            baseline=timing.baseline,
            unit="s",
            baseline_name="naive folium",
            goal=f"≤ {GOAL_SECONDS * 1000:.0f} ms" if goal else "",
            goal_value=GOAL_SECONDS if goal else None,
            runs=runs,
            details=details,
        ),
        Row(
            group="view",
            name=f"map HTML, {label}",
            value=float(parts.html_bytes),
            baseline=float(naive_sizes.get("html_bytes", 0)) or None,
            unit="bytes",
            baseline_name="naive folium",
            runs=1,
            details={"level": level, "n": n, "geometry": map_config(geometry, topology)},
        ),
    ]


def run(*, quick: bool = False) -> list[Row]:
    """Every level x size: the filter change and its payload, next to the naive map.

    The maps ship GeoJSON (``choropleth``'s default, what the page draws); at the finest
    level and largest size the TopoJSON map (``topology=True``) is measured too.
    """
    mali = generate.mali_boundaries()
    sizes = QUICK_SIZES if quick else SIZES
    levels = QUICK_LEVELS if quick else LEVELS
    runs = QUICK_RUNS if quick else RUNS
    warmup = 0 if quick else 1
    plan = [(level, n, False, False) for level in levels for n in sizes]
    if has_topology():
        plan.append((levels[-1], max(sizes), True, False))
        plan.append((levels[-1], max(sizes), True, True))
    rows: list[Row] = []
    for level, n, topology, page in plan:
        level_runs = runs if quick else RUNS_BY_LEVEL.get(level, runs)
        found = measure_level(
            mali.boundaries, level, n, runs=level_runs, warmup=warmup, topology=topology, page=page
        )
        for row in found:
            row.details["boundaries"] = mali.source
            if topology:
                row.details.pop("series", None)  # a variant, not a point of the scaling fit
        rows.extend(found)
    # Keep the payload rows of the largest size only: the table stays readable.
    largest = max(sizes)
    return [r for r in rows if r.unit != "bytes" or r.details.get("n") == largest]
