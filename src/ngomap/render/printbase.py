"""The offline basemap on a print map: sea, neighbouring countries, lakes, rivers and towns.

Drawn under the areas (``staticmap``), in the print map's own projection, cut to its frame:
the margins a page shows around the areas get their context, as on the web map. Towns are
dots; their names are placed where they touch no other name and, unless every area is
labelled anyway, the capital and regional capitals are named too (the area labels then
keep clear of them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import geopandas as gpd
import shapely
import shapely.geometry
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path as MplPath

from ngomap.areas.basemap import context

SEA: Final = "#e3ecf4"
LAND: Final = "#f3f0ea"
BORDER: Final = "#b8b0a6"
WATER: Final = "#a9c9e6"
RIVER: Final = "#6f9fcf"
TOWN_INK: Final = ("#1b1b1b", "#2b2b2b", "#5a5a5a")  # by rank: capital, regional, abroad
TOWN_SIZE: Final = (16.0, 7.0, 7.0)  # marker areas (points²)
_DIRECTIONS: Final = ((1, 0), (-1, 0), (0, 1), (0, -1))


def _lines(geometry: dict[str, Any] | None, crs: str) -> list[Any]:
    if geometry is None:
        return []
    shape = gpd.GeoSeries([shapely.geometry.shape(geometry)], crs=4326).to_crs(crs).iloc[0]
    return [part.coords for part in shapely.get_parts(shape) if not part.is_empty]


def draw_basemap(
    ax: Any,
    crs: str,
    *,
    path: Callable[[shapely.Geometry | None], MplPath],
    renderer: Any,
    size_pt: float,
    lang: str = "fr",
    name_inside: shapely.Geometry | None = None,
) -> list[shapely.Polygon]:
    """Draw the basemap in ``ax`` (limits set, in ``crs``); return the boxes of the names.

    ``path`` turns a (multi)polygon into one matplotlib path (``staticmap``'s). Towns within
    ``name_inside`` (the areas, when every one of them is labelled) get a dot but no name.
    """
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    frame = shapely.box(xmin, ymin, xmax, ymax)
    degrees = gpd.GeoSeries([frame], crs=crs).to_crs(4326).total_bounds
    found = context(bounds=tuple(float(v) for v in degrees), lang=lang)  # type: ignore[arg-type]
    ax.set_facecolor(SEA)
    if found.countries:
        shapes = gpd.GeoSeries(
            [shapely.geometry.shape(f["geometry"]) for f in found.countries], crs=4326
        ).to_crs(crs)
        ax.add_collection(
            PathCollection(
                [path(g) for g in shapes],
                facecolors=LAND,
                edgecolors=BORDER,
                linewidths=0.5,
                zorder=0.5,
            ),
            autolim=False,
        )
    if found.lakes is not None:
        lake = gpd.GeoSeries([shapely.geometry.shape(found.lakes)], crs=4326).to_crs(crs)
        ax.add_collection(
            PathCollection([path(lake.iloc[0])], facecolors=WATER, linewidths=0, zorder=0.6),
            autolim=False,
        )
    rivers = _lines(found.rivers, crs)
    if rivers:
        ax.add_collection(LineCollection(rivers, colors=RIVER, linewidths=0.7, zorder=0.7))
    # GeoNames is CC BY: the page credits it, in the map's corner.
    ax.text(
        0.996,
        0.004,
        found.credit,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=size_pt * 0.8,
        color="#666666",
        zorder=7,
        path_effects=[patheffects.withStroke(linewidth=2, foreground="white")],
    )
    return _towns(ax, found.towns, crs, frame, renderer, size_pt, name_inside)


def _towns(
    ax: Any,
    towns: Any,
    crs: str,
    frame: shapely.Polygon,
    renderer: Any,
    size_pt: float,
    name_inside: shapely.Geometry | None,
) -> list[shapely.Polygon]:
    if not towns:
        return []
    points = gpd.GeoSeries([shapely.Point(t.lon, t.lat) for t in towns], crs=4326).to_crs(crs)
    to_data = ax.transData.inverted()
    pixels = size_pt * renderer.dpi / 72
    halo = [patheffects.Stroke(linewidth=2, foreground="white")]
    taken: list[shapely.Polygon] = []
    for town, point in zip(towns, points, strict=True):
        if not frame.contains(point):
            continue
        rank = min(town.rank, 2)
        ax.scatter(
            [point.x],
            [point.y],
            s=TOWN_SIZE[rank],
            c=TOWN_INK[rank],
            edgecolors="white",
            linewidths=0.6,
            zorder=6,
        )
        if name_inside is not None and name_inside.contains(point):
            continue  # the area's own label names this part of the map
        font = FontProperties(
            size=size_pt * (1.1 if rank == 0 else 1.0),
            weight="bold" if rank == 0 else "normal",
            style="italic" if rank == 2 else "normal",
        )
        width, height, _ = renderer.get_text_width_height_descent(town.name, font, ismath=False)
        # Room for the halo and the descenders, as the area labels measure theirs.
        half_w, half_h = width * 1.08 / 2 + pixels * 0.1, max(height, pixels) * 1.15 / 2
        cx, cy = ax.transData.transform((point.x, point.y))
        for dx, dy in _DIRECTIONS:
            x = cx + dx * (half_w + pixels * 0.5)
            y = cy + dy * (half_h + pixels * 0.5)
            (x0, y0), (x1, y1) = to_data.transform(
                [[x - half_w, y - half_h], [x + half_w, y + half_h]]
            )
            box = shapely.box(x0, y0, x1, y1)
            if not frame.contains(box) or any(box.intersects(other) for other in taken):
                continue
            at = to_data.transform((x, y))
            style = {"ha": "center", "va": "center", "fontproperties": font, "zorder": 6}
            ax.text(at[0], at[1], town.name, color="white", path_effects=halo, **style)
            ax.text(at[0], at[1], town.name, color=TOWN_INK[rank], **style)
            taken.append(box)
            break
    return taken
