"""The upload flow in the page, driven by AppTest through the session state.

AppTest cannot drive st.file_uploader, so the tests put the uploaded bytes where the
panel keeps them (st.session_state["upload"]) and run the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ngomap.io.report import report_csv, report_xlsx
from ngomap.io.threew import read_3w

APP = str(Path(__file__).resolve().parents[1] / "app.py")

CSV = (
    "Nom Organisation;Cluster;Région *;Colonne7\n"
    "Médecins du Monde;Santé;Ségou;x\n"
    "Educo;Éducation;Mopti;y\n"
    "EDUCO;Éducation;MOPTI;y\n"
    "Plan;EHA;Kays;z\n"
).encode("cp1252")


def run_with(data: bytes, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["upload"] = {"name": name, "data": data}
    return at.run()


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return " ".join(str(p) for p in parts)


def test_uploaded_data_replaces_the_sample_and_is_reported() -> None:
    at = run_with(CSV, "partenaires.csv")
    assert not at.exception, at.exception
    assert not any("Données d'exemple" in w.value for w in at.warning)
    shown = texts(at)
    assert "2 lignes retenues sur 4 lues (1 doublons fusionnés, 1 écartées)" in shown
    frames = [d.value for d in at.dataframe]
    preview = frames[0]
    assert list(preview.columns) == ["Nom Organisation", "Cluster", "Région *", "Colonne7"]
    report = next(f for f in frames if "Suggestion" in f.columns)
    assert "Kays → Kayes ?" in set(report["Suggestion"])
    assert [s.label for s in at.selectbox if s.label == "Colonne7"]  # map it by hand
    assert at.checkbox(key="upload_accept").value is False


def test_accepting_suggestions_keeps_the_misspelt_row() -> None:
    at = run_with(CSV, "partenaires.csv")
    at.checkbox(key="upload_accept").check().run()
    assert not at.exception, at.exception
    report = next(d.value for d in at.dataframe if "Suggestion" in d.value.columns)
    assert "erreur (ligne écartée)" not in set(report["Gravité"])


def test_a_bad_file_gets_one_sentence_and_the_sample_stays() -> None:
    at = run_with(b"%PDF-1.5 ...", "liste.xlsx")
    assert not at.exception, at.exception
    assert any("PDF" in e.value for e in at.error)
    assert any("Données d'exemple" in w.value for w in at.warning)


def test_report_downloads_are_built_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "partenaires.csv"
    path.write_bytes(CSV)
    _, report = read_3w(path)
    csv_bytes = report_csv(report, "fr")
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # Excel shows the accents
    assert "Kays → Kayes ?" in csv_bytes.decode("utf-8-sig")
    xlsx = report_xlsx(report, "en")
    assert xlsx.startswith(b"PK")
    import io

    import pandas as pd

    sheets = pd.read_excel(io.BytesIO(xlsx), sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["Summary", "Problems"]
    summary = dict(zip(sheets["Summary"]["Measure"], sheets["Summary"]["Value"], strict=True))
    assert summary["Rows read"] == 4


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_upload_limit_is_said_on_the_page(lang: str) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    assert any("50" in c.value for c in at.sidebar.caption)
