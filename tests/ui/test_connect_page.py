"""The "who to meet" section, driven by AppTest: an organisation's page, its contacts to meet
with reasons, and the drafted introduction with its mailto: link and .eml download."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest


def _section(lang: str) -> None:
    from types import SimpleNamespace

    from connect_fixtures import people, strip

    from ngomap.ui import connect

    records = people()
    records["contact_email"] = ""
    records.loc[records["org_key"] == "focal", "contact_email"] = "awa@focal.example"
    records.loc[records["org_key"] == "gamma", "org_name"] = "Gamma\r\nBcc: x@y.example"
    dataset = SimpleNamespace(
        records=records, source=lambda lang: "Liste test", title=lambda lang: ""
    )
    connect.section(dataset, strip(), lang, {"C1": 12_000.0})  # type: ignore[arg-type]


def _run(lang: str = "fr", org: str | None = None) -> AppTest:
    at = AppTest.from_function(_section, args=(lang,), default_timeout=60)
    at.run()
    if org is not None:
        at.selectbox(key="connect_org").set_value(org)
        at.run()
    assert not at.exception, at.exception
    return at


def test_nothing_chosen_says_what_the_section_does() -> None:
    at = _run()
    assert at.header[0].value == "Qui rencontrer"
    assert "Choisissez une organisation" in at.caption[0].value


def test_an_organisations_page_and_who_to_meet_with_reasons() -> None:
    at = _run("en", "focal")
    assert at.subheader[0].value == "Focal"
    facts = at.dataframe[0].value
    assert dict(zip(facts.iloc[:, 0], facts.iloc[:, 1], strict=True))["Local partners"] == (
        "Asso Locale"
    )
    assert len(at.get("image")) == 1  # the small map
    table = at.dataframe[1].value
    assert list(table.iloc[:3, 0]) == ["Gamma\r\nBcc: x@y.example", "Cèdre", "Acacia"]
    assert table.iloc[2, 2] == "Same sector in the same area: Health in Area C1 · Same funder: AFD"


def test_the_drafted_introduction_and_its_downloads() -> None:
    at = _run("en", "focal")
    at.selectbox(key="connect_other").set_value("acacia")
    at.run()
    body = at.code[0].value
    assert "- Same funder: AFD" in body
    assert "- Focal: <awa@focal.example>" in body
    assert "- Acacia: no public contact known" in body
    (link,) = list(at.get("link_button"))
    assert link.proto.url.startswith("mailto:awa@focal.example?subject=Introduction%3A%20Focal")
    download = at.get("download_button")[0]
    assert download.proto.label == "Download the message (.eml)"


def test_a_name_with_a_line_break_stays_on_one_line_in_the_draft() -> None:
    at = _run("en", "focal")
    at.selectbox(key="connect_other").set_value("gamma")
    at.run()
    subject = at.text_input[1].value
    assert subject == "Introduction: Focal and Gamma Bcc: x@y.example"


def test_marking_an_introduction_shows_in_the_list() -> None:
    at = _run("fr", "focal")
    at.button(key="connect_mark").click()
    at.run()
    table = at.dataframe[1].value
    assert table.iloc[0, 3] != ""  # the first suggestion (chosen by default) is marked
    assert (table.iloc[1:, 3] == "").all()


def test_a_project_sheet_gives_a_pdf_brief() -> None:
    at = _run("en")
    at.get("file_uploader")  # the uploader is there; AppTest cannot set files: use the form
    at.text_input[0].set_value("Focal")
    at.multiselect(key="brief_sectors").set_value(["HEA"])
    at.multiselect(key="brief_zones").set_value(["C1", "C2"])
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Brief ready: Focal"
    (download,) = [b for b in at.get("download_button") if b.proto.label.endswith("(PDF)")]
    assert download.proto.label == "Download the brief (PDF)"


def test_a_form_without_zones_says_what_is_missing() -> None:
    at = _run("fr")
    at.text_input[0].set_value("Focal")
    at.button[0].click()
    at.run()
    assert at.error[0].value == "Indiquez l'organisation, au moins un secteur et au moins une zone."


def test_the_page_has_the_section() -> None:
    app = str(Path(__file__).resolve().parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert "Qui rencontrer" in [h.value for h in at.header]
