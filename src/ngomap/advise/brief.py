"""A one-page A4 brief on a proposed project, as the aid agency asks the embassy for one.

``build_brief`` works out what the page says from a records frame (the importer's, or the
registry's presences in the same columns): the actors already in the project's zones by
sector, the overlaps the project would add to and the gaps it would fill, the zones'
population when a table is given, arrivals and departures when a history is given
(``ZoneHistory``: two files today, the registry's rounds later), and the organisations to
meet with their reasons (``connect.meet``). ``brief_pdf`` draws it in the print layout of
the exports (``staticmap``): title, map with scale bar and north arrow, legend, source line
and disclaimer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import geopandas as gpd
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ngomap import schema as s
from ngomap.advise import connect
from ngomap.advise.changes import (
    Movement,
    ZoneHistory,
    actors_in_zones,
)
from ngomap.advise.project import Project
from ngomap.areas.boundaries import LEVELS, Boundaries
from ngomap.i18n import sector_label, t
from ngomap.normalise import norm_text
from ngomap.render import printlayout, staticmap
from ngomap.render.classes import Classes, classify_counts
from ngomap.render.webmap import legend_items

PAGE_MM: Final = (210.0, 297.0)  # A4 portrait
MARGIN: Final = 12.0
MEET_LIMIT: Final = 8
NAMES_SHOWN: Final = 8
CONTEXT_COLOR: Final = "#ffffff"
CONTEXT_EDGE: Final = "#b0b0b0"
ZONE_EDGE: Final = "#222222"


# --- what the brief says --------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneFacts:
    """One zone of the project: who is there in its sectors, and how many people live there."""

    code: str
    name: str
    actors: Mapping[str, tuple[str, ...]]  # sector -> organisation names
    population: float | None = None
    wide: int = 0  # of them, organisations recorded for a whole area holding the zone

    @property
    def count(self) -> int:
        """Distinct organisations in the project's sectors."""
        return len({n for names in self.actors.values() for n in names})


@dataclass(frozen=True)
class Brief:
    """Everything the page says, already computed (the page only lays it out)."""

    project: Project
    zones: tuple[ZoneFacts, ...]
    national: Mapping[str, tuple[str, ...]]  # sector -> organisations working nationwide
    overlaps: tuple[tuple[str, str, tuple[str, ...]], ...]  # (zone, sector, names)
    gaps: tuple[tuple[str, str], ...]  # (zone, sector)
    to_meet: tuple[connect.Suggestion, ...]
    level: str  # the map's level
    source_line: str
    movements: tuple[Movement, ...] | None = None
    history_label: str = ""
    has_population: bool = False
    own_key: str | None = None  # the project's organisation, when the records know it
    lang: str = "fr"
    today: date = field(default_factory=date.today)


def organisation_key(records: pd.DataFrame, name: str) -> str | None:
    """The key of the organisation named ``name`` (its name, acronym or key), if known."""
    wanted = norm_text(name)
    for column in (s.ORG_NAME, s.ORG_ACRONYM, s.ORG_KEY):
        if column in records:
            hit = records.loc[records[column].map(norm_text) == wanted, s.ORG_KEY]
            if not hit.empty:
                return str(hit.iloc[0])
    return None


def build_brief(
    project: Project,
    records: pd.DataFrame,
    boundaries: Boundaries,
    *,
    population: Mapping[str, float] | None = None,
    history: ZoneHistory | None = None,
    data_source: str = "",
    lang: str = "fr",
    today: date | None = None,
    weights: connect.Weights | None = None,
) -> Brief:
    """What the brief on ``project`` says, from ``records`` (the project's own organisation
    is left out of the overlaps and of the organisations to meet)."""
    today = today or date.today()
    own = organisation_key(records, project.organisation)
    others = records.loc[records[s.ORG_KEY] != own] if own else records
    table = actors_in_zones(others, boundaries, project.zones, project.sectors)
    zones = []
    overlaps = []
    gaps = []
    for zone in project.zones:
        here = table.loc[table["zone"] == zone]
        actors = {
            sector: tuple(here.loc[here[s.SECTOR] == sector, s.ORG_NAME].astype(str))
            for sector in project.sectors
        }
        inhabitants = population.get(zone) if population is not None else None
        local = set(here.loc[~here["wide"].astype(bool), s.ORG_KEY])
        wide = len(set(here[s.ORG_KEY]) - local)
        zones.append(ZoneFacts(zone, boundaries.name(zone, lang), actors, inhabitants, wide))
        for sector, names in actors.items():
            if names:
                overlaps.append((zone, sector, names))
            else:
                gaps.append((zone, sector))
    national: dict[str, tuple[str, ...]] = {}
    if s.NATIONAL in others:
        nationwide = others.loc[others[s.NATIONAL].fillna(False).astype(bool)]
        for sector in project.sectors:
            found = sorted(
                {str(n) for n in nationwide.loc[nationwide[s.SECTOR] == sector, s.ORG_NAME]}
            )
            if found:
                national[sector] = tuple(found)
    focus = connect.Focus.of_places(
        project.zones,
        project.sectors,
        partners=[project.partner] if project.partner else [],
        funders=[project.funder] if project.funder else [],
        exclude=[own] if own else [],
    )
    to_meet = connect.meet(records, boundaries, focus, weights=weights, limit=MEET_LIMIT)
    movements = None
    if history is not None:
        movements = tuple(history.movements(boundaries, project.zones, project.sectors))
    levels = [boundaries.level_of(z) for z in project.zones]
    level = max((lv for lv in levels if lv), key=LEVELS.index, default=boundaries.level)
    return Brief(
        project=project,
        zones=tuple(zones),
        national=national,
        overlaps=tuple(overlaps),
        gaps=tuple(gaps),
        to_meet=tuple(to_meet),
        level=level,
        source_line=_source_line(data_source, boundaries, today, lang),
        movements=movements,
        history_label=history.label(lang) if history is not None else "",
        has_population=population is not None,
        own_key=own,
        lang=lang,
        today=today,
    )


def _source_line(data_source: str, boundaries: Boundaries, today: date, lang: str) -> str:
    credit = ", ".join(part for part in (boundaries.source, boundaries.version) if part)
    return t(
        "source_line",
        lang,
        data=data_source.strip().rstrip(".") or t("unknown_source", lang),
        boundaries=credit,
        date=today.isoformat(),
    )


# --- words ----------------------------------------------------------------------------------


def _number(value: float, lang: str) -> str:
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _names(names: Sequence[str], lang: str) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} {t('connect_more', lang, n=more)}" if more > 0 else shown


def project_lines(project: Project, lang: str) -> list[str]:
    """The project's facts, one per line, for the page's subtitle."""
    lines = [t("brief_by", lang, value=project.organisation)]
    lines.append(
        t("brief_sectors", lang, value=", ".join(sector_label(c, lang) for c in project.sectors))
    )
    if project.start or project.end:
        first = project.start.isoformat() if project.start else "…"
        last = project.end.isoformat() if project.end else "…"
        lines.append(t("brief_period", lang, start=first, end=last))
    if project.budget is not None:
        amount = _number(project.budget, lang)
        lines.append(t("brief_budget", lang, value=f"{amount} {project.currency}".strip()))
    if project.funder:
        lines.append(t("brief_funder", lang, value=project.funder))
    if project.partner:
        lines.append(t("brief_partner", lang, value=project.partner))
    return lines


def sections(brief: Brief, boundaries: Boundaries) -> list[tuple[str, list[str]]]:
    """The page's text, as (heading, lines), in the page's language."""
    lang = brief.lang

    def zone_name(code: str) -> str:
        return boundaries.name(code, lang)

    zone_lines = []
    for zone in brief.zones:
        line = t("brief_zone_line", lang, zone=zone.name, code=zone.code, n=zone.count)
        if zone.wide:
            line += " " + t("brief_zone_wide", lang, n=zone.wide)
        if brief.has_population:
            value = (
                _number(zone.population, lang)
                if zone.population is not None and not math.isnan(zone.population)
                else t("brief_unknown", lang)
            )
            line += " · " + t("brief_population", lang, value=value)
        zone_lines.append(line)
    known = [z.population for z in brief.zones if z.population is not None]
    if brief.has_population and known:
        zone_lines.append(t("brief_population_total", lang, value=_number(sum(known), lang)))
    elif not brief.has_population:
        zone_lines.append(t("brief_no_population", lang))

    actors = []
    for sector in brief.project.sectors:
        names = sorted({n for z in brief.zones for n in z.actors.get(sector, ())}, key=str.casefold)
        label = sector_label(sector, lang)
        actors.append(
            t("brief_actors_line", lang, sector=label, n=len(names), names=_names(names, lang))
            if names
            else t("brief_actors_none", lang, sector=label)
        )
        if sector in brief.national:
            actors.append(
                t("brief_national", lang, names=_names(list(brief.national[sector]), lang))
            )

    overlaps = [
        t(
            "brief_overlap_line",
            lang,
            sector=sector_label(sector, lang),
            zone=zone_name(zone),
            n=len(names),
        )
        for zone, sector, names in brief.overlaps
    ] or [t("brief_none", lang)]
    gaps = [
        t("brief_gap_line", lang, sector=sector_label(sector, lang), zone=zone_name(zone))
        for zone, sector in brief.gaps
    ] or [t("brief_none", lang)]
    meet = [
        t(
            "brief_meet_line",
            lang,
            name=x.org_name,
            reasons=(" ; " if lang == "fr" else "; ").join(x.texts(boundaries, lang)),
        )
        for x in brief.to_meet
    ] or [t("brief_none", lang)]
    result = [
        (t("brief_zones", lang), zone_lines),
        (t("brief_actors", lang), actors),
        (t("brief_overlaps", lang), overlaps),
        (t("brief_gaps", lang), gaps),
    ]
    if brief.movements is not None:
        moves = [
            t(
                f"brief_{m.kind}",
                lang,
                name=m.org_name,
                sector=sector_label(m.sector, lang),
                zone=zone_name(m.zone),
            )
            for m in brief.movements
        ] or [t("brief_no_movement", lang)]
        result.append((t("brief_movements", lang, rounds=brief.history_label), moves))
    else:
        result.append((t("brief_movements", lang, rounds=""), [t("brief_no_history", lang)]))
    result.append((t("brief_meet", lang), meet))
    return result


# --- the page -------------------------------------------------------------------------------


class _Flow:
    """Text written downwards from ``top`` (mm) in a column, until ``floor``."""

    def __init__(self, fig: Figure, x: float, width: float, top: float, floor: float) -> None:
        self.fig, self.x, self.width, self.y, self.floor = fig, x, width, top, floor
        self.full = False

    def write(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        indent: float = 0.0,
        cut: bool = True,
        reserve: float = 0.0,
    ) -> bool:
        """Write ``text`` wrapped; False (nothing drawn) when it does not fit and ``cut`` is
        False; when ``cut``, what does not fit ends with "…" and the column is full."""
        if self.full:
            return False
        # Bold letters are wider than the 0.55 em the wrapping assumes.
        wrapped = staticmap._wrap(text, (self.width - indent) * (0.85 if bold else 0.97), size)
        line_h = size * 1.3 / 72 * 25.4
        lines = wrapped.split("\n")
        room = int((self.y - self.floor - reserve) // line_h)
        if len(lines) > room and not cut:
            return False
        if room <= 0:
            self.full = True
            return False
        if len(lines) > room:
            lines = [*lines[: room - 1], (lines[room - 1][:-2] + " …")]
            self.full = True
        page_w, page_h = PAGE_MM
        self.fig.text(
            (self.x + indent) / page_w,
            self.y / page_h,
            "\n".join(lines),
            fontsize=size,
            fontweight="bold" if bold else "normal",
            va="top",
            color=staticmap.TEXT_COLOR,
            linespacing=1.3,
        )
        self.y -= line_h * len(lines) + size * 0.25 / 72 * 25.4
        return True


def _write_sections(flows: Sequence[_Flow], parts: Sequence[tuple[str, list[str]]]) -> None:
    """Each heading and line in the first column with room for it; the last column cuts."""
    current = 0
    for heading, lines in parts:
        items = [(heading, 8.5, True, 0.0)] + [(f"• {line}", 7.2, False, 1.5) for line in lines]
        for text, size, bold, indent in items:
            while not flows[current].write(
                text,
                size,
                bold=bold,
                indent=indent,
                cut=current == len(flows) - 1,
                reserve=8.0 if bold else 0.0,  # a heading keeps its first lines with it
            ):
                if current == len(flows) - 1:
                    return
                current += 1
        flows[current].y -= 1.5


def _draw_map(
    fig: Figure, brief: Brief, boundaries: Boundaries, box: tuple[float, float, float, float]
) -> Classes:
    """The project's zones shaded by actors already there, the areas around in outline."""
    return draw_zones(
        fig,
        boundaries,
        brief.level,
        brief.project.zones,
        [float(z.count) for z in brief.zones],
        [f"{z.name}\n{t('brief_map_count', brief.lang, n=z.count)}" for z in brief.zones],
        box,
        PAGE_MM,
    )


def draw_zones(
    fig: Figure,
    boundaries: Boundaries,
    level: str,
    zones: Sequence[str],
    counts: Sequence[float],
    labels: Sequence[str],
    box: tuple[float, float, float, float],
    page_mm: tuple[float, float],
) -> Classes:
    """Zones (P-codes, any level) shaded by ``counts`` and labelled, over the areas of
    ``level`` around them in outline, with scale bar and north arrow; ``box`` in mm."""
    page_w, page_h = page_mm
    x, y, w, h = box
    ax = fig.add_axes((x / page_w, y / page_h, w / page_w, h / page_h))
    context = boundaries.level_areas(level)
    crs = staticmap.local_crs(context)
    context = context.to_crs(crs)
    shapes = gpd.GeoSeries(
        [boundaries.areas.geometry[z] for z in zones], crs=boundaries.areas.crs
    ).to_crs(crs)
    classes = classify_counts(counts)
    minx, miny, maxx, maxy = (float(v) for v in shapes.total_bounds)
    pad_x, pad_y = (maxx - minx) * 0.35 + 20_000, (maxy - miny) * 0.35 + 20_000
    limits = staticmap._fit_limits((minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y), w, h)
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#999999")
        spine.set_linewidth(0.6)
    ax.add_collection(
        PathCollection(
            [staticmap._path(g) for g in context.geometry],
            facecolors=CONTEXT_COLOR,
            edgecolors=CONTEXT_EDGE,
            linewidths=0.4,
        ),
        autolim=False,
    )
    ax.add_collection(
        PathCollection(
            [staticmap._path(g) for g in shapes],
            facecolors=[classes.color(v) for v in counts],
            edgecolors=ZONE_EDGE,
            linewidths=1.1,
        ),
        autolim=False,
    )
    halo = [patheffects.Stroke(linewidth=2.2, foreground="white")]
    for geometry, label in zip(shapes, labels, strict=True):
        point = geometry.representative_point()
        style: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": 7, "zorder": 4}
        # The halo is a stroke-only copy underneath: the label itself stays text in the PDF.
        ax.text(point.x, point.y, label, color="white", path_effects=halo, **style)
        ax.text(point.x, point.y, label, color=staticmap.TEXT_COLOR, **style)
    text = printlayout.PrintText("", "", "", "", "", "", "")
    staticmap._scale_bar(ax, limits[1] - limits[0], text)
    staticmap._north_arrow(ax, text)
    return classes


def organisation_map_png(
    records: pd.DataFrame, boundaries: Boundaries, org_key: str, lang: str = "fr"
) -> bytes | None:
    """A small map of where one organisation works (areas shaded by its sectors there), as
    PNG; None when it has no record in a known area (nationwide only, say)."""
    own = records.loc[(records[s.ORG_KEY] == org_key) & records[s.AREA_CODE].notna()]
    if s.NATIONAL in own:
        own = own.loc[~own[s.NATIONAL].fillna(False).astype(bool)]
    known = set(boundaries.areas.index)
    sectors = own.loc[own[s.AREA_CODE].isin(known)].groupby(s.AREA_CODE)[s.SECTOR].nunique()
    if sectors.empty:
        return None
    zones = [str(c) for c in sectors.index]
    levels = [boundaries.level_of(z) or boundaries.level for z in zones]
    level = max(levels, key=LEVELS.index)
    size = (120.0, 95.0)
    with staticmap._style():
        fig = Figure(figsize=(size[0] * printlayout.MM, size[1] * printlayout.MM), dpi=120)
        FigureCanvasAgg(fig)
        fig.patch.set_facecolor("white")
        draw_zones(
            fig,
            boundaries,
            level,
            zones,
            [float(n) for n in sectors],
            [
                f"{boundaries.name(z, lang)}\n{t('connect_map_sectors', lang, n=int(n))}"
                for z, n in zip(zones, sectors, strict=True)
            ],
            (1.0, 1.0, size[0] - 2, size[1] - 2),
            size,
        )
    return staticmap.render(fig, "png")


def _draw_legend(fig: Figure, classes: Classes, lang: str, x: float, y: float) -> float:
    """Swatches in one row under the map; returns the height used (mm)."""
    page_w, page_h = PAGE_MM
    fig.text(
        x / page_w,
        y / page_h,
        t("brief_map_legend", lang),
        fontsize=7.5,
        fontweight="bold",
        va="top",
        color=staticmap.TEXT_COLOR,
    )
    cursor = x
    row_y = y - 6.5
    for color, label in legend_items(classes, "0"):
        fig.add_artist(
            Rectangle(
                (cursor / page_w, row_y / page_h),
                6 / page_w,
                3.5 / page_h,
                facecolor=color,
                edgecolor=staticmap.EDGE_COLOR,
                linewidth=0.6,
                transform=fig.transFigure,
            )
        )
        fig.text(
            (cursor + 7.5) / page_w,
            (row_y + 1.75) / page_h,
            label,
            fontsize=7,
            va="center",
            color=staticmap.TEXT_COLOR,
        )
        cursor += 9 + 2.2 * len(label) + 3
    return 11.0


def brief_figure(brief: Brief, boundaries: Boundaries) -> Figure:
    """The one A4 page of the brief."""
    with staticmap._style():
        return _brief_figure(brief, boundaries)


def _brief_figure(brief: Brief, boundaries: Boundaries) -> Figure:
    lang = brief.lang
    page_w, page_h = PAGE_MM
    fig = Figure(figsize=(page_w * printlayout.MM, page_h * printlayout.MM), dpi=150)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    usable = page_w - 2 * MARGIN
    project = brief.project
    title = t("brief_title", lang, project=project.title or project.organisation)
    header = _Flow(fig, MARGIN, usable, page_h - MARGIN, page_h - 40)
    header.write(title, 14, bold=True)
    header.write(" · ".join(project_lines(project, lang)), 8.5)

    footer_size = 6.5
    footer = (
        staticmap._wrap(brief.source_line, usable, footer_size)
        + "\n"
        + staticmap._wrap(t("disclaimer", lang), usable, footer_size)
    )
    footer_h = (footer.count("\n") + 1) * footer_size * 1.35 / 72 * 25.4
    fig.text(
        MARGIN / page_w,
        MARGIN / page_h,
        footer,
        fontsize=footer_size,
        va="bottom",
        color=staticmap.MUTED,
    )

    top = header.y - 3
    map_w, map_h = 112.0, 92.0
    classes = _draw_map(fig, brief, boundaries, (MARGIN, top - map_h, map_w, map_h))
    legend_h = _draw_legend(fig, classes, lang, MARGIN, top - map_h - 2)
    parts = sections(brief, boundaries)
    side = _Flow(fig, MARGIN + map_w + 5, usable - map_w - 5, top, top - map_h - legend_h)
    below = _Flow(fig, MARGIN, usable, top - map_h - legend_h - 2, MARGIN + footer_h + 3)
    _write_sections([side, below], parts)
    return fig


def brief_pdf(brief: Brief, boundaries: Boundaries) -> bytes:
    """The brief as a one-page A4 PDF (text stays text: it can be searched and copied)."""
    return staticmap.render(brief_figure(brief, boundaries), "pdf")
