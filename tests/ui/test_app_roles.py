"""Roles on the page: what each person may do, asked by every panel through
``access.allowed``; the local editor of a deployment without accounts; the public directory;
a request sent, reviewed, approved and then listed for the public; staff-only fields on no
viewer's path (page, downloads, feed, link, public form)."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from ngomap.api import create_app
from ngomap.export.directory import directory_csv, directory_xlsx
from ngomap.registry import accounts as ac
from ngomap.registry import db, feed
from ngomap.registry import directory as dr
from ngomap.registry import organisations as orgs
from ngomap.registry import requests as rq
from ngomap.registry.setup import ready_engine

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SECRET = "staff-only-7f3a@embassy.example"
PASSWORDS = {
    "view@embassy.example": ("viewer", "viewer pw 12"),
    "ed@embassy.example": ("editor", "editor pw 123"),
    "val@embassy.example": ("validator", "validator pw 1"),
    "boss@embassy.example": ("admin", "admin pw 1234"),
}
EVERYONE = ("view", "request", "export")
EDITORS = (*EVERYONE, "staff_fields", "edit", "import", "revert", "history", "boundaries")


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(db.ENV_URL, raising=False)
    return ready_engine(None)  # the page's own registry, with the sample


def _accounts(engine: Engine) -> None:
    for email, (role, password) in PASSWORDS.items():
        ac.add(engine, email, role=role, password=password)


def _sign_in(at: AppTest, email: str) -> AppTest:
    at.text_input(key="sign_in_email").set_value(email)
    at.text_input(key="sign_in_password").set_value(PASSWORDS[email][1])
    at.button[[b.label for b in at.button].index("Se connecter")].click().run()
    assert not at.exception, at.exception
    return at


def _rights_page() -> None:
    """A page that says what ``access.allowed`` answers for every action, after navigation."""
    import streamlit as st

    from ngomap.registry import accounts as ac
    from ngomap.ui import access

    access.navigation("fr")
    st.json({action: access.allowed(action) for action in ac.ACTIONS})


def _forced_pages() -> None:
    """A viewer whose session names the queue or the accounts page: neither is drawn."""
    import streamlit as st

    from ngomap.registry import accounts as ac
    from ngomap.ui import access, data

    st.session_state["person"] = access.Person("view@embassy.example", ac.VIEWER)
    for forced in ("review", "accounts"):
        st.session_state["page"] = forced
        st.write(f"{forced}: {access.other_page('fr', data.regions())}")


def _rights(at: AppTest) -> set[str]:
    answers = json.loads(at.json[0].value)
    assert set(answers) == set(ac.ACTIONS)
    return {action for action, yes in answers.items() if yes}


def test_every_action_the_page_asks_follows_the_role(registry: Engine) -> None:
    at = AppTest.from_function(_rights_page, default_timeout=60).run()
    assert not at.exception
    local = _rights(at)  # no account: the single local editor, who also reviews
    assert local == {*EDITORS, "review"}
    assert "éditeur local de ce poste" in at.sidebar.info[0].value
    _accounts(registry)
    at = AppTest.from_function(_rights_page, default_timeout=60).run()
    assert _rights(at) == set(EVERYONE)  # a public visitor
    expected = {
        "view@embassy.example": set(EVERYONE),
        "ed@embassy.example": set(EDITORS),
        "val@embassy.example": {*EDITORS, "review"},
        "boss@embassy.example": set(ac.ACTIONS),
    }
    for email, rights in expected.items():
        at = _sign_in(AppTest.from_function(_rights_page, default_timeout=60).run(), email)
        assert _rights(at) == rights, email
    # Signing out is seen on the very run that follows, not one run late.
    at.button(key="sign_out").click().run()
    assert _rights(at) == set(EVERYONE)


def test_the_regpage_actions_are_known_to_the_policy() -> None:
    """The names the registry's page asks (import, edit, revert, review, accounts) exist, and
    a viewer gets none of them."""
    for action in ("import", "edit", "revert", "review", "accounts", "history"):
        assert action in ac.ACTIONS
        assert not ac.can(ac.VIEWER, action)
        assert not ac.can(ac.PUBLIC, action)
    assert ac.can(ac.EDITOR, "import")
    assert not ac.can(ac.EDITOR, "review")
    assert ac.can(ac.EDITOR, "review", open_mode=True)  # the local editor treats the queue
    assert not ac.can(ac.EDITOR, "accounts", open_mode=True)
    assert not ac.can(ac.VIEWER, "review", open_mode=True)  # only the local editor


def test_a_viewer_reaches_no_editor_or_validator_action_on_the_page(registry: Engine) -> None:
    _accounts(registry)
    at = _sign_in(AppTest.from_file(APP, default_timeout=180).run(), "view@embassy.example")
    assert at.sidebar.radio(key="page").options == ["Carte", "Annuaire", "Demander à figurer"]
    assert any("réservé aux éditeurs" in c.value for c in at.sidebar.caption)  # no uploader
    # Forcing the page through the session does not open it either.
    forced = AppTest.from_function(_forced_pages, default_timeout=60).run()
    assert not forced.exception, forced.exception
    assert [m.value for m in forced.markdown] == ["review: False", "accounts: False"]
    assert not forced.title
    assert not forced.button
    # The local editor of an open deployment has the uploader and the queue.
    for email in PASSWORDS:
        ac.remove(registry, email)
    local = AppTest.from_file(APP, default_timeout=180).run()
    assert not any("réservé aux éditeurs" in c.value for c in local.sidebar.caption)
    assert "Demandes à examiner" in local.sidebar.radio(key="page").options
    assert "Comptes" not in local.sidebar.radio(key="page").options  # accounts: the server's


def _everything(at: AppTest) -> str:
    """Every element and widget the page sent, as text (tables included)."""

    def walk(node: Any) -> list[str]:
        out = [str(getattr(node, "proto", ""))]
        for child in getattr(node, "children", {}).values():
            out += walk(child)
        return out

    return "\n".join(walk(at._tree))


def _with_secret(engine: Engine) -> int:
    """An organisation of the sample with staff-only contacts and a public one."""
    found = dr.build(engine).table
    org = int(found.loc[found["acronym"] == "AJOLI", "id"].iloc[0])
    orgs.edit(
        engine,
        org,
        version=orgs.get(engine, org)["version"],
        changes={
            "contacts_staff": [{"name": "Chef de mission", "email": SECRET}],
            "contacts_public": [{"email": "info@ajoli.example", "phone": "+223 20 00 00 00"}],
            "country": "France",
            "website": "https://ajoli.example",
        },
    )
    return org


def test_the_public_directory_searches_and_shows_public_fields_only(registry: Engine) -> None:
    _with_secret(registry)
    _accounts(registry)
    at = AppTest.from_file(APP, default_timeout=180).run()  # nobody signed in
    at.sidebar.radio(key="page").set_value("directory").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Annuaire des organisations"
    table = at.dataframe[0].value
    assert len(table) == len(dr.build(registry).table) > 0  # every listed organisation
    assert list(table.columns) == [
        "Nom",
        "Sigle",
        "Type",
        "Pays d'origine",
        "Site web",
        "Contacts publics",
        "Secteurs",
        "Zones",
    ]
    at.text_input(key="directory_search").set_value("joliba").run()
    table = at.dataframe[0].value
    assert list(table["Sigle"]) == ["AJOLI"]
    assert table["Contacts publics"].iloc[0] == "info@ajoli.example, +223 20 00 00 00"
    assert table["Pays d'origine"].iloc[0] == "France"
    assert "Gao" in table["Zones"].iloc[0]
    assert len(at.get("vega_lite_chart")) == 2  # the source page's two charts
    everything = _everything(at)
    assert "info@ajoli.example" in everything  # the check can fail: public contacts are there
    assert SECRET not in everything
    assert "Chef de mission" not in everything
    at.text_input(key="directory_search").set_value("santé mopti").run()
    found = at.dataframe[0].value
    assert 0 < len(found) < 80
    assert all("Santé" in sectors for sectors in found["Secteurs"])
    assert all("Mopti" in areas for areas in found["Zones"])
    at.text_input(key="directory_search").set_value("zzzz nothing").run()
    assert "Aucune organisation" in at.info[0].value


def test_staff_only_fields_reach_no_viewer_path(registry: Engine) -> None:
    """Page (as public and as viewer), directory downloads, feed, share link, public form."""
    _with_secret(registry)
    _accounts(registry)
    rq.submit(
        registry,
        rq.RequestForm(profile={"name": "Pending Org"}, presences=[], contact={"email": SECRET}),
        session="s",
    )
    seen: list[str] = []
    for who in (None, "view@embassy.example"):
        at = AppTest.from_file(APP, default_timeout=180).run()
        if who:
            _sign_in(at, who)
        for page in ("map", "directory", "request"):
            at.sidebar.radio(key="page").set_value(page).run()
            assert not at.exception, at.exception
            if page == "request":  # the public form starting from the listed entry
                found = dr.build(registry).table
                org = int(found.loc[found["acronym"] == "AJOLI", "id"].iloc[0])
                at.selectbox(key="request_org").set_value(org).run()
                assert at.text_input(key="request_public_email").value == "info@ajoli.example"
            seen.append(_everything(at))
            link = json.dumps(dict(at.query_params), default=str)  # the link a viewer copies
            if page == "map":
                assert "view" in at.query_params  # the map's link is there to be checked
            seen.append(link)
    assert all(SECRET not in text for text in seen)
    assert not any("Pending Org" in text for text in seen)  # a pending request is not listed
    # The directory's downloads, whole and searched.
    table = dr.build(registry).table
    for rows in (table, dr.search(table, "joliba")):
        for lang in ("fr", "en"):
            csv_bytes = directory_csv(rows, lang)
            assert SECRET.encode() not in csv_bytes
            xlsx = io.BytesIO(directory_xlsx(rows, lang))
            sheet = pd.read_excel(xlsx, dtype=str, engine="openpyxl")
            assert SECRET not in sheet.to_csv()
    assert b"info@ajoli.example" in directory_csv(table, "fr")  # the check can fail
    # The feed, every format.
    client = TestClient(create_app(registry))
    for path in ("/organisations.json", "/organisations.csv", "/presences.geojson"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert SECRET not in answer.text
    # Staff do see it (the test can fail).
    staff = feed.snapshot(registry, role=ac.EDITOR).organisations
    assert any(SECRET in json.dumps(o) for o in staff)


def test_the_feed_takes_no_write(registry: Engine) -> None:
    """The feed is the only network face of the command line: read-only for everyone."""
    client = TestClient(create_app(registry))
    for method in ("post", "put", "delete", "patch"):
        answer = getattr(client, method)("/organisations.json")
        assert answer.status_code == 405, method


def test_request_sent_reviewed_approved_then_in_the_public_directory(registry: Engine) -> None:
    _accounts(registry)
    name = "Santé Pour Tous Kayes"
    # A visitor, signed in as nobody, sends a request on the public form.
    public = AppTest.from_file(APP, default_timeout=180).run()
    public.sidebar.radio(key="page").set_value("request").run()
    public.text_input(key="request_name").set_value(name)
    public.text_input(key="request_acronym").set_value("SPTK")
    public.text_input(key="request_public_email").set_value("contact@sptk.example")
    public.text_input(key="request_contact_email").set_value("director@sptk.example")
    public.selectbox(key="request_area_adm1").set_value("ML01")
    public.selectbox(key="request_sector").set_value("HEA")
    public.selectbox(key="request_mode").set_value("DIRECT")
    public.button(key="request_add").click().run()
    public.button(key="request_send").click().run()
    assert not public.exception
    assert not public.error, [e.value for e in public.error]
    reference = str(rq.queue(registry).loc[0, "reference"])
    # Not yet in the directory.
    public.sidebar.radio(key="page").set_value("directory").run()
    public.text_input(key="directory_search").set_value("SPTK").run()
    assert not public.dataframe
    # The validator sees it in the queue, with its difference, and approves it.
    validator = _sign_in(AppTest.from_file(APP, default_timeout=180).run(), "val@embassy.example")
    validator.sidebar.radio(key="page").set_value("review").run()
    assert validator.selectbox(key="review_reference").value == reference
    side = validator.dataframe[1].value
    row = side[side.iloc[:, 0] == "name"].iloc[0]
    assert (row.iloc[1], row.iloc[2]) == ("", name)  # current entry empty, the request's name
    validator.button(key="review_approve").click().run()
    assert not validator.exception
    assert rq.queue(registry).empty
    # Now listed for the public, on the directory's table, map and charts.
    public.run()
    assert not public.exception, public.exception
    table = public.dataframe[0].value
    assert list(table["Nom"]) == [name]
    assert table["Contacts publics"].iloc[0] == "contact@sptk.example"
    assert table["Zones"].iloc[0] == "Kayes"
    assert "director@sptk.example" not in _everything(public)  # the requester's contact: staff
    records = dr.records_of(dr.build(registry), dr.search(dr.build(registry).table, "SPTK"))
    assert list(records["area_code"]) == ["ML01"]
    assert list(records["sector"]) == ["HEA"]


AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a long random string for the test only",
    "client_id": "ngomap",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def test_sign_in_with_the_identity_provider_when_configured(registry: Engine) -> None:
    """With ``[auth]`` in the secrets, the sidebar offers the provider's sign-in (or says
    what to install); without it, only the password form. The password form stays."""
    _accounts(registry)
    plain_page = AppTest.from_file(APP, default_timeout=180).run()
    labels = [b.label for b in plain_page.sidebar.button]
    assert "Se connecter avec le compte de votre organisation" not in labels
    configured = AppTest.from_file(APP, default_timeout=180)
    configured.secrets["auth"] = AUTH
    configured.run()
    assert not configured.exception, configured.exception
    labels = [b.label for b in configured.sidebar.button]
    if importlib.util.find_spec("authlib") is None:
        assert "streamlit[auth]" in configured.sidebar.warning[0].value
        assert "Se connecter avec le compte de votre organisation" not in labels
    else:
        assert "Se connecter avec le compte de votre organisation" in labels
    assert configured.text_input(key="sign_in_email")  # local accounts still sign in
