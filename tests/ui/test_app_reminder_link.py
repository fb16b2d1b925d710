"""A reminder's link opens the public request form on the organisation's own entry."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from ngomap.advise.reminders import request_link
from ngomap.registry import organisations as orgs
from ngomap.registry.setup import ready_engine

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_the_reminder_link_opens_the_form_prefilled() -> None:
    engine = ready_engine(None)  # the page's registry, with the sample
    org_id = orgs.find(engine, "Savons et Sourires")
    entry = orgs.get(engine, org_id)
    link = request_link("https://ngomap.example/", org_id)
    at = AppTest.from_file(APP, default_timeout=180)
    for key, values in parse_qs(urlsplit(link).query).items():
        at.query_params[key] = values[0]
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.radio(key="page").value == "request"
    assert at.selectbox(key="request_org").value == org_id
    assert at.text_input(key="request_name").value == entry["name"]


def test_a_link_to_an_unknown_entry_opens_an_empty_form() -> None:
    ready_engine(None)
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["page"] = "request"
    at.query_params["org"] = "99999"
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.radio(key="page").value == "request"
    assert at.text_input(key="request_name").value == ""
