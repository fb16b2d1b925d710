"""A 3W of a country whose boundaries are not loaded: tables from the file's own areas.

Uploaded on the page with the embedded (Mali) regions, or with Mali's COD-AB chosen, a
Nigeria or Burkina 3W gives its tables, matrix, charts and table exports, counted on the
file's own codes and names (the command line's path: ``read_3w_areas``), with a note that
there is no map geometry and how to add the country's boundaries.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ngomap import analysis
from ngomap.i18n import sector_label
from ngomap.importer.threew import import_dataset_areas
from ngomap.ui.exports import EXPORT_OPEN
from ngomap.ui.panels import CHARTS_OPEN

APP = str(Path(__file__).resolve().parents[2] / "app.py")

BUILT = (
    b"Organization,Project Sector,State,State Pcode,LGA,LGA PCode\n"
    b"#org+name,#sector,#adm1+name,#adm1+code,#adm2+name,#adm2+code\n"
    b"Action Against Hunger,WASH,Yobe,NG036,Potiskum,NG036014\n"
    b"Action Against Hunger,WASH,Yobe,NG036,Gujba,NG036007\n"
    b"Plan International,Education,Borno,NG008,Maiduguri,NG008017\n"
    b"Plan International,WASH,Borno,NG008,Maiduguri,NG008017\n"
)


def _run(data: bytes, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["upload"] = {"name": name, "data": data}
    return at.run()


def _shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info]
    return " ".join(str(p) for p in parts)


def _matrix(at: AppTest) -> dict[str, dict[str, int]]:
    frames = [d.value for d in at.dataframe]
    matrix = next(f for f in frames if "Total" in f.index)
    return {str(c): {str(r): int(v) for r, v in matrix[c].items()} for c in matrix.columns}


def test_a_built_nigeria_file_gives_its_tables_without_a_map() -> None:
    at = _run(BUILT, "nga_3w.csv")
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "Pas de carte pour ces données" in shown
    assert "Nigeria" in shown
    assert "COD-AB" in shown  # how to add the boundaries
    assert not any("Données d'exemple" in w.value for w in at.warning)
    # the level of the tables: the file's LGAs by default, its states on demand
    level = next(r for r in at.radio if r.label.startswith("Niveau des tableaux"))
    assert level.value == "adm2"
    wash = sector_label("WSH", "fr")
    by_lga = _matrix(at)
    assert by_lga["Potiskum"][wash] == 1
    assert by_lga["Maiduguri"]["Total"] == 1  # one organisation, two sectors
    level.set_value("adm1").run()
    assert not at.exception, at.exception
    by_state = _matrix(at)
    assert by_state["Yobe"][wash] == 1  # two LGAs of Yobe: one organisation there
    assert by_state["Borno"][wash] == 1
    labels = [str(getattr(b, "label", "")) for b in at.get("download_button")]
    assert "XLSX" not in labels  # the export panel runs only once opened
    at.session_state[CHARTS_OPEN] = True  # the charts' and the exports' expanders opened
    at.session_state[EXPORT_OPEN] = True
    at.run()
    assert not at.exception, at.exception
    labels = [str(getattr(b, "label", "")) for b in at.get("download_button")]
    assert any(label.startswith("CSV") for label in labels)
    assert "XLSX" in labels
    assert not {"PNG", "PDF", "HTML", "GeoJSON", "GeoPackage"} & set(labels)
    charts = [
        e
        for column in at.columns
        for e in column.children.values()
        if getattr(e, "type", "") == "vega_lite_chart"
    ]
    assert len(charts) == 2  # actors by sector, by region (the file's states)


@pytest.mark.parametrize(
    ("relative", "level"),
    [
        ("3w/nigeria-apr-jun-2023/nga_3w_apr_jun_2023.xlsx", "adm2"),
        # only commune codes: regions and provinces from their prefixes (BF52, BF5202)
        ("3w/burkina-5w-janfev2022/burkina_5w_janfev2022_public.csv", "adm1"),
    ],
)
def test_real_files_give_the_command_lines_counts(
    shared_data: Path, relative: str, level: str
) -> None:
    path = shared_data / relative
    dataset, own = import_dataset_areas(path)
    at = _run(path.read_bytes(), path.name)
    assert not at.exception, at.exception
    assert "Pas de carte pour ces données" in _shown(at)
    radio = next(r for r in at.radio if r.label.startswith("Niveau des tableaux"))
    if radio.value != level:
        radio.set_value(level).run()
    expected = analysis.matrix(dataset.records, own, level=level, total_label="Total")
    totals = expected.loc["Total"].astype(int).to_dict()
    assert totals["Total"] > 0
    shown = _matrix(at)
    assert {str(c): int(v) for c, v in totals.items()} == {c: shown[c]["Total"] for c in shown}
    assert dataset.report.rows_rejected == 0  # every row counted on the file's own areas


def test_with_another_countrys_boundaries_chosen(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mali's COD-AB are this server's boundaries: a Nigeria file still gets its tables."""
    regions = shared_data / "boundaries/mali-codab-2021/mli_admbnda_adm1_1m_gov_20211220.geojson"
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NGOMAP_BOUNDARIES", str(regions))
    at = _run(BUILT, "nga_3w.csv")
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "Pas de carte pour ces données" in shown
    assert "ne sont pas celles du pays des codes du fichier (Nigeria)" in shown
    assert _matrix(at)["Total"]["Total"] == 2
