"""Import as a round on the page (AppTest): compare an uploaded file with the registry, apply
it, see the map follow, revert it, and the map is back."""

from __future__ import annotations

from helpers import map_counts, open_tab, open_tables
from page_helpers import APP
from streamlit.testing.v1 import AppTest

from ngomap._paths import SAMPLE_FILE

GONE = "Association Fleuve Lent"
NEW_ROW = "Nouvelle Aide Test,NAT,ONG internationale,Présence directe,,,Santé,Kidal,ML08,,,\n"


def changed_sample() -> bytes:
    """The sample without one organisation, with a new one in Kidal."""
    lines = SAMPLE_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{GONE},")]
    assert len(kept) < len(lines)
    return ("".join(kept) + NEW_ROW).encode()


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def test_upload_compare_apply_and_revert_a_round() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    registry_before = map_counts(at)
    assert "Registre (état au" in " ".join(c.value for c in at.caption)

    at.session_state["upload"] = {"name": "q4.csv", "data": changed_sample()}
    at.run()
    assert not at.exception, at.exception
    choice = at.radio(key="data_shown")
    assert choice.value == "file"  # the file is shown on its own, not applied
    file_counts = map_counts(at)
    assert file_counts != registry_before
    found = metrics(at)
    assert found["Nouvelles organisations"] == 1
    assert found["Organisations absentes de ce fichier"] == 1
    assert found["Présences nouvelles"] == 1
    assert found["Présences retirées"] >= 2
    by_area = next(d.value for d in at.dataframe if "Arrivées" in d.value.columns)
    assert by_area["Arrivées"].sum() == 1
    assert "Kidal" in set(by_area.iloc[:, 0])

    choice.set_value("registry").run()  # the registry is unchanged until applied
    assert map_counts(at) == registry_before

    at.button(key="round_apply").click().run()
    assert not at.exception, at.exception
    assert any("Tour R2 appliqué" in s.value for s in at.success)
    assert at.radio(key="data_shown").value == "registry"
    assert map_counts(at) == file_counts  # the registry now holds the file's state
    assert metrics(at)["Présences nouvelles"] == 0  # the same file again: nothing new
    assert not any("Fichier" in d.value.columns for d in at.dataframe)  # import tab closed
    rounds = next(d.value for d in open_tab(at, 1).dataframe if "Fichier" in d.value.columns)
    assert list(rounds["Tour"]) == ["R2", "R1"]
    assert list(rounds["Fichier"]) == ["q4.csv", "mali_ong_exemple.csv"]  # as they are

    at.button(key="round_revert").click().run()
    assert not at.exception, at.exception
    assert any("Annulé" in s.value and "retirée" in s.value for s in at.success)
    assert map_counts(at) == registry_before
    assert metrics(at)["Présences nouvelles"] == 1


def test_freshness_filter_keeps_recent_rounds_and_goes_into_the_link() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.session_state["upload"] = {"name": "q4.csv", "data": changed_sample()}
    at.run()
    registry_before = map_counts(at.radio(key="data_shown").set_value("registry").run())
    at.button(key="round_apply").click().run()
    after = map_counts(at)
    assert after != registry_before
    at.selectbox(key="registry_fresh").set_value(12).run()  # both rounds are recent
    assert not at.exception, at.exception
    assert map_counts(at) == after
    assert at.query_params["fresh"] == "12"


def changes_table(at: AppTest) -> dict[str, tuple[int, int]]:
    table = next(
        d.value
        for d in open_tables(at).run().dataframe
        if {"Arrivées", "Départs", "Mouvements"} <= set(d.value)
    )
    return {
        str(area): (int(came), int(went))
        for area, came, went in zip(
            table.iloc[:, 0], table["Arrivées"], table["Départs"], strict=True
        )
        if came or went
    }


def test_the_changes_view_shows_what_a_file_would_change_then_what_the_round_did() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.session_state["upload"] = {"name": "q4.csv", "data": changed_sample()}
    at.run()
    at.radio(key="view").set_value("changes").run()
    assert not at.exception, at.exception
    assert "Organisations arrivées ou parties" in at.subheader[0].value
    would = changes_table(at)
    assert would["Kidal"][0] == 1  # the new organisation
    assert sum(went for _, went in would.values()) >= 2  # the one gone, in each of its regions
    assert map_counts(at)["Kidal"] == sum(would["Kidal"])

    at.button(key="round_apply").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="changes_since").value == 1  # since the round before the last
    assert changes_table(at) == would  # the round did what the file said it would
    at.selectbox(key="changes_since").set_value(2).run()  # since the last round: nothing
    assert not at.exception, at.exception
    assert changes_table(at) == {}


def test_as_of_a_date_before_a_round_shows_the_registry_then() -> None:
    from datetime import date

    at = AppTest.from_file(APP, default_timeout=120).run()
    registry_before = map_counts(at)
    at.session_state["upload"] = {"name": "q4.csv", "data": changed_sample()}
    at.run()
    at.text_input(key="upload_date").set_value("2099-01-01").run()  # the round's data date
    at.button(key="round_apply").click().run()
    assert not at.exception, at.exception
    after = map_counts(at)
    assert after != registry_before
    at.date_input(key="registry_as_of").set_value(date(2026, 11, 29)).run()  # the sample's
    assert not at.exception, at.exception
    assert map_counts(at) == registry_before
    assert "Registre (état au 29/11/2026)" in at.radio(key="data_shown").options
    assert at.query_params["as_of"] == "2026-11-29"


def test_the_lists_country_of_origin_is_given_on_the_page_and_reverted_with_the_round() -> None:
    from ngomap.registry import hand_edits as he
    from ngomap.registry import organisations as orgs
    from ngomap.registry.setup import ready_engine

    engine = ready_engine(None)

    def countries() -> dict[str, str]:
        frame = he.organisations(engine)
        return {
            str(n): str(orgs.get(engine, int(i))["country"])
            for i, n in frame[["id", "name"]].values
        }

    before = countries()
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.session_state["upload"] = {"name": "q4.csv", "data": changed_sample()}
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="round_origin").set_value("  France ").run()
    at.button(key="round_apply").click().run()
    assert not at.exception, at.exception
    after = countries()
    assert after["Nouvelle Aide Test"] == "France"  # the new organisation
    assert after["Amicale Joliba-sur-Loire"] == "France"  # a known one that had none
    assert after[GONE] == before[GONE]  # absent from this file: untouched
    open_tab(at, 1).button(key="round_revert").click().run()
    assert not at.exception, at.exception
    assert countries()["Amicale Joliba-sur-Loire"] == before["Amicale Joliba-sur-Loire"]
