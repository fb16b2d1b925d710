"""The page at commune level with the real COD-AB communes (AppTest, end to end).

The 3W is built here: actors in the three Benkadi communes (Kangaba, Sikasso, Dioila) and
the two Baye (Kéniéba, Bankass), the names that once gave the matrix duplicate columns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import map_properties, open_tables
from streamlit.testing.v1 import AppTest

from ngomap.ui.exports import EXPORT_OPEN
from ngomap.ui.panels import CHARTS_OPEN

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ADM3 = "boundaries/mali-codab-2021/mli_admbnda_adm3_1m_gov_20211220.geojson"

COMMUNES_3W = (
    "Organisation;Secteur;admin3Pcode;Commune\n"
    "Médecins du Monde;Santé;ML020302;Benkadi\n"
    "Educo;Éducation;ML030501;Benkadi\n"
    "Plan;EHA;ML020202;Benkadi\n"
    "Educo;Santé;ML020202;Benkadi\n"
    "Plan;EHA;ML010401;Baye\n"
    "Oxfam;EHA;ML050202;Baye\n"
).encode()


def upload_communes(at: AppTest, shared_data: Path) -> AppTest:
    upload = (Path(ADM3).name, (shared_data / ADM3).read_bytes(), "application/geo+json")
    at.file_uploader(key="boundaries_upload").set_value([upload]).run()
    assert not at.exception, at.exception
    return at


def at_level(at: AppTest, level: str) -> AppTest:
    radio = next(r for r in at.radio if r.key and r.key.startswith("boundaries_level_"))
    radio.set_value(level).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def communes_page(shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The page with COD-AB adm3 uploaded, a 3W of communes loaded, at commune level."""
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, at.exception
    upload_communes(at, shared_data)
    at.session_state["upload"] = {"name": "communes.csv", "data": COMMUNES_3W}
    at.run()
    assert not at.exception, at.exception
    return at_level(at, "adm3")


def test_commune_level_shows_matrix_charts_and_exports(communes_page: AppTest) -> None:
    at = communes_page
    assert not any("Total" in d.value.columns for d in at.dataframe)  # folded under the map
    assert "Secteurs × communes (organisations distinctes)" in [e.label for e in at.expander]
    open_tables(at)  # the planner opens the table, the matrix and the exports
    at.session_state[EXPORT_OPEN] = True
    at.run()
    assert not at.exception, at.exception
    matrix = next(d.value for d in at.dataframe if "Total" in d.value.columns)
    assert matrix.columns.is_unique
    assert {"Benkadi (Kangaba)", "Benkadi (Sikasso)", "Benkadi (Dioila)"} <= set(matrix.columns)
    assert {"Baye (Kéniéba)", "Baye (Bankass)"} <= set(matrix.columns)
    assert matrix.loc["Total", "Benkadi (Dioila)"] == 2  # Plan and Educo
    table = next(d.value for d in at.dataframe if "Organisations" in d.value.columns)
    names = set(table.iloc[:, 0])
    assert "Benkadi (Sikasso)" in names
    assert "Benkadi" not in names
    assert "Tomora" in names  # a unique name stays bare
    assert at.get("vega_lite_chart") == []  # folded: nothing for the browser to compile
    (folded,) = [e for e in at.expander if e.label.startswith("Graphiques")]
    assert folded.label == "Graphiques : organisations par secteur et par région"
    at.session_state[CHARTS_OPEN] = True  # the planner opens it
    at.run()
    assert not at.exception, at.exception
    charts = [
        e
        for column in at.columns
        for e in column.children.values()
        if getattr(e, "type", "") == "vega_lite_chart"
    ]
    assert len(charts) == 2  # actors by sector, by region
    assert "Exporter" in [e.label for e in at.expander]
    labels = {str(getattr(b, "label", "")) for b in at.get("download_button")}
    assert {"PNG", "PDF", "XLSX", "GeoJSON"} <= labels


def test_headings_and_tooltips_name_the_commune_level(communes_page: AppTest) -> None:
    at = communes_page
    headings = [h.value for h in at.subheader]
    assert headings[0].startswith("Organisations par commune — ")
    assert any(e.label.startswith("Communes (") for e in at.expander)  # the table, folded
    open_tables(at).run()
    assert "Secteurs × communes (organisations distinctes)" in [e.label for e in at.expander]
    table = next(d.value for d in at.dataframe if "Noms" in d.value.columns)
    assert table.columns[0] == "Commune"
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    assert '["name","Commune"]' in script  # the tooltip's first line names the level
    properties = map_properties(script)
    assert properties is not None
    names = {p["name"] for p in properties}
    assert {"Benkadi (Kangaba)", "Benkadi (Sikasso)", "Benkadi (Dioila)"} <= names


def _click_panel(boundary_path: str, code: str) -> None:
    from ngomap import analysis as a
    from ngomap.areas.files import load_boundaries
    from ngomap.importer.threew import import_dataset
    from ngomap.ui import views

    boundaries = load_boundaries(boundary_path)
    rows = "".join(f"Org {i};{'Santé' if i % 3 else 'EHA'};ML020202;Benkadi\n" for i in range(40))
    data = ("Organisation;Secteur;admin3Pcode;Commune\n" + rows).encode()
    dataset = import_dataset(data, "busy.csv", boundaries=boundaries)
    views.area_panel(dataset.records, boundaries, code, a.ViewOptions(), "fr")


def test_the_click_panel_of_a_busy_area_is_grouped_by_sector(shared_data: Path) -> None:
    at = AppTest.from_function(
        _click_panel, args=(str(shared_data / ADM3), "ML020202"), default_timeout=120
    ).run()
    assert not at.exception, at.exception
    assert at.markdown[0].value.replace("\\", "") == "**Acteurs à Benkadi (Dioila)**"
    assert at.caption[0].value.startswith("40 organisation(s) dans 2 secteur(s)")
    labels = [e.label.replace("\\", "") for e in at.expander]  # markdown-escaped
    assert labels == ["Santé (26)", "Eau, hygiène et assainissement (14)"]  # largest first
    assert not any(e.proto.expanded for e in at.expander)  # names folded
    assert len(at.table[0].value) == 26
