"""Exports: bytes in each format, read back the way a colleague or QGIS would."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import embedded_regions
from ngomap.export import formats as e
from ngomap.importer.threew import Dataset, load_sample, read_3w
from ngomap.render.printlayout import PrintLayout
from ngomap.render.webassets import LEAFLET_DIR

TODAY = date(2026, 12, 3)
LEAFLET_JS = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
KEY = [s.ORG_KEY, s.SECTOR, s.AREA_CODE, s.NATIONAL, s.ORG_TYPE, s.PRESENCE, s.FUNDER]


@cache
def _sample() -> Dataset:
    return load_sample(embedded_regions())


def _snap(lang: str = "fr", **options: Any) -> e.Snapshot:
    return e.Snapshot.of(
        _sample(),
        embedded_regions(),
        a.ViewOptions(**options),
        lang,
        today=TODAY,
    )


def _rows(records: pd.DataFrame) -> pd.Series:
    return records[KEY].astype(str).value_counts().sort_index()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_records_round_trip_through_ngomaps_own_importer(lang: str, fmt: str) -> None:
    snap = _snap(lang)
    data = e.export(snap, fmt)
    back, report = read_3w(data, name=f"export.{fmt}", boundaries=snap.boundaries)
    assert report.rows_rejected == 0
    assert report.rows_duplicate == 0
    assert len(back) == len(snap.records)
    pd.testing.assert_series_equal(_rows(back), _rows(snap.records))


def test_csv_has_the_templates_headers_and_an_hxl_row() -> None:
    text = e.export(_snap("fr"), "csv").decode("utf-8-sig")
    header, tags, first = text.splitlines()[:3]
    template = (Path(__file__).parents[2] / "data/sample/mali_ong_exemple.csv").read_text(
        encoding="utf-8"
    )
    assert header.split(",")[:7] == template.splitlines()[0].split(",")[:7]
    assert tags.startswith("#org+name,#org+acronym,#org+type,#org+presence")
    assert "#sector" in tags.split(",")
    assert "Présence directe" in text  # codes become the page's words
    assert first.count(",") == header.count(",")


def test_summary_csv_is_the_sector_by_area_table_with_hxl() -> None:
    text = e.export(_snap("en"), "csv", table="summary").decode("utf-8-sig")
    lines = text.splitlines()
    assert (
        lines[1] == "#adm1+code,#adm1+name,#meta+level,#sector+code,#sector+name,#org+num,#org+list"
    )
    table = pd.read_csv(io.StringIO(text), skiprows=[1])
    expected = a.summary(_sample().records, embedded_regions(), lang="en")
    assert len(table) == len(expected)
    assert table["Organisations"].sum() == expected[a.ACTORS].sum()


def test_filters_reach_the_exported_records() -> None:
    snap = _snap("fr", filters=a.Filters(sectors=("WSH",)))
    back, _ = read_3w(e.export(snap, "csv"), name="wsh.csv", boundaries=snap.boundaries)
    assert set(back[s.SECTOR]) == {"WSH"}
    assert len(back) == int((snap.records[s.SECTOR] == "WSH").sum())


def test_xlsx_holds_records_summary_and_matrix() -> None:
    book = load_workbook(io.BytesIO(e.export(_snap("fr"), "xlsx")), read_only=True)
    assert book.sheetnames == ["Enregistrements", "Secteurs par zone", "Secteurs × zones"]
    first = list(book["Enregistrements"].iter_rows(min_row=1, max_row=2, values_only=True))
    assert first[0][0] == "Nom de l'organisation"
    assert first[1][0] == "#org+name"


def test_geopackage_has_areas_and_records_layers_that_qgis_opens(tmp_path: Path) -> None:
    snap = _snap("fr")
    path = tmp_path / e.file_name(snap, "gpkg")
    path.write_bytes(e.export(snap, "gpkg"))
    assert path.suffix == ".gpkg"
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert dict(pyogrio.list_layers(path)) == {"areas": "MultiPolygon", "records": "Point"}
    for layer in ("areas", "records"):
        info = pyogrio.read_info(path, layer=layer)
        assert info["crs"] == "EPSG:4326"
    areas = pyogrio.read_dataframe(path, layer="areas")
    records = pyogrio.read_dataframe(path, layer="records")
    assert areas.crs.to_epsg() == 4326
    assert len(areas) == len(snap.boundaries.codes())
    assert len(records) == len(snap.records)
    table = a.density(snap.records, snap.boundaries, filters=snap.options.filters)
    assert dict(zip(areas["pcode"], areas["actors"], strict=True)) == dict(
        zip(table[s.AREA_CODE], table[a.ACTORS], strict=True)
    )
    # Actors per sector as columns: each equals the view with that sector alone.
    wsh = a.density(snap.records, snap.boundaries, filters=a.Filters(sectors=("WSH",)))
    assert dict(zip(areas["pcode"], areas["n_WSH"], strict=True)) == dict(
        zip(wsh[s.AREA_CODE], wsh[a.ACTORS], strict=True)
    )
    national = records.loc[records["pcode"] == ""]
    assert national.geometry.isna().all()
    assert set(records["located"]) <= {"area", "coordinates", ""}


def test_geojson_is_rfc7946_areas_with_the_views_values() -> None:
    collection = json.loads(e.export(_snap("en"), "geojson"))
    assert collection["type"] == "FeatureCollection"
    first = collection["features"][0]
    assert {"pcode", "name", "value", "actors", "organisations"} <= set(first["properties"])
    lon, lat = (
        first["geometry"]["coordinates"][0][0][0][:2]
        if first["geometry"]["type"] == "MultiPolygon"
        else first["geometry"]["coordinates"][0][0][:2]
    )
    assert -13 < lon < 5
    assert 10 < lat < 26


def test_html_opens_offline_with_legend_tooltips_and_source_line() -> None:
    snap = _snap("fr")
    page = e.export(snap, "html").decode("utf-8")
    sources = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=", page)
    assert not sources, "everything is inlined: nothing is loaded from elsewhere"
    assert LEAFLET_JS[:2000] in page, "Leaflet should be there, inlined as text"
    assert len(page.encode("utf-8")) < len(LEAFLET_JS) + 80_000  # no base64, no copy
    assert "tile.openstreetmap" not in page
    assert "L.map(" in page or "L.map (" in page
    assert "bindTooltip" in page  # the safe tooltip
    assert "ngomap-legend" in page
    assert "Sources : " in page
    assert "carte : ngomap, 2026-12-03" in page
    assert "n\\u0027impliquent" in page  # the disclaimer, as JSON text in the note


def test_html_escapes_organisation_names() -> None:
    records = _sample().records.copy()
    records.loc[records.index[0], s.ORG_NAME] = "<script>alert(1)</script>"
    snap = e.Snapshot(records=records, boundaries=embedded_regions(), data_source="<b>x</b>")
    page = e.export(snap, "html").decode("utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "<b>x</b>" not in page


def test_print_formats_and_their_file_names() -> None:
    snap = _snap("fr")
    layout = PrintLayout(dpi=50)
    png = e.export(snap, "png", layout=layout)
    assert Image.open(io.BytesIO(png)).size == layout.size_px
    assert e.file_name(snap, "pdf") == "mli_3w_density_adm1_A4_20261203.pdf"
    assert (
        e.file_name(snap, "png", layout=PrintLayout(paper="A3"))
        == "mli_3w_density_adm1_A3_20261203.png"
    )
    one = _snap("fr", filters=a.Filters(sectors=("WSH",)))
    assert e.file_name(one, "pdf", atlas=True) == "mli_3w_density_adm1_wsh_atlas_A4_20261203.pdf"
    pdf = PdfReader(io.BytesIO(e.export(snap, "pdf")))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Organisations par région — tous les secteurs" in text
    assert "carte : ngomap, 2026-12-03" in text
    assert "limites : Natural Earth" in text
    assert "n'impliquent ni reconnaissance ni acceptation officielles" in " ".join(text.split())
    assert "Tombouctou" in text  # area labels are text too
    assert e.export(snap, "svg").lstrip().startswith(b"<?xml")


def test_atlas_has_a_page_for_all_sectors_then_one_per_sector() -> None:
    snap = _snap("en", filters=a.Filters(sectors=("WSH", "NUT")))
    assert e.atlas_sectors(snap) == ["NUT", "WSH"]  # by label: Nutrition, Water...
    pdf = PdfReader(io.BytesIO(e.export(snap, "pdf", atlas=True)))
    assert len(pdf.pages) == 3
    texts = [" ".join(page.extract_text().split()) for page in pdf.pages]
    assert "Organisations per region — all sectors" in texts[0]
    assert "Organisations per region — Nutrition" in texts[1]
    assert "Organisations per region — Water, Sanitation and Hygiene" in texts[2]
    for text in texts:
        assert "map: ngomap, 2026-12-03" in text
        assert "do not imply official endorsement or acceptance" in text


def test_atlas_sector_pages_share_one_legend() -> None:
    pages = e.atlas_pages(_snap("en"))
    assert len(pages) >= 3  # all sectors, then one page per sector
    sector_pages = pages[1:]
    legends = {tuple(page.classes.labels()) for page in sector_pages}
    assert len(legends) == 1  # every sector page reads against the same classes
    top = max(float(page.table[a.VALUE].max()) for page in sector_pages)
    assert sector_pages[0].classes.bounds[-1][1] >= top  # the busiest sector fits the legend
    counts = {page.options.filters.sectors: float(page.table[a.VALUE].max()) for page in pages[1:]}
    assert len(set(counts.values())) > 1  # sectors differ, so per-page classes would differ
    assert pages[0].classes.bounds[-1][1] >= float(pages[0].table[a.VALUE].max())


def test_unknown_format_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="png, pdf, svg, html, csv, xlsx, geojson, gpkg"):
        e.export(_snap(), "docx")
    with pytest.raises(ValueError, match="atlas"):
        e.export(_snap(), "png", atlas=True)
