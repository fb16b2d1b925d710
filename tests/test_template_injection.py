"""User text never runs as a template: names like ``{{ 7*191 }}`` come back exactly as written.

Every path where text from an uploaded file meets a template engine or a rendering step:
the page's map (AppTest: the st_folium component's script), its legend and tooltip, the
click panel, the charts, the offline HTML export (library and command line), the print map
and the import report. Organisation names, sectors, area names, a column header and the
files' names all carry the payloads of ``payloads.py``; a payload that would create a
marker file on the server is among them.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from helpers import map_properties
from payloads import assert_inert, payloads
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import load_boundaries
from ngomap.cli import cli
from ngomap.export import formats as ex
from ngomap.importer.report import report_csv, report_xlsx
from ngomap.importer.threew import Dataset, import_dataset
from ngomap.render import charts
from ngomap.ui.panels import CHARTS_OPEN

APP = str(Path(__file__).resolve().parents[1] / "app.py")
BOUNDARY_FILE = "limites {{ 7*191 }}.geojson"
DATA_FILE = "3w {% for x in range(3) %}x{% endfor %}.csv"
HEADER = "Notes {{ 7*191 }}"


def boundary_bytes(names: list[str]) -> bytes:
    """COD-AB-like regions, one per name, side by side."""
    frame = gpd.GeoDataFrame(
        {
            "ADM1_PCODE": [f"XX{i + 1:02d}" for i in range(len(names))],
            "ADM1_FR": names,
            "ADM0_PCODE": ["XX"] * len(names),
        },
        geometry=[shapely.box(i, 10, i + 1, 11) for i in range(len(names))],
        crs=4326,
    )
    return str(frame.to_json()).encode("utf-8")


def data_bytes(names: list[str]) -> bytes:
    """A 3W with an HXL row: each payload as an organisation and a sector, in its own area."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organisation", "Secteur", "Code région", HEADER])
    writer.writerow(["#org+name", "#sector", "#adm1+code", ""])
    for i, name in enumerate(names):
        writer.writerow([name, "Santé", f"XX{i + 1:02d}", name])
        writer.writerow([name, name, f"XX{i + 1:02d}", ""])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "marker"


@pytest.fixture
def names(marker: Path) -> list[str]:
    return payloads(marker)


@pytest.fixture
def boundaries(tmp_path: Path, names: list[str]) -> Boundaries:
    path = tmp_path / BOUNDARY_FILE
    path.write_bytes(boundary_bytes(names))
    return load_boundaries(path)


@pytest.fixture
def dataset(boundaries: Boundaries, names: list[str]) -> Dataset:
    found = import_dataset(data_bytes(names), DATA_FILE, boundaries=boundaries)
    assert set(found.records[s.ORG_NAME]) == set(names)
    return found


def zones_snapshot(dataset: Dataset, boundaries: Boundaries) -> ex.Snapshot:
    keys = tuple(dict.fromkeys(dataset.records[s.ORG_KEY]))
    options = a.ViewOptions(view="zones", zone_orgs=keys)
    return ex.Snapshot.of(dataset, boundaries, options, "fr")


def attribution(script: str) -> str:
    """The credit line the map's legend element adds to Leaflet's attribution."""
    found = re.findall(r"addAttribution\((\".*?\")\);", script)  # the basemap's, then ours
    assert found
    return " | ".join(html.unescape(json.loads(credit)) for credit in found)


def legend_title(script: str) -> str:
    found = re.search(r"title\.textContent = (\".*?\");", script)
    assert found is not None
    return str(json.loads(found.group(1)))


def test_boundaries_and_data_keep_the_payloads_as_names(
    boundaries: Boundaries, dataset: Dataset, names: list[str], marker: Path
) -> None:
    assert sorted(boundaries.names().values()) == sorted(names)
    assert HEADER in dataset.report.unmapped
    assert not marker.exists()


def test_html_export_shows_every_name_as_written(
    boundaries: Boundaries, dataset: Dataset, names: list[str], marker: Path
) -> None:
    page = ex.export(zones_snapshot(dataset, boundaries), "html").decode("utf-8")
    assert_inert(page, marker)
    properties = map_properties(page)
    assert properties is not None
    assert sorted(p["name"] for p in properties) == sorted(names)  # areas
    for name in names:  # the tooltip's organisations and the zones' details
        assert any(p["names"] == name for p in properties), name
        assert any(str(p["details"]).startswith(f"{name}:") for p in properties), name
    assert BOUNDARY_FILE in attribution(page)  # the legend's credit line
    title = re.search(r"<b>(.*?)</b>", page, re.S)
    assert title is not None
    for name in names:
        assert name in html.unescape(title.group(1))


def test_command_line_html_export(tmp_path: Path, names: list[str], marker: Path) -> None:
    data = tmp_path / DATA_FILE
    data.write_bytes(data_bytes(names))
    borders = tmp_path / BOUNDARY_FILE
    borders.write_bytes(boundary_bytes(names))
    out = tmp_path / "carte.html"
    result = CliRunner().invoke(
        cli, ["export", str(data), "--boundaries", str(borders), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert_inert(page + result.output, marker)
    properties = map_properties(page)
    assert properties is not None
    assert sorted(p["name"] for p in properties) == sorted(names)
    assert sorted(p["names"] for p in properties) == sorted(names)


def test_print_map_writes_the_names_as_text(
    boundaries: Boundaries, dataset: Dataset, names: list[str], marker: Path
) -> None:
    pdf = PdfReader(io.BytesIO(ex.export(zones_snapshot(dataset, boundaries), "pdf")))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert_inert(text, marker)
    assert "ONG {{ 7*191 }}" in text  # the title lists the chosen organisations
    assert "{% for x in range(3) %}x{% endfor %}" in text


def test_import_report_keeps_headers_values_and_names(
    dataset: Dataset, names: list[str], marker: Path
) -> None:
    text = report_csv(dataset.report).decode("utf-8-sig")
    assert_inert(text, marker)
    values = {row[4] for row in csv.reader(io.StringIO(text))}
    assert {*names} <= values  # each unknown sector, as written
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(dataset.report)))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert_inert(" ".join(cells), marker)
    assert {*names} <= cells


def test_charts_carry_names_as_data(marker: Path) -> None:
    """The spec holds no names: they travel as the chart's table, never as its code."""
    spec = charts.bar_spec(
        category="Région", value="Nombre", title="Par région", value_title="Nombre"
    )
    text = json.dumps(spec, ensure_ascii=False)
    assert "data" not in spec
    assert "datasets" not in spec
    assert_inert(text, marker)


def test_chart_fields_with_dots_and_brackets_are_escaped() -> None:
    """Vega-Lite reads "a.b" and "a[0]" as nested fields: a column named so is escaped."""
    spec = charts.bar_spec(category="Rég. [1]", value="N.", title="t", value_title="N.")
    assert spec["encoding"]["y"]["field"] == "Rég\\. \\[1\\]"
    assert spec["encoding"]["x"]["field"] == "N\\."


def _click_panel(data_path: str, boundary_path: str, code: str) -> None:
    from pathlib import Path

    from ngomap import analysis as a
    from ngomap.areas.files import load_boundaries
    from ngomap.importer.threew import import_dataset
    from ngomap.ui import views

    boundaries = load_boundaries(boundary_path)
    data = Path(data_path)
    dataset = import_dataset(data.read_bytes(), data.name, boundaries=boundaries)
    views.area_panel(dataset.records, boundaries, code, a.ViewOptions(), "fr")


def test_click_panel_lists_actors_as_written(
    tmp_path: Path, names: list[str], marker: Path
) -> None:
    data = tmp_path / DATA_FILE
    data.write_bytes(data_bytes(names))
    borders = tmp_path / BOUNDARY_FILE
    borders.write_bytes(boundary_bytes(names))
    at = AppTest.from_function(
        _click_panel, args=(str(data), str(borders), "XX01"), default_timeout=60
    ).run()
    assert not at.exception, at.exception
    heading = at.markdown[0].value.replace("\\", "")  # markdown escapes, as shown
    assert names[0] in heading
    table = at.table[0].value  # the first sector's actors (one folded list per sector)
    assert {str(v).replace("\\", "") for v in table.iloc[:, 0]} == {names[0]}  # as shown
    assert_inert(heading + table.to_string(), marker)


def test_page_map_legend_tooltip_and_charts(
    tmp_path: Path, names: list[str], marker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    upload = (BOUNDARY_FILE, boundary_bytes(names), "application/geo+json")
    at.file_uploader(key="boundaries_upload").set_value([upload]).run()
    assert not at.exception, at.exception
    at.session_state["upload"] = {"name": DATA_FILE, "data": data_bytes(names)}
    at.session_state[CHARTS_OPEN] = True  # the charts drawn too (folded at first)
    at.run()
    assert not at.exception, at.exception
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    script = args["script"]
    assert_inert(component.proto.json_args, marker)
    properties = map_properties(script)
    assert properties is not None
    assert sorted(p["name"] for p in properties) == sorted(names)
    assert sorted(p["names"] for p in properties) == sorted(names)
    assert "limites" in attribution(script)  # the kept upload's name, made safe for a folder
    assert legend_title(script)  # the legend, drawn with the same data
    assert "bindTooltip" in script
    shown = [str(e.value) for kind in (at.markdown, at.caption, at.subheader) for e in kind]
    shown += [e.value.to_string() for e in at.dataframe]
    charts_ = at.get("vega_lite_chart")
    assert charts_, "the source page's charts are drawn"
    shown += [str(c.proto) for c in charts_]
    assert_inert(" ".join(shown), marker)
