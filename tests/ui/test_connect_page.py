"""The "who to meet" section, driven by AppTest: an organisation's page, its contacts to meet
with reasons, and the drafted introduction with its mailto: link and .eml download."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ngomap.ui.advise_panels import REMINDERS_OPEN, SUBSCRIPTIONS_OPEN
from ngomap.ui.connect import BRIEF_OPEN


def _section(lang: str, role: str = "editor") -> None:
    from types import SimpleNamespace

    import streamlit as st
    from connect_fixtures import people, strip

    from ngomap.ui import access, connect

    st.session_state["person"] = access.Person("awa@bureau.example", role)  # as navigation does

    records = people()
    records["contact_email"] = ""
    records.loc[records["org_key"] == "focal", "contact_email"] = "awa@focal.example"
    records.loc[records["org_key"] == "gamma", "org_name"] = "Gamma\r\nBcc: x@y.example"
    dataset = SimpleNamespace(
        records=records, source=lambda lang: "Liste test", title=lambda lang: ""
    )
    connect.section(dataset, strip(), lang, {"C1": 12_000.0})  # type: ignore[arg-type]


def _table(at: AppTest, column: str) -> pd.DataFrame | None:
    """The first table shown with this column (or this first cell), None when none is."""
    for element in at.dataframe:
        frame = element.value
        if column in frame.columns or (len(frame) and column in frame.iloc[:, 0].tolist()):
            return frame
    return None


def _run(lang: str = "fr", org: str | None = None, role: str = "editor") -> AppTest:
    at = AppTest.from_function(_section, args=(lang, role), default_timeout=60)
    for key in (BRIEF_OPEN, SUBSCRIPTIONS_OPEN, REMINDERS_OPEN):  # folded at first: opened
        at.session_state[key] = True
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


def test_marking_an_introduction_keeps_it_in_the_registry_and_the_list() -> None:
    at = _run("en", "focal")
    at.button(key="connect_mark").click()
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[1].value
    assert list(table.columns)[3] == "Introduced on"
    assert table.iloc[0, 3] != ""  # the first suggestion (chosen by default) is marked
    assert (table.iloc[1:, 3] == "").all()
    # The log is the registry's: a new session sees it, and the outcome is written later.
    again = _run("en", "focal")
    assert again.dataframe[1].value.iloc[0, 3] != ""
    log = _table(again, "Outcome")
    assert log is not None
    assert list(log.iloc[0, 1:3]) == ["Focal — Gamma Bcc: x@y.example", "awa@bureau.example"]
    again.text_area[0].set_value("Met on 3 June; a joint proposal")
    (save,) = [b for b in again.button if b.label == "Save the outcome"]
    save.click()
    again.run()
    assert not again.exception, again.exception
    log = _table(again, "Outcome")
    assert log is not None
    assert log.iloc[0, 3] == "Met on 3 June; a joint proposal"


def _focal_in_the_registry() -> None:
    """Focal and its neighbours kept in the page's registry, with a public and a staff-only
    contact for Focal."""
    from connect_fixtures import people

    from ngomap.registry import organisations as orgs
    from ngomap.registry.rounds import RoundInfo, apply_round
    from ngomap.registry.setup import ready_engine

    engine = ready_engine(None)
    apply_round(engine, people(), RoundInfo(file_name="people.csv", sha256="0" * 64, by="t"))
    focal = orgs.get(engine, orgs.find(engine, "Focal"))
    orgs.edit(
        engine,
        focal["id"],
        version=focal["version"],
        changes={
            "contacts_public": [{"name": "Accueil", "email": "info@focal.example"}],
            "contacts_staff": [{"name": "Directrice", "email": "dir@focal.example"}],
            "website": "https://focal.example",
        },
        by="t",
    )


def test_a_viewer_sees_neither_the_log_nor_staff_contacts() -> None:
    _focal_in_the_registry()
    at = _run("en", "focal", role="viewer")
    assert "Introduced on" not in list(at.dataframe[1].value.columns)
    assert "connect_mark" not in [getattr(b, "key", None) for b in at.button]
    assert _table(at, "Outcome") is None
    entry = _table(at, "Website")
    assert entry is not None
    fields = dict(zip(entry.iloc[:, 0], entry.iloc[:, 1], strict=True))
    assert fields["Website"] == "https://focal.example"
    assert fields["Contacts"] == "Accueil <info@focal.example>"
    assert "Contacts (staff only)" not in fields
    assert "dir@focal.example" not in at.code[0].value  # nor in the drafted message
    assert "info@focal.example" in at.code[0].value
    staff = _run("en", "focal", role="editor")
    entry = _table(staff, "Website")
    assert entry is not None
    fields = dict(zip(entry.iloc[:, 0], entry.iloc[:, 1], strict=True))
    assert fields["Contacts (staff only)"] == "Directrice <dir@focal.example>"
    assert "dir@focal.example" in staff.code[0].value
    assert "Listed since" in " ".join(c.value for c in staff.caption)


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
    # The brief's form is folded, and sent only once opened (a lighter page to load).
    assert "Note sur un projet proposé" in [e.label for e in at.expander]
    assert "brief_sectors" not in [m.key for m in at.multiselect]
    at.session_state[BRIEF_OPEN] = True
    at.run()
    assert "brief_sectors" in [m.key for m in at.multiselect]


def test_a_viewer_subscribes_and_staff_see_the_entries_to_confirm() -> None:
    at = _run("en", role="viewer")
    assert "Entries to confirm: reminders" not in [e.label for e in at.expander]
    email = next(w for w in at.text_input if w.label == "E-mail")
    assert email.value == "awa@bureau.example"
    at.multiselect(key="advise_sub_areas").set_value(["C1"])
    (subscribe,) = [b for b in at.button if b.label == "Subscribe"]
    subscribe.click()
    at.run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("Subscribed")
    listed = _table(at, "Active")
    assert listed is not None
    assert listed.iloc[0].tolist() == ["awa@bureau.example", "Area C1", "all", True]
    at.button(key="advise_unsub").click()
    at.run()
    listed = _table(at, "Active")
    assert listed is not None
    assert listed.iloc[0].tolist() == ["awa@bureau.example", "Area C1", "all", False]
    staff = _run("en", role="editor")
    assert "Entries to confirm: reminders" in [e.label for e in staff.expander]
    due = _table(staff, "Last confirmed")
    assert due is not None
    # The sample's organisations were confirmed today by its round: not due. Local partners
    # the round created (named by others, never confirmed, no address) are.
    assert "Savons et Sourires" not in due["Organisation"].tolist()
    assert set(due["Last confirmed"]) <= {"—"}


def test_the_page_sends_the_digests_of_a_new_round(monkeypatch: pytest.MonkeyPatch) -> None:
    from connect_fixtures import people
    from smtp_inbox import smtp_inbox

    from ngomap.advise import subscribe
    from ngomap.advise.notify import Subscription
    from ngomap.registry.rounds import RoundInfo, apply_round
    from ngomap.registry.setup import ready_engine

    engine = ready_engine(None)
    everyone = people()
    before = everyone.loc[everyone["org_name"] != "Gamma"]
    apply_round(engine, before, RoundInfo(file_name="mars.csv", sha256="0" * 64, by="t"))
    subscribe.subscribe(engine, Subscription("awa@bureau.example", ("C1",), (), lang="en"))
    apply_round(engine, everyone, RoundInfo(file_name="septembre.csv", sha256="1" * 64, by="t"))
    with smtp_inbox() as inbox:
        monkeypatch.setenv("NGOMAP_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("NGOMAP_SMTP_PORT", str(inbox.port))
        monkeypatch.setenv("NGOMAP_SMTP_FROM", "ngomap@bureau.example")
        at = _run("en")
        at.run()  # a second run sends nothing more
        assert not at.exception, at.exception
        (body,) = inbox.bodies()
    assert "Arrival: Gamma" in body
    assert "septembre.csv" in body
