"""The page's request form and review queue: a request sent, reviewed with its difference,
approved into the registry; roles keep viewers out; submitted text is shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ngomap.registry import accounts as ac
from ngomap.registry import db, state
from ngomap.registry import requests as rq
from ngomap.registry.setup import ready_engine

APP = str(Path(__file__).resolve().parents[2] / "app.py")
XSS = '<img src=x onerror="alert(1)"> **bold** [link](javascript:alert(1)) $x$ =1+1'


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(db.ENV_URL, raising=False)
    return ready_engine(None)


def _texts(at: AppTest) -> str:
    parts = [str(e.value) for e in at.markdown] + [str(e.value) for e in at.text]
    parts += [str(e.value) for e in at.success] + [str(e.value) for e in at.caption]
    return "\n".join(parts)


def _raw_html(at: AppTest) -> list[str]:
    """Markdown elements that carry the payload's HTML unescaped."""
    return [str(e.value) for e in at.markdown if "<img" in str(e.value)]


def test_request_sent_reviewed_approved(registry: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    # the open deployment's editor, said in one line
    assert any("éditeur local de ce poste" in c.value for c in at.sidebar.caption)
    at.sidebar.radio(key="page").set_value("request").run()
    assert not at.exception
    for key in (
        "request_name",
        "request_acronym",
        "request_country",
        "request_headquarters",
        "request_website",
        "request_public_email",
        "request_public_phone",
        "request_funders",
        "request_contact_name",
        "request_contact_phone",
        "request_contact_role",
    ):
        at.text_input(key=key).set_value(f"{key} {XSS}")
    at.text_input(key="request_contact_email").set_value("awa@ngo.example")
    at.text_area(key="request_message").set_value(XSS)
    at.selectbox(key="request_area_adm1").set_value("ML01")
    at.selectbox(key="request_sector").set_value("HEA")
    at.selectbox(key="request_mode").set_value("PARTNER")
    at.button(key="request_add").click().run()
    assert not at.exception
    assert any("Kayes" in str(e.value) for e in at.text)
    at.button(key="request_send").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    queued = rq.queue(registry)
    assert len(queued) == 1
    reference = str(queued.loc[0, "reference"])
    assert reference in _texts(at)
    assert not _raw_html(at)
    # The validator's queue: the difference shown, then approved.
    at.sidebar.radio(key="page").set_value("review").run()
    assert not at.exception
    assert at.selectbox(key="review_reference").value == reference
    shown = at.dataframe[1].value  # the side-by-side table (the first is the queue)
    assert f"request_name {XSS}" in set(shown.iloc[:, 2])
    assert not _raw_html(at)
    at.text_area(key=f"review_note_{reference}").set_value("Bienvenue " + XSS)
    at.button(key="review_approve").click().run()
    assert not at.exception
    assert rq.queue(registry).empty
    records = state.records(registry)
    mine = records[records["org_name"] == f"request_name {XSS}"]
    assert list(mine["sector"]) == ["HEA"]
    assert list(mine["area_code"]) == ["ML01"]
    assert not _raw_html(at)


def test_a_viewer_cannot_reach_the_queue(registry: Engine) -> None:
    ac.add(registry, "val@embassy.example", role="validator", password="validator pw 1")
    ac.add(registry, "view@embassy.example", role="viewer", password="viewer pw 12")
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert at.sidebar.radio(key="page").options == ["Carte", "Annuaire", "Demander à figurer"]
    at.text_input(key="sign_in_email").set_value("view@embassy.example")
    at.text_input(key="sign_in_password").set_value("viewer pw 12")
    at.button[[b.label for b in at.button].index("Se connecter")].click().run()
    assert not at.exception
    assert at.sidebar.radio(key="page").options == ["Carte", "Annuaire", "Demander à figurer"]
    at2 = AppTest.from_file(APP, default_timeout=180).run()
    at2.text_input(key="sign_in_email").set_value("val@embassy.example")
    at2.text_input(key="sign_in_password").set_value("validator pw 1")
    at2.button[[b.label for b in at2.button].index("Se connecter")].click().run()
    assert "Demandes à examiner" in at2.sidebar.radio(key="page").options


def test_login_lock_out_on_the_page(registry: Engine) -> None:
    ac.add(registry, "ed@embassy.example", role="editor", password="editor pw 123")
    at = AppTest.from_file(APP, default_timeout=180).run()
    for _ in range(ac.MAX_FAILURES):
        at.text_input(key="sign_in_email").set_value("ed@embassy.example")
        at.text_input(key="sign_in_password").set_value("wrong")
        at.button[[b.label for b in at.button].index("Se connecter")].click().run()
    assert "bloqué" in at.error[-1].value
    at.text_input(key="sign_in_password").set_value("editor pw 123")
    at.button[[b.label for b in at.button].index("Se connecter")].click().run()
    assert "bloqué" in at.error[-1].value  # even the right password, for a while


def _review_as_viewer() -> None:
    from ngomap.registry.accounts import VIEWER
    from ngomap.ui import access, review

    review.page(access.engine(), access.Person("view@embassy.example", VIEWER), "en")


def test_the_review_page_itself_refuses_a_viewer(registry: Engine) -> None:
    sent = rq.submit(
        registry,
        rq.RequestForm(profile={"name": "X"}, presences=[], contact={"email": "a@b.example"}),
        session="s",
    )
    at = AppTest.from_function(_review_as_viewer, default_timeout=60).run()
    assert not at.exception
    assert "does not allow this page" in at.error[0].value
    assert not at.button  # no decision to click
    assert sent.reference not in _texts(at)


def test_an_admin_adds_an_account_on_the_page(registry: Engine) -> None:
    ac.add(registry, "boss@embassy.example", role="admin", password="admin pw 1234")
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.text_input(key="sign_in_email").set_value("boss@embassy.example")
    at.text_input(key="sign_in_password").set_value("admin pw 1234")
    at.button[[b.label for b in at.button].index("Se connecter")].click().run()
    assert "accounts" in at.sidebar.radio(key="page").options or "Comptes" in (
        at.sidebar.radio(key="page").options
    )
    at.sidebar.radio(key="page").set_value("accounts").run()
    assert not at.exception
    at.text_input(key="account_email").set_value("new@embassy.example")
    at.selectbox(key="account_role").set_value("editor")
    at.text_input(key="account_password").set_value("new editor pw 1")
    at.button[[b.label for b in at.button].index("Ajouter ou modifier le compte")].click().run()
    assert not at.exception
    assert ac.login(registry, "new@embassy.example", "new editor pw 1") == "editor"
