"""The edit tab (AppTest): one organisation's profile and one presence saved as one change,
reverted, its history shown; a stale edit refused with what changed, nothing overwritten."""

from __future__ import annotations

from helpers import map_counts
from page_helpers import APP
from streamlit.testing.v1 import AppTest

from ngomap.registry import hand_edits as he
from ngomap.registry import organisations as orgs
from ngomap.registry.setup import ready_engine


def opened() -> tuple[AppTest, int, int]:
    """The page with the first organisation opened in the edit tab: (page, id, version)."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    engine = ready_engine(None)
    first = int(he.organisations(engine)["id"].iloc[0])
    at.selectbox(key="edit_org").set_value(first).run()
    assert not at.exception, at.exception
    return at, first, int(orgs.get(engine, first)["version"])


def test_save_a_profile_field_and_close_a_presence_then_revert() -> None:
    at, org, version = opened()
    engine = ready_engine(None)
    before_map = map_counts(at)
    held = he.presences(engine, org)
    pid = int(held["id"].iloc[0])
    prefix = f"edit_{org}_{version}"
    at.text_input(key=f"{prefix}_website").set_value("https://exemple.org").run()
    at.selectbox(key=f"{prefix}_presence").set_value(pid).run()
    at.radio(key=f"{prefix}_presence_action_{pid}").set_value("close").run()
    at.button(key="edit_save").click().run()
    assert not at.exception, at.exception
    assert any("enregistrée" in s.value for s in at.success)
    saved = orgs.get(engine, org)
    assert saved["website"] == "https://exemple.org"
    assert saved["version"] == version + 1
    assert len(he.presences(engine, org)) == len(held) - 1
    assert sum(map_counts(at).values()) <= sum(before_map.values())
    history = next(d.value for d in at.dataframe if "Quoi" in d.value.columns)
    assert "presence withdrawn" in set(history["Quoi"])

    at.button(key="edit_revert").click().run()
    assert not at.exception, at.exception
    assert orgs.get(engine, org)["website"] == ""
    assert len(he.presences(engine, org)) == len(held)
    assert map_counts(at) == before_map


def test_a_stale_edit_is_refused_and_shows_what_changed() -> None:
    at, org, version = opened()
    engine = ready_engine(None)
    # Another editor (another app process) saves the organisation meanwhile.
    he.save(engine, org, version=version, profile={"headquarters": "Lyon"}, by="other")
    at.text_input(key=f"edit_{org}_{version}_headquarters").set_value("Paris").run()
    at.button(key="edit_save").click().run()
    assert not at.exception, at.exception
    assert any("a changé depuis que vous l'avez ouverte" in e.value for e in at.error)
    difference = next(d.value for d in at.dataframe if "Maintenant" in d.value.columns)
    assert "Lyon" in set(difference["Maintenant"])
    assert orgs.get(engine, org)["headquarters"] == "Lyon"  # nothing overwritten
    assert any("modifiée depuis que vous l'avez ouverte" in w.value for w in at.warning)
    at.button(key="edit_reload").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key=f"edit_{org}_{version + 1}_headquarters").value == "Lyon"


def test_the_revert_after_a_save_is_refused_when_a_later_change_touched_the_same_field() -> None:
    at, org, version = opened()
    engine = ready_engine(None)
    at.text_input(key=f"edit_{org}_{version}_website").set_value("https://exemple.org").run()
    at.button(key="edit_save").click().run()
    assert not at.exception, at.exception
    # Another editor changes the same field after this save.
    he.save(engine, org, version=version + 1, profile={"website": "https://autre.org"}, by="other")
    at.button(key="edit_revert").click().run()
    assert not at.exception, at.exception
    assert at.error, "the revert should be refused"
    assert "postérieur" in at.error[0].value or "later" in at.error[0].value, at.error[0].value
    assert orgs.get(engine, org)["website"] == "https://autre.org"  # nothing reverted
