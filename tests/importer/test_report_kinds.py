"""The report's summary by kind: many cases of one problem become one line."""

from __future__ import annotations

import io

import pandas as pd

from ngomap.areas.boundaries import Boundaries
from ngomap.importer.report import kinds_frame, report_xlsx
from ngomap.importer.threew import read_3w

CSV = (
    "Organisation,Secteur,Région\n"
    "Educo,EDU,Mopti\n"
    "Educo,EDU,Mopti\n"  # same as row 2
    "IRC,WASH,Gao\n"
    "IRC,WASH,Gao\n"  # same as row 4
    "IRC,WASH,Gao\n"  # same as row 4
    "Oxfam,Pêche,Kayes\n"
    "Oxfam,Tourisme,Kayes\n"
    ",EDU,Kayes\n"
).encode()


def test_duplicates_and_unknown_sectors_are_one_line_each(regions: Boundaries) -> None:
    _, report = read_3w(CSV, name="liste.csv", boundaries=regions)
    assert len(report.by_kind("row.duplicate")) == 2  # "same as row 2", "same as row 4"
    frame = kinds_frame(report, "en")
    assert list(frame.columns) == ["Problem", "Severity", "Rows", "Distinct cases", "Example"]
    lines = {line["Problem"]: line for line in frame.to_dict("records")}
    assert lines["Duplicate merged"]["Rows"] == 3
    assert lines["Duplicate merged"]["Distinct cases"] == 2
    assert lines["Unknown sector"]["Rows"] == 2
    assert lines["Unknown sector"]["Distinct cases"] == 2
    assert frame.iloc[0]["Problem"] == "No organisation name"  # errors first
    assert frame.iloc[0]["Severity"] == "error (row left out)"
    french = kinds_frame(report, "fr")
    assert "Doublon fusionné" in set(french["Problème"])


def test_the_workbook_has_the_summary_by_kind(regions: Boundaries) -> None:
    _, report = read_3w(CSV, name="liste.csv", boundaries=regions)
    data = io.BytesIO(report_xlsx(report, "fr"))
    sheets = pd.read_excel(data, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["Résumé", "Par type", "Problèmes"]
    kinds = sheets["Par type"].set_index("Problème")
    assert kinds.loc["Doublon fusionné", "Lignes"] == 3
    assert kinds.loc["Doublon fusionné", "Cas distincts"] == 2


def test_a_problem_about_the_whole_file_counts_no_rows(regions: Boundaries) -> None:
    _, report = read_3w(b"Organisation,Region\nEduco,Mopti\n", name="l.csv", boundaries=regions)
    frame = kinds_frame(report, "en").set_index("Problem")
    assert frame["Rows"].isna()["No sector column"]  # not "0 rows": the whole file
