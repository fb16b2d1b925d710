"""Merging two organisations and reverting any history line on the page (AppTest)."""

from __future__ import annotations

from page_helpers import APP
from streamlit.testing.v1 import AppTest

from ngomap.registry import hand_edits as he
from ngomap.registry import organisations as orgs
from ngomap.registry.setup import ready_engine


def _merge_tab() -> tuple[AppTest, int, int]:
    """The page with the merge picker open, two organisations picked: (page, keep, gone)."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    at.radio(key="edit_what").set_value("merge").run()
    engine = ready_engine(None)
    names = he.organisations(engine)
    keep, gone = int(names["id"].iloc[0]), int(names["id"].iloc[1])
    at.selectbox(key="merge_keep").set_value(keep).run()
    at.text_input(key="merge_gone_search").set_value(str(names["name"].iloc[1])[:6]).run()
    at.selectbox(key="merge_gone").set_value(gone).run()
    assert not at.exception, at.exception
    return at, keep, gone


def test_merge_shows_what_will_happen_then_merges_and_reverts() -> None:
    at, keep, gone = _merge_tab()
    engine = ready_engine(None)
    gone_name = orgs.get(engine, gone)["name"]
    held = len(he.presences(engine, keep)) + len(he.presences(engine, gone))
    preview = " ".join(m.value for m in at.markdown)
    assert "va rejoindre" in preview
    assert "passent à" in preview
    assert "annulable en entier" in preview
    assert orgs.get(engine, gone)["merged_into"] is None  # a preview writes nothing

    at.button(key="merge_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Fusion" in s.value and "faite" in s.value for s in at.success)
    assert orgs.get(engine, gone)["merged_into"] == keep
    assert orgs.find(engine, gone_name) == keep
    assert len(he.presences(engine, keep)) <= held
    assert gone not in set(he.organisations(engine)["id"])

    at.button(key="merge_revert").click().run()
    assert not at.exception, at.exception
    assert any("annulée" in i.value for i in at.info)
    assert orgs.get(engine, gone)["merged_into"] is None
    assert orgs.find(engine, gone_name) == gone
    assert len(he.presences(engine, keep)) + len(he.presences(engine, gone)) == held


def test_a_stale_merge_is_refused_and_shows_the_difference() -> None:
    at, keep, gone = _merge_tab()
    engine = ready_engine(None)
    # Another editor (another app process) saves the organisation to keep meanwhile.
    he.save(
        engine,
        keep,
        version=orgs.get(engine, keep)["version"],
        profile={"headquarters": "Lyon"},
    )
    at.button(key="merge_confirm").click().run()
    assert not at.exception, at.exception
    assert any("a changé depuis que vous l'avez ouverte" in e.value for e in at.error)
    difference = next(d.value for d in at.dataframe if "Maintenant" in d.value.columns)
    assert "Lyon" in set(difference["Maintenant"])
    assert orgs.get(engine, gone)["merged_into"] is None  # nothing written
    assert orgs.get(engine, keep)["headquarters"] == "Lyon"
    at.button(key="merge_confirm").click().run()  # the preview is of the current versions now
    assert not at.exception, at.exception
    assert orgs.get(engine, gone)["merged_into"] == keep


def test_revert_one_field_change_from_the_history_with_the_later_one() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    engine = ready_engine(None)
    org = int(he.organisations(engine)["id"].iloc[0])
    version = orgs.get(engine, org)["version"]
    he.save(engine, org, version=version, profile={"headquarters": "Lyon"}, by="alice")
    he.save(engine, org, version=version + 1, profile={"headquarters": "Paris"}, by="bob")
    at.selectbox(key="edit_org").set_value(org).run()
    history = orgs.history(engine, org)
    first = int(history.loc[history["after"] == "Lyon", "change"].iloc[0])
    at.selectbox(key="edit_history_revert_pick").set_value(f"c{first}").run()
    assert not at.exception, at.exception
    assert any("plus récente" in w.value and "bob" in w.value for w in at.warning)
    assert at.radio(key="edit_history_revert_choice").value == "alone"  # refusing first
    assert not [b for b in at.button if b.key == "edit_history_revert"]
    at.radio(key="edit_history_revert_choice").set_value("both").run()
    at.button(key="edit_history_revert").click().run()
    assert not at.exception, at.exception
    assert orgs.get(engine, org)["headquarters"] == ""
    assert any("annulée" in s.value for s in at.success)
