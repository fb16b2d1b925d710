"""`ngomap export`: every format from the command line, the format taken from --out."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from ngomap import schema as s
from ngomap.areas.boundaries import embedded_regions
from ngomap.cli import cli
from ngomap.importer.threew import load_sample, read_3w

runner = CliRunner()


def _export(tmp_path: Path, name: str, *options: str) -> Path:
    out = tmp_path / name
    result = runner.invoke(cli, ["export", *options, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return out


def test_png_with_paper_orientation_and_dpi(tmp_path: Path) -> None:
    out = _export(tmp_path, "map.png", "--paper", "A4", "--orientation", "portrait", "--dpi", "60")
    with Image.open(out) as image:
        assert image.size == (496, 701)


def test_pdf_svg_and_atlas(tmp_path: Path) -> None:
    pdf = PdfReader(_export(tmp_path, "map.pdf", "--sector", "WSH", "--lang", "en"))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Organisations per region — Water, Sanitation and Hygiene" in text
    assert "map: ngomap," in text
    svg = _export(tmp_path, "map.svg", "--view", "gaps")
    assert "<svg" in svg.read_text(encoding="utf-8")
    atlas = PdfReader(
        _export(tmp_path, "atlas.pdf", "--atlas", "--sector", "EDU", "--sector", "HEA")
    )
    assert len(atlas.pages) == 3


def test_html_zones_of_one_organisation(tmp_path: Path) -> None:
    page = _export(tmp_path, "zones.html", "--view", "zones", "--org", "AFLEL").read_text(
        encoding="utf-8"
    )
    assert "Association Fleuve Lent" in page
    assert 'src="http' not in page


def test_html_tiles_only_when_asked(tmp_path: Path) -> None:
    offline = _export(tmp_path, "offline.html").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" not in offline
    assert "ngomapTowns" in offline  # the offline basemap, with its towns
    tiled = _export(tmp_path, "tiled.html", "--osm-tiles").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" in tiled


@pytest.mark.parametrize("name", ["records.csv", "records.xlsx"])
def test_tables_read_back_to_the_same_records(tmp_path: Path, name: str) -> None:
    out = _export(tmp_path, name, "--sector", "EDU")
    back, report = read_3w(out)
    sample = load_sample().records
    assert report.rows_rejected == 0
    assert len(back) == int((sample[s.SECTOR] == "EDU").sum())


def test_summary_csv_geojson_and_geopackage(tmp_path: Path) -> None:
    summary = _export(tmp_path, "summary.csv", "--table", "summary").read_text(encoding="utf-8-sig")
    assert summary.splitlines()[1].startswith("#adm1+code,#adm1+name")
    collection = json.loads(_export(tmp_path, "areas.geojson", "--view", "overlap").read_text())
    assert len(collection["features"]) == len(embedded_regions().codes())
    gpkg = _export(tmp_path, "layers.gpkg")
    assert dict(pyogrio.list_layers(gpkg)) == {"areas": "MultiPolygon", "records": "Point"}


def test_usage_errors_exit_2_and_name_the_known_extensions(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "map.docx")])
    assert result.exit_code == 2
    for ext in (".png", ".pdf", ".svg", ".html", ".csv", ".xlsx", ".geojson", ".gpkg"):
        assert ext in result.output
    assert runner.invoke(cli, ["export", "--view", "zones", "--out", "z.png"]).exit_code == 2
    assert runner.invoke(cli, ["export", "--org", "Nobody", "--out", "z.png"]).exit_code == 2
    assert runner.invoke(cli, ["export", "--atlas", "--out", "z.png"]).exit_code == 2
    assert not list(tmp_path.iterdir())


def test_source_and_date_from_the_user_or_the_data_never_the_files_mtime(tmp_path: Path) -> None:
    data = tmp_path / "3w.csv"
    data.write_text(
        "Organisation,Secteur,Région,Date de fin\nEduco,EDU,Mopti,2023-06-30\n"
        "Plan,HEA,Gao,15/03/2023\n",
        encoding="utf-8",
    )
    said = PdfReader(
        _export(
            tmp_path,
            "said.pdf",
            str(data),
            "--lang",
            "en",
            "--source",
            "Ambassade de France au Mali",
            "--date",
            "2024-02",
        )
    )
    text = " ".join(said.pages[0].extract_text().split())
    assert "Ambassade de France au Mali" in text
    assert "Data as of 2024-02-01" in text
    own = PdfReader(_export(tmp_path, "own.pdf", str(data), "--lang", "en"))
    text = " ".join(own.pages[0].extract_text().split())
    assert "Data as of 2023-06-30" in text  # the last date of the file's own date column
    assert "3w.csv" in text
    undated = tmp_path / "undated.csv"
    undated.write_text("Organisation,Secteur,Région\nEduco,EDU,Mopti\n", encoding="utf-8")
    text = " ".join(
        PdfReader(_export(tmp_path, "u.pdf", str(undated), "--lang", "en"))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "Date of the data unknown" in text  # not the file's modification day
    assert "Data as of" not in text
