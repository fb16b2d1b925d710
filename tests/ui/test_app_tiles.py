"""The sidebar's tiles switch: off by default, kept in the page's link, read back from it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def opened(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_tiles_are_off_by_default_and_the_switch_says_it_needs_internet() -> None:
    at = opened()
    switch = at.toggle(key="osm_tiles")
    assert switch.value is False
    assert switch.label == "Fond OpenStreetMap (internet)"
    assert "tiles" not in at.query_params  # the default is not written in the link


def test_switching_on_is_kept_in_the_link_and_a_link_reopens_it() -> None:
    at = opened()
    at.toggle(key="osm_tiles").set_value(True).run()
    assert not at.exception, at.exception
    link = {k: str(at.query_params[k]) for k in at.query_params}
    assert link["tiles"] == "1"
    again = opened(link)
    assert again.toggle(key="osm_tiles").value is True
    again.toggle(key="osm_tiles").set_value(False).run()
    assert "tiles" not in again.query_params


def test_the_switch_speaks_english_on_the_english_page() -> None:
    at = opened({"lang": "en"})
    assert at.toggle(key="osm_tiles").label == "OpenStreetMap background (internet)"
