"""A shared link names the data it was made with, and says when that data is not loaded."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CSV = b"Organisation;Secteur;Region\nEduco;Education;Mopti\nPlan;Sante;Kayes\n"


def open_link(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def link_of(at: AppTest) -> dict[str, str]:
    return {k: str(at.query_params[k]) for k in at.query_params}


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning).replace("\\", "")  # markdown escapes


def test_a_link_made_on_uploaded_data_says_it_is_not_loaded_elsewhere() -> None:
    made = AppTest.from_file(APP, default_timeout=120).run()
    made.file_uploader(key="upload_file_0").set_value(("partenaires.csv", CSV, "text/csv")).run()
    made.radio(key="view").set_value("gaps").run()
    assert not made.exception, made.exception
    params = link_of(made)
    assert params["data"] == "partenaires.csv"
    assert len(params["fp"]) == 12
    assert "Ce lien a été fait" not in warnings(made)  # its own data is loaded

    elsewhere = open_link(params)  # a new browser: the sample is loaded, not the file
    said = warnings(elsewhere)
    assert "Ce lien a été fait avec les données « partenaires.csv »" in said
    assert params["fp"] in said
    assert "ne sont pas chargées ici" in said
    assert elsewhere.radio(key="view").value == "gaps"  # the view still follows the link
    assert link_of(elsewhere)["data"] != "partenaires.csv"  # the URL now names what is shown

    # Loading the link's file there: the note goes.
    elsewhere.file_uploader(key="upload_file_0").set_value(
        ("partenaires.csv", CSV, "text/csv")
    ).run()
    assert not elsewhere.exception, elsewhere.exception
    assert "Ce lien a été fait" not in warnings(elsewhere)


def test_a_link_made_on_the_sample_says_nothing_on_the_sample() -> None:
    params = link_of(open_link({}))
    again = open_link(params)
    assert "Ce lien a été fait" not in warnings(again)
    assert not [i for i in again.info if "limites" in i.value]


def test_the_english_page_says_it_in_english() -> None:
    at = open_link({"lang": "en", "data": "x.csv", "fp": "0123456789ab"})
    assert "This link was made with the data “x.csv” (fingerprint 0123456789ab)" in warnings(at)


def test_a_crafted_link_s_words_stay_text() -> None:
    """Anyone can write a URL: its data name and fingerprint are shown, never rendered."""
    image = "![x](http://127.0.0.1:9/x.png)"
    at = open_link({"data": image, "fp": image})
    raw = " ".join(w.value for w in at.warning)
    assert "Ce lien a été fait" in raw
    assert image not in raw  # every Markdown character escaped: no image, no link
    shown = raw.replace("\\", "").replace("\u200b", "")  # escapes the reader never sees
    assert shown.count(image) == 2  # yet both read as written
