"""The upload flow in the page, driven by AppTest.

Most tests put the uploaded bytes where the panel keeps them (st.session_state["upload"])
and run the page; the alias file and the reset go through the uploaders themselves
(AppTest drives st.file_uploader in the Streamlit this project pins).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ngomap.importer.report import report_csv, report_xlsx
from ngomap.importer.threew import read_3w

APP = str(Path(__file__).resolve().parents[2] / "app.py")

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
    assert (
        "4 lignes lues : 0 copies exactes, 1 regroupées (même organisation, secteur et zone), "
        "1 écartées ; 2 retenues, 2 présences, 2 organisations." in shown
    )
    frames = [d.value for d in at.dataframe]
    preview = next(f for f in frames if "Colonne7" in f.columns)
    assert list(preview.columns) == ["Nom Organisation", "Cluster", "Région *", "Colonne7"]
    report = next(f for f in frames if "Suggestion" in f.columns)
    assert "Kays → Kayes ?" in set(report["Suggestion"])
    kinds_at = next(i for i, f in enumerate(frames) if "Problème" in f.columns)
    assert kinds_at < next(i for i, f in enumerate(frames) if "Suggestion" in f.columns)
    kinds = frames[kinds_at]  # one line per kind, above the detail
    assert "Doublon fusionné" in set(kinds["Problème"])
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
    assert list(sheets) == ["Summary", "By kind", "Problems"]
    summary = dict(zip(sheets["Summary"]["Measure"], sheets["Summary"]["Value"], strict=True))
    assert summary["Rows read"] == 4


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_upload_limit_is_said_on_the_page(lang: str) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    assert any("50" in c.value for c in at.sidebar.caption)


WORLD_VISION = (
    "Organisation,Secteur,Région\n"
    "World Vision,EHA,Gao\n"
    "World Vision,EHA,Kayes\n"
    "Wold Vision,EHA,Mopti\n"
).encode()
ALIASES = ("mes_alias.csv", b"alias,nom\nWold Vision,World Vision\n", "text/csv")


def suggestions(at: AppTest) -> set[str]:
    report = next(d.value for d in at.dataframe if "Suggestion" in d.value.columns)
    return {str(v) for v in report["Suggestion"] if v}


def test_an_alias_file_settles_organisation_spellings_and_reimports() -> None:
    at = run_with(WORLD_VISION, "partenaires.csv")
    assert not at.exception, at.exception
    assert "0 écartées ; 3 retenues, 3 présences, 2 organisations." in texts(at)
    assert "Wold Vision → World Vision ?" in suggestions(at)
    uploader = at.file_uploader(key="upload_aliases_file_0")
    assert uploader.label == "Fichier d'alias d'organisations (alias,nom)"
    assert "Wold Vision,World Vision" in uploader.help
    uploader.set_value(ALIASES).run()
    assert not at.exception, at.exception
    assert not at.error
    shown = texts(at).replace("\\", "")  # names are shown markdown-escaped
    assert "0 écartées ; 3 retenues, 3 présences, 1 organisations." in shown
    assert "Alias d'organisations appliqués : mes_alias.csv" in shown
    assert "Wold Vision → World Vision ?" not in suggestions(at)
    at.file_uploader(key="upload_aliases_file_0").clear().run()  # removed: imported again
    assert "2 organisations." in texts(at)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "pas de colonnes « alias » et « nom »"), ("en", "no 'alias' and 'name' columns")],
)
def test_a_bad_alias_file_gets_one_sentence_naming_it(lang: str, words: str) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["upload"] = {"name": "partenaires.csv", "data": WORLD_VISION}
    at.run()
    bad = ("alias.csv", b"Organisation;Nom complet\nWold Vision;World Vision\n", "text/csv")
    at.file_uploader(key="upload_aliases_file_0").set_value(bad).run()
    assert not at.exception, at.exception
    (error,) = at.tabs[1].error  # in the import tab; one line above the map says where
    assert len(at.tabs[0].error) == 1
    sentence = error.value.replace("\\", "")  # markdown-escaped
    assert sentence.startswith("alias.csv")
    assert words in sentence
    assert "Traceback" not in sentence


def test_reset_empties_the_uploaders_and_brings_the_sample_back() -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.file_uploader(key="upload_file_0").set_value(("partenaires.csv", WORLD_VISION, "text/csv"))
    at.file_uploader(key="upload_aliases_file_0").set_value(ALIASES)
    at.run()
    assert not at.exception, at.exception
    assert "1 organisations." in texts(at)
    at.button(key="reset").click().run()
    assert not at.exception, at.exception
    assert "upload" not in at.session_state
    assert any("Données d'exemple" in w.value for w in at.warning)
    assert at.file_uploader(key="upload_file_1").value is None
    assert at.file_uploader(key="upload_aliases_file_1").value is None


def test_filters_follow_new_data_whose_period_and_sectors_differ() -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    chosen = at.date_input(key="period").value
    assert isinstance(chosen, tuple)
    assert len(chosen) == 2
    start, _end = chosen
    at.date_input(key="period").set_value((start, start.replace(year=start.year + 1))).run()
    at.multiselect(key="sectors").set_value(["EDU", "WSH"]).run()
    later = (
        "Organisation,Secteur,Région,Début,Fin\n"
        "Educo,EDU,Mopti,2030-01-01,2030-12-31\n"
        "Plan,NUT,Gao,2031-01-01,2031-06-30\n"
    ).encode()
    at.session_state["upload"] = {"name": "plus_tard.csv", "data": later}
    at.run()
    assert not at.exception, at.exception  # a period outside the new data's used to crash
    shown = at.date_input(key="period").value
    assert isinstance(shown, tuple)
    assert len(shown) == 2
    low, high = shown
    assert (low.year, high.year) == (2030, 2031)
    assert at.multiselect(key="sectors").value == ["EDU"]  # what still exists of the choice


def test_data_without_sectors_say_so_instead_of_an_empty_filter() -> None:
    at = run_with(b"Organisation,Region\nEduco,Mopti\nPlan,Gao\n", "sans_secteur.csv")
    assert not at.exception, at.exception
    assert not [m for m in at.multiselect if m.key == "sectors"]
    shown = " ".join(c.value for c in at.sidebar.caption)
    assert "Secteurs : aucun dans ces données (pas de colonne de secteur)." in shown
    assert "tous les secteurs" in at.subheader[0].value  # the map still counts every actor


def test_after_an_upload_the_map_comes_first_and_the_import_has_its_tab() -> None:
    at = run_with(CSV, "partenaires.csv")
    assert not at.exception, at.exception
    map_tab, import_tab, edit_tab = at.tabs  # the local editor also has the edit tab
    assert map_tab.label == "Carte"
    assert edit_tab.label == "Modifier"
    assert import_tab.label.replace("\\", "") == "Import : partenaires.csv"  # markdown-escaped
    line = " ".join(c.value for c in map_tab.caption).replace("\\", "")
    assert "Vos données : partenaires.csv — 4 lignes lues" in line
    assert "onglet « Import »" in line
    assert map_tab.get("component_instance")  # the map is in the first tab
    assert "Colonne7" not in [s.label for s in map_tab.selectbox]  # no import there
    assert not [e for e in map_tab.expander if e.label.startswith("Colonnes")]
    (unrecognised,) = [e for e in import_tab.expander if e.label.startswith("Colonnes non")]
    assert unrecognised.label == (
        "Colonnes non reconnues (1) : ignorées, sauf si vous leur donnez un champ"
    )
    assert [s.label for s in unrecognised.selectbox] == ["Colonne7"]
    assert "Rapport d'import" in [m.value.strip("*") for m in import_tab.markdown]


def test_without_an_upload_the_import_tab_says_how() -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert at.tabs[1].label == "Import"
    assert "Aucun fichier chargé" in at.tabs[1].caption[0].value


def test_another_countrys_codes_said_in_one_sentence_on_the_page() -> None:
    nigeria = (
        b"Organisation,Sector,State,State Pcode\nAlpha,EDU,Borno,NGA008\nBeta,WASH,Yobe,NGA036\n"
    )
    at = run_with(nigeria, "nga.csv")
    assert not at.exception, at.exception
    # No boundary file of Nigeria: counted on the file's own codes (tables, no map), and
    # the boundaries at hand (Mali's) said not to be the file's country's, in one sentence.
    captions = [str(c.value).replace("\\", "") for c in at.caption]
    assert any(
        "Les limites choisies (Mali) ne sont pas celles du pays des codes du fichier (Nigeria)" in c
        for c in captions
    ), captions
    assert not at.error


def test_a_sector_alias_file_in_the_upload_panel() -> None:
    data = "Organisation;Secteur;Région\nCirque;Jonglerie;Mopti\n".encode()
    at = run_with(data, "cirque.csv")
    assert not at.exception, at.exception
    assert "Jonglerie" in suggestions_or_values(at)
    uploader = at.file_uploader(key="upload_vocab_sectors_0")
    assert uploader.label == "Fichier d'alias de secteurs (alias,code)"
    uploader.set_value(("secteurs.csv", b"alias,code\nJonglerie,CUL\n", "text/csv")).run()
    assert not at.exception, at.exception
    assert "Jonglerie" not in suggestions_or_values(at)


def suggestions_or_values(at: AppTest) -> set[str]:
    """The values of the report's detail (problems about values)."""
    frames = [d.value for d in at.dataframe]
    report = next((f for f in frames if "Valeur" in f.columns), None)
    return set() if report is None else {str(v) for v in report["Valeur"]}


def test_the_datas_source_and_date_as_the_user_states_them() -> None:
    at = run_with(CSV, "partenaires.csv")
    assert not at.exception, at.exception
    assert "Dernière mise à jour : inconnue" in texts(at)  # a CSV without dates
    at.text_input(key="upload_source").set_value("Ambassade de France au Mali").run()
    at.text_input(key="upload_date").set_value("2024-02").run()
    assert not at.exception, at.exception
    shown = texts(at).replace("\\", "")
    assert "Source des données : Ambassade de France au Mali" in shown
    assert "Dernière mise à jour : 2024-02-01" in shown
    at.text_input(key="upload_date").set_value("février").run()
    assert any("février" in str(w.value) for w in at.warning)
