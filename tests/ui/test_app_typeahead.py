"""A file naming 20,000 organisations: the organisation filters search on the server.

The browser receives the chosen names and at most ``SHOWN`` matches, never the 20,000
options (a million of them crashed the browser's multiselect).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import open_tables
from streamlit.testing.v1 import AppTest

from ngomap.ui.typeahead import SHOWN, TYPEAHEAD_FROM, matching

APP = str(Path(__file__).resolve().parents[2] / "app.py")
REGIONS = ("Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti")
COUNT = 20_000


def name(i: int) -> str:
    return f"Association Numéro {i:05d} {('Alpha', 'Béta', 'Gamma')[i % 3]}"


def many_organisations() -> bytes:
    lines = ["Organisation;Secteur;Région"]
    lines += [f"{name(i)};Santé;{REGIONS[i % len(REGIONS)]}" for i in range(COUNT)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["upload"] = {"name": "vingt_mille.csv", "data": many_organisations()}
    at.run()
    assert not at.exception, at.exception
    return at


def counts(at: AppTest) -> dict[str, int]:
    table = open_tables(at).run().dataframe[0].value
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))


def test_the_filter_offers_a_bounded_list_and_finds_any_name(page: AppTest) -> None:
    orgs = page.multiselect(key="orgs")
    assert len(orgs.options) == SHOWN < COUNT  # not 20,000 options sent to the browser
    assert any("20 000 noms" in c.value for c in page.caption)
    page.text_input(key="orgs_search").set_value("numero 12345").run()  # no accent, any case
    orgs = page.multiselect(key="orgs")
    assert orgs.options == [name(12345)]
    orgs.set_value([orgs.options[0]]).run()
    assert not page.exception
    shown = counts(page)
    assert shown[REGIONS[12345 % len(REGIONS)]] == 1
    assert sum(shown.values()) == 1
    assert page.query_params["orgs"]  # the choice is in the link, as before
    # Another search keeps what was chosen, and offers the new matches beside it.
    page.text_input(key="orgs_search").set_value("00007").run()
    orgs = page.multiselect(key="orgs")
    assert [v for v in orgs.value if "12345" in v] == orgs.value != []  # keys, not labels
    assert orgs.options[0] == name(12345)
    assert name(7) in orgs.options
    assert len(orgs.options) <= SHOWN + 1
    assert sum(counts(page).values()) == 1


def test_the_zones_view_searches_too(page: AppTest) -> None:
    page.radio(key="view").set_value("zones").run()
    zone = page.multiselect(key="zone_orgs")
    assert len(zone.options) <= SHOWN + 1
    page.text_input(key="zone_orgs_search").set_value("Numéro 19999").run()
    zone = page.multiselect(key="zone_orgs")
    assert name(19999) in zone.options
    zone.set_value([zone.options[zone.options.index(name(19999))]]).run()
    assert not page.exception
    assert "Zones d'intervention" in page.subheader[0].value


def test_a_small_set_stays_a_plain_multiselect() -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert len(at.multiselect(key="orgs").options) < TYPEAHEAD_FROM
    assert not [w for w in at.text_input if w.key == "orgs_search"]


def test_matching_ranks_starts_first_and_ignores_case_and_accents() -> None:
    choices = {"a": "Sauvetage rouge", "b": "Rouge Espoir", "c": "Bourouge", "d": "Plan"}
    assert matching(choices, "ROUGE") == (["b", "a", "c"], 3)  # start, word start, inside
    assert matching(choices, "rouge", limit=1) == (["b"], 3)
    assert matching({"x": "Croix-Rouge", "y": "Croix"}, "croix rouge") == (["x"], 1)
    assert matching({"x": "Éducation pour tous"}, "EDUCATION") == (["x"], 1)
    assert matching(choices, "", limit=2) == (["a", "b"], 4)
    assert matching(choices, "zzz") == ([], 0)
