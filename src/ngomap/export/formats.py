"""Bytes in each format: print maps, an atlas, an offline HTML map, tables and GIS layers.

Every export starts from a ``Snapshot``: the records, the boundaries and the view options
the page (or the command line) shows, with what to say about the data. Each function
returns bytes built in memory; nothing is left on disk.
"""

from __future__ import annotations

import html
import io
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import pandas as pd
import pycountry
import pyogrio

from ngomap import analysis as a
from ngomap import schema as s
from ngomap import views as v
from ngomap import vocab
from ngomap.areas.boundaries import LEVELS, Boundaries
from ngomap.areas.geometry import grid_decimals, light_areas
from ngomap.cells import inert_frame, text_not_formulas
from ngomap.i18n import sector_label, t
from ngomap.importer.threew import Dataset
from ngomap.levels import in_sentence
from ngomap.render import captions, printlayout
from ngomap.render.classes import Classes
from ngomap.render.printlayout import PrintLayout
from ngomap.render.webassets import NO_ASSETS, inline_leaflet
from ngomap.render.webinert import Verbatim
from ngomap.render.webmap import choropleth
from ngomap.schema import OTHER_SECTOR_PREFIX

if TYPE_CHECKING:  # matplotlib loads when a map is drawn (on click), not with the page
    from matplotlib.figure import Figure

MIME: Final[dict[str, str]] = {
    "png": "image/png",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
    "html": "text/html",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
FORMATS: Final = tuple(MIME)
TABLES: Final = ("records", "summary", "view")
RECORDS_LAYER: Final = "records"
AREAS_LAYER: Final = "areas"
SECTOR_PREFIX: Final = "n_"  # per-sector count columns of the GIS layers: n_WSH, n_PRO_CPN

# Records as ngomap's own template writes them: (field, HXL hashtag), in this order.
_RECORD_COLUMNS: Final = tuple((field_, tag) for tag, field_ in s.HXL_FIELDS.items())
# The sector x area table: (column, HXL hashtag, label key).
_SUMMARY_COLUMNS: Final = (
    (s.AREA_CODE, "#adm{n}+code", "col_area_code"),
    (a.AREA_NAME, "#adm{n}+name", "col_area_name"),
    (a.LEVEL, "#meta+level", "col_level"),
    (s.SECTOR, "#sector+code", "col_sector_code"),
    ("sector_label", "#sector+name", "col_sector"),
    (a.ACTORS, "#org+num", "col_actors"),
    (a.ORGANISATIONS, "#org+list", "col_organisations"),
)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What is on the page: records, boundaries, the view, and the data's provenance."""

    records: pd.DataFrame
    boundaries: Boundaries
    options: a.ViewOptions = field(default_factory=a.ViewOptions)
    lang: str = "fr"
    population: Mapping[str, float] | None = None
    data_source: str = ""
    data_updated: date | None = None
    today: date = field(default_factory=date.today)
    tiles: bool = False  # OpenStreetMap's tiles under the HTML map (the page's switch)

    def __post_init__(self) -> None:
        # The options name the areas in the boundaries' words (Cercle in Mali, LGA in Nigeria).
        object.__setattr__(self, "options", self.options.in_country_of(self.boundaries))

    @classmethod
    def of(
        cls,
        dataset: Dataset,
        boundaries: Boundaries,
        options: a.ViewOptions,
        lang: str,
        *,
        population: Mapping[str, float] | None = None,
        today: date | None = None,
        tiles: bool = False,
    ) -> Snapshot:
        """The snapshot of a page showing ``dataset``."""
        return cls(
            records=dataset.records,
            boundaries=boundaries,
            options=options,
            lang=lang,
            population=population,
            data_source=dataset.source(lang) or dataset.title(lang),
            data_updated=dataset.updated,
            today=today or date.today(),
            tiles=tiles,
        )


# --- the view -------------------------------------------------------------------------------


def view_of(
    snap: Snapshot, *, options: a.ViewOptions | None = None, classes: Classes | None = None
) -> v.View:
    """The snapshot's view (or the view of ``options``, for an atlas page), built as the page
    builds it."""
    return v.build_view(
        snap.records,
        snap.boundaries,
        options or snap.options,
        lang=snap.lang,
        population=snap.population,
        data_source=snap.data_source,
        data_updated=snap.data_updated,
        today=snap.today,
        classes=classes,
    )


def print_text(view: v.View) -> printlayout.PrintText:
    """Every word of a print page."""
    return printlayout.PrintText(
        title=view.title,
        subtitle=view.subtitle,
        legend_title=view.labels.legend_title,
        zero=view.labels.zero,
        no_data=view.labels.no_data,
        source_line=view.source_line,
        disclaimer=t("disclaimer", view.lang),
        lang=view.lang,
    )


# --- maps -----------------------------------------------------------------------------------


def map_figure(snap: Snapshot, view: v.View, layout: PrintLayout | None = None) -> Figure:
    """The print page of a view of the snapshot's data."""
    from ngomap.render import staticmap

    return staticmap.print_map(
        staticmap.projected_areas(snap.boundaries, view.options.level),
        view.table,
        view.classes,
        text=print_text(view),
        layout=layout,
    )


def map_image(snap: Snapshot, fmt: str, layout: PrintLayout | None = None) -> bytes:
    """The print page as PNG, PDF or SVG."""
    from ngomap.render import staticmap

    return staticmap.render(map_figure(snap, view_of(snap), layout), fmt)


def atlas_sectors(snap: Snapshot) -> list[str]:
    """The sectors with a page in the atlas: those of the filtered records, by label."""
    chosen = a.filter_records(snap.records, replace(snap.options.filters, sectors=None))
    codes = {str(c) for c in chosen[s.SECTOR].dropna()}
    if snap.options.filters.sectors is not None:
        codes &= set(snap.options.filters.sectors)
    return sorted(codes, key=lambda c: sector_label(c, snap.lang).casefold())


def atlas_pages(snap: Snapshot) -> list[v.View]:
    """All the sectors first, with their own classes; then one page per sector, every
    sector page with the same classes (made from all their values), so that two sectors'
    maps compare at a glance."""
    everything = replace(snap.options, filters=replace(snap.options.filters, sectors=None))
    pages = [view_of(snap, options=everything)]
    sectors = [
        view_of(
            snap, options=replace(everything, filters=replace(everything.filters, sectors=(c,)))
        )
        for c in atlas_sectors(snap)
    ]
    if sectors:
        values = pd.concat([page.table for page in sectors], ignore_index=True)
        shared = v.classes_of(values, everything)
        pages += [replace(page, classes=shared) for page in sectors]
    return pages


def atlas_pdf(snap: Snapshot, layout: PrintLayout | None = None) -> bytes:
    """One PDF: a first page with all the sectors, then one page per sector (one legend)."""
    pages = atlas_pages(snap)
    figures = [map_figure(snap, page, layout) for page in pages]
    from ngomap.render import staticmap

    return staticmap.render_pdf(figures, title=pages[0].headline)


def map_html(snap: Snapshot) -> bytes:
    """One HTML file of the map that opens with no network: Leaflet inlined, the basemap
    cut to the map's view; OpenStreetMap's tiles only when ``snap.tiles`` (the page's switch).

    The page's light geometry as TopoJSON, on the coarsest grid its simplification allows;
    legend, tooltips and the source line as on the page. Every text from data is escaped,
    and none is read as a template (``webinert``).
    """
    view = view_of(snap)
    text = print_text(view)
    level = view.options.level or snap.boundaries.level
    decimals = grid_decimals(level)
    # The sources stand in the note above the scale bar; the credit says the boundaries.
    credit = t("boundaries_credit", snap.lang, source=v.boundaries_credit(snap.boundaries))
    fmap = choropleth(
        light_areas(snap.boundaries, level, decimals=decimals),
        view.table,
        labels=replace(view.labels, boundaries_credit=credit),
        value_column=a.VALUE,
        details_column=a.DETAILS if a.DETAILS in view.table else None,
        classes=view.classes,
        assets=NO_ASSETS,
        tiles=snap.tiles,
        decimals=decimals,
        note=(text.source_line, text.disclaimer),
        codes=False,
        lang=snap.lang,
    )
    root = fmap.get_root()
    root.header.add_child(  # type: ignore[attr-defined]
        Verbatim(f'<meta charset="utf-8"><title>{html.escape(text.title)}</title>')
    )
    root.header.add_child(Verbatim(inline_leaflet()))  # type: ignore[attr-defined]
    box = (
        '<div style="position:fixed;top:8px;left:54px;z-index:1000;background:#fff;'
        "padding:6px 10px;font:14px/1.35 sans-serif;border-radius:4px;max-width:70%;"
        f'box-shadow:0 0 4px rgba(0,0,0,.3)"><b>{html.escape(text.title)}</b><br>'
        f"<small>{html.escape(text.subtitle)}</small></div>"
    )
    root.html.add_child(Verbatim(box))  # type: ignore[attr-defined]
    return str(root.render()).encode("utf-8")


# --- tables ---------------------------------------------------------------------------------


def _area_columns(records: pd.DataFrame, boundaries: Boundaries, lang: str) -> pd.DataFrame:
    """Admin codes and names of each record's matched area and its parents (P-codes).

    Nationwide records say so in words the importer knows; records with no area keep
    what their file said.
    """
    empty = pd.Series("", index=records.index)
    area = [_text(c) for c in records.get(s.AREA_CODE, empty)]
    national = [bool(v) for v in records.get(s.NATIONAL, pd.Series(False, index=records.index))]
    out: dict[str, list[str]] = {}
    for level, (code_col, name_col) in s.ADMIN_LEVELS.items():
        found = {c: boundaries.ancestor(c, level) or "" for c in set(area) if c}
        names = {c: boundaries.display_name(c, lang) for c in set(found.values()) if c}
        given = zip(records.get(code_col, empty), records.get(name_col, empty), strict=True)
        codes: list[str] = []
        words: list[str] = []
        for code, is_national, (own_code, own_name) in zip(area, national, given, strict=True):
            if code:
                codes.append(found[code])
                words.append(names.get(found[code], ""))
            elif is_national:
                codes.append("")
                words.append(t("nationwide_area", lang) if level == "adm1" else "")
            else:
                codes.append(_text(own_code))
                words.append(_text(own_name))
        out[code_col] = codes
        out[name_col] = words
    return pd.DataFrame(out, index=records.index)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value)


def _sector_text(code: str, raw: str, lang: str) -> str:
    if code.startswith(OTHER_SECTOR_PREFIX) or not code:
        return raw
    return vocab.sectors().label(code, lang)


def _header(field_: str, country: str, lang: str) -> str:
    """A records column's header; an admin column says the country's level word in French
    ("Cercle", "Code cercle"; "État" in Nigeria), OCHA's neutral "Admin2" in English."""
    level = field_.split("_")[0]
    if level not in LEVELS:
        return t(f"col_{field_}", lang)
    word = captions.area_word(level, lang, country=country)
    return t(f"col_{field_}", lang, area=word, area_lower=in_sentence(word))


def records_table(snap: Snapshot) -> pd.DataFrame:
    """The view's filtered records as ngomap's template: headers, then an HXL hashtag row.

    Codes become words (sector, organisation type, presence in the page's language) and
    areas become the boundaries' P-codes and names, so ngomap reads the file back to the
    same records.
    """
    filters = snap.options.filters
    if snap.options.view == "zones":
        filters = replace(filters, organisations=snap.options.zone_orgs)
    records = a.filter_records(snap.records, filters)
    lang = snap.lang
    areas = _area_columns(records, snap.boundaries, lang)
    words: dict[str, Callable[[str], str]] = {
        s.ORG_TYPE: lambda c: vocab.org_types().label(c, lang) if c else "",
        s.PRESENCE: lambda c: vocab.presence_modes().label(c, lang) if c else "",
    }
    columns: dict[str, list[str]] = {}
    for field_, tag in _RECORD_COLUMNS:
        header = _header(field_, snap.boundaries.country, lang)
        if field_ in areas:
            values = [_text(v) for v in areas[field_]]
        elif field_ == s.SECTOR:
            raw = records.get(s.SECTOR_RAW, pd.Series("", index=records.index))
            values = [
                _sector_text(_text(c), _text(r), lang)
                for c, r in zip(records[s.SECTOR], raw, strict=True)
            ]
        elif field_ in records:
            convert: Callable[[str], str] = words.get(field_, str)
            values = [convert(_text(v)) for v in records[field_]]
        else:
            continue
        if field_ not in (s.ORG_NAME, s.SECTOR) and not any(values):
            continue  # an empty column says nothing
        columns[header] = [tag, *values]
    return pd.DataFrame(columns)


def summary_table(snap: Snapshot) -> pd.DataFrame:
    """The sector x area table (one row per area and sector), headers then HXL hashtags."""
    table = a.summary(
        snap.records,
        snap.boundaries,
        filters=snap.options.filters,
        level=snap.options.level,
        lang=snap.lang,
    )
    table["sector_label"] = [sector_label(str(c), snap.lang) for c in table[s.SECTOR]]
    n = snap.options.level.removeprefix("adm")
    columns: dict[str, list[object]] = {}
    for column, tag, key in _SUMMARY_COLUMNS:
        columns[t(key, snap.lang)] = [tag.format(n=n), *table[column].tolist()]
    return pd.DataFrame(columns)


def gaps_table(table: pd.DataFrame, lang: str, level: str, *, country: str) -> pd.DataFrame:
    """The coverage gaps as the gaps view lists them, ranked: rank, area, P-code, actors,
    organisations, whether the data says anything there, population (when given).

    ``table``: the gaps view's table (``analysis.gaps``). The page shows this frame and
    exports it (CSV, XLSX), and so does ``ngomap export --view gaps``. Names are kept as
    written; the CSV and XLSX writers keep formula-looking text as text (``ngomap.cells``).
    """
    found = table.loc[table["gap"]].reset_index(drop=True)
    columns: dict[str, list[object]] = {
        t("col_rank", lang): list(range(1, len(found) + 1)),
        captions.area_word(level, lang, country=country): list(found[a.AREA_NAME]),
        t("col_area_code", lang): list(found[s.AREA_CODE]),
        t("col_actors", lang): [int(x) for x in found[a.ACTORS]],
        t("col_organisations", lang): [", ".join(x) for x in found[a.ORGANISATIONS]],
        t("has_data", lang): [t("yes", lang) if x else t("no", lang) for x in found[a.HAS_DATA]],
    }
    if a.POPULATION in found:
        columns[t("population", lang)] = [
            None if pd.isna(x) else round(float(x)) for x in found[a.POPULATION]
        ]
    return pd.DataFrame(columns)


def view_csv(snap: Snapshot) -> bytes:
    """The view's own table as CSV: for the gaps view, the ranked gaps."""
    return _csv(view_data(snap))


def view_data(snap: Snapshot) -> pd.DataFrame:
    """The table the view lists under its map (the ranked gaps for the gaps view)."""
    table = view_of(snap).table
    if snap.options.view == "gaps":
        return gaps_table(table, snap.lang, snap.options.level, country=snap.options.country)
    if v.VIEWS[snap.options.view].columns:
        return columns_table(table, snap.options, snap.lang)
    return summary_table(snap)


def columns_table(table: pd.DataFrame, options: a.ViewOptions, lang: str) -> pd.DataFrame:
    """A view's own columns per area (the changes view's arrivals and departures), with the
    area's name and P-code, the organisations and the details in words; areas where nothing
    is counted left out."""
    spec = v.VIEWS[options.view]
    shown = table.loc[table[a.ACTORS] > 0]
    if spec.ranked:  # the areas needing action first (the freshness view's calls to make)
        shown = shown.sort_values(a.VALUE, ascending=False, kind="stable")
    shown = shown.reset_index(drop=True)
    columns: dict[str, list[object]] = {
        captions.area_word(options.level, lang, country=options.country): list(shown[a.AREA_NAME]),
        t("col_area_code", lang): list(shown[s.AREA_CODE]),
    }
    for column, key in spec.columns:
        columns[t(key, lang)] = [_cell(x) for x in shown[column]]
    if a.DETAILS in shown:
        columns[t(spec.details_key, lang)] = [str(x) for x in shown[a.DETAILS]]
    return pd.DataFrame(columns)


def _cell(value: object) -> object:
    """A count as an int, a share as a float, words as they are."""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def _csv(table: pd.DataFrame) -> bytes:
    # UTF-8 with a byte order mark: Excel opens accents right on a double click.
    # Text that a spreadsheet would run as a formula is marked as text (ngomap.cells).
    return inert_frame(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def records_csv(snap: Snapshot) -> bytes:
    """The records as CSV, with the HXL row under the headers."""
    return _csv(records_table(snap))


def summary_csv(snap: Snapshot) -> bytes:
    """The sector x area table as CSV, with the HXL row under the headers."""
    return _csv(summary_table(snap))


def _sheet_name(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def workbook(snap: Snapshot) -> bytes:
    """An XLSX: the records (first sheet, what ngomap reads back), the sector x area table,
    and the matrix the page shows (sectors in rows, areas in columns)."""
    buffer = io.BytesIO()
    matrix = a.matrix(
        snap.records,
        snap.boundaries,
        filters=snap.options.filters,
        level=snap.options.level,
        lang=snap.lang,
        total_label=t("total", snap.lang),
    )
    if not matrix.empty:
        matrix.index = [
            sector_label(str(c), snap.lang) if c != t("total", snap.lang) else c
            for c in matrix.index
        ]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        records = records_table(snap)
        records.to_excel(
            writer, sheet_name=_sheet_name(t("export_records", snap.lang)), index=False
        )
        summary = summary_table(snap)
        summary.to_excel(
            writer, sheet_name=_sheet_name(t("export_summary", snap.lang)), index=False
        )
        matrix.to_excel(writer, sheet_name=_sheet_name(t("export_matrix", snap.lang)))
        if snap.options.view == "gaps":
            gaps = gaps_table(
                view_of(snap).table, snap.lang, snap.options.level, country=snap.options.country
            )
            gaps.to_excel(writer, sheet_name=_sheet_name(t("export_gaps", snap.lang)), index=False)
        elif v.VIEWS[snap.options.view].columns:  # the view's own table (e.g. freshness)
            own = columns_table(view_of(snap).table, snap.options, snap.lang)
            own_name = _sheet_name(t(v.VIEWS[snap.options.view].label_key, snap.lang))
            own.to_excel(writer, sheet_name=own_name, index=False)
        text_not_formulas(writer.sheets.values())  # user text stays text, never a formula
        for sheet in writer.sheets.values():
            sheet.freeze_panes = {
                _sheet_name(t("export_matrix", snap.lang)): "B2",
                _sheet_name(t("export_gaps", snap.lang)): "A2",
                _sheet_name(t(v.VIEWS[snap.options.view].label_key, snap.lang)): "A2",
            }.get(sheet.title, "A3")
            for column in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(50, width + 2)
    return buffer.getvalue()


# --- GIS layers -----------------------------------------------------------------------------


def _sector_column(code: str) -> str:
    return SECTOR_PREFIX + re.sub(r"[^0-9A-Za-z]+", "_", code).strip("_")


def areas_layer(snap: Snapshot) -> gpd.GeoDataFrame:
    """The areas of the view's level (EPSG:4326) with its value and actors per sector."""
    table = view_of(snap).table.set_index(s.AREA_CODE)
    areas = snap.boundaries.level_areas(snap.options.level)
    codes = [str(c) for c in areas.index]
    data: dict[str, list[object]] = {
        "pcode": list[object](codes),
        "name": [snap.boundaries.display_name(c, snap.lang) for c in codes],
        "level": [snap.options.level] * len(codes),
        "value": [float(table[a.VALUE].get(c, float("nan"))) for c in codes],
        "actors": [int(table[a.ACTORS].get(c, 0)) for c in codes],
        "organisations": ["; ".join(table[a.ORGANISATIONS].get(c, [])) for c in codes],
    }
    summary = a.summary(
        snap.records, snap.boundaries, filters=snap.options.filters, level=snap.options.level
    )
    summary = summary.loc[summary[a.LEVEL] != a.NATIONAL_LEVEL]
    counts = summary.pivot_table(
        index=s.AREA_CODE, columns=s.SECTOR, values=a.ACTORS, aggfunc="sum", fill_value=0
    )
    for code in sorted(counts.columns, key=str):
        column = counts[code]
        data[_sector_column(str(code))] = [int(column.get(c, 0)) for c in codes]
    return gpd.GeoDataFrame(data, geometry=list(areas.geometry), crs=areas.crs).to_crs(4326)


def records_layer(snap: Snapshot) -> gpd.GeoDataFrame:
    """One point per record: its coordinates when given, else a point inside its area.

    ``located`` says which ("coordinates", "area"); nationwide records have no geometry.
    """
    table = records_table(snap)
    headers = list(table.columns)
    body = table.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index(
        [_field_name(h, tag) for h, tag in zip(headers, table.iloc[0], strict=True)]
    )
    filters = snap.options.filters
    if snap.options.view == "zones":
        filters = replace(filters, organisations=snap.options.zone_orgs)
    records = a.filter_records(snap.records, filters).reset_index(drop=True)
    areas = snap.boundaries.areas
    points = areas.geometry.representative_point()
    geometry: list[object] = []
    located: list[str] = []
    for _i, row in records.iterrows():
        lat, lon = row.get(s.LAT), row.get(s.LON)
        code = row.get(s.AREA_CODE)
        try:
            x, y = float(str(lon)), float(str(lat))
        except ValueError:
            x = y = float("nan")
        if x == x and y == y:  # not NaN
            geometry.append(gpd.points_from_xy([x], [y])[0])
            located.append("coordinates")
        elif isinstance(code, str) and code in points.index:
            geometry.append(points[code])
            located.append("area")
        else:
            geometry.append(None)
            located.append("")
    body["pcode"] = [_text(c) for c in records[s.AREA_CODE]]
    body["located"] = located
    return gpd.GeoDataFrame(body, geometry=geometry, crs=4326)


def _field_name(header: str, tag: object) -> str:
    """A GIS-friendly column name: the record field the HXL tag stands for."""
    return s.HXL_FIELDS.get(str(tag), re.sub(r"\W+", "_", header).strip("_").lower())


def geojson(snap: Snapshot) -> bytes:
    """The areas layer as GeoJSON (RFC 7946: EPSG:4326)."""
    text: str = areas_layer(snap).to_json(drop_id=True, ensure_ascii=False)
    return text.encode("utf-8")


def geopackage(snap: Snapshot) -> bytes:
    """A GeoPackage with the ``areas`` (polygons) and ``records`` (points) layers."""
    with tempfile.TemporaryDirectory(prefix="ngomap-") as folder:
        path = Path(folder) / "export.gpkg"
        pyogrio.write_dataframe(
            areas_layer(snap), path, layer=AREAS_LAYER, driver="GPKG", promote_to_multi=True
        )
        pyogrio.write_dataframe(
            records_layer(snap), path, layer=RECORDS_LAYER, driver="GPKG", append=False
        )
        return path.read_bytes()


# --- one entry point ------------------------------------------------------------------------


def short_name(snap: Snapshot) -> str:
    """An OCHA-style short name: country, 3w, view, level, and the sector when only one."""
    country = "ngomap"
    if snap.boundaries.country:  # the P-codes' country, as the level words use it
        found = pycountry.countries.get(alpha_2=snap.boundaries.country)
        if found is not None:
            country = found.alpha_3.lower()
    parts = [country, "3w", snap.options.view, snap.options.level]
    sectors = snap.options.filters.sectors
    if sectors is not None and len(sectors) == 1:
        parts.append(sectors[0])
    return re.sub(r"[^0-9A-Za-z_-]+", "-", "_".join(parts)).lower()


def file_name(
    snap: Snapshot,
    fmt: str,
    *,
    layout: PrintLayout | None = None,
    atlas: bool = False,
    table: str = "records",
) -> str:
    """``<shortname>_A4_<YYYYMMDD>.pdf`` for print maps, as OCHA names them."""
    stamp = snap.today.strftime("%Y%m%d")
    name = short_name(snap)
    if fmt in printlayout.FORMATS:
        paper = (layout or PrintLayout()).paper
        middle = f"atlas_{paper}" if atlas else paper
        return f"{name}_{middle}_{stamp}.{fmt}"
    if fmt in ("csv",) and table == "summary":
        return f"{name}_summary_{stamp}.{fmt}"
    if fmt in ("csv",) and table == "view":
        return f"{name}_{snap.options.view}_{stamp}.{fmt}"
    return f"{name}_{stamp}.{fmt}"


def export(
    snap: Snapshot,
    fmt: str,
    *,
    layout: PrintLayout | None = None,
    atlas: bool = False,
    table: str = "records",
) -> bytes:
    """The snapshot in ``fmt`` (one of FORMATS); ``atlas`` for the PDF atlas, ``table``
    ("records" or "summary") for CSV."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in MIME:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if atlas and fmt != "pdf":
        raise ValueError("the atlas is a PDF")
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; choose one of {TABLES}")
    if atlas:
        return atlas_pdf(snap, layout)
    if fmt in printlayout.FORMATS:
        return map_image(snap, fmt, layout)
    builders: dict[str, Callable[[Snapshot], bytes]] = {
        "html": map_html,
        "csv": {"summary": summary_csv, "view": view_csv}.get(table, records_csv),
        "xlsx": workbook,
        "geojson": geojson,
        "gpkg": geopackage,
    }
    return builders[fmt](snap)
