"""The page, driven by AppTest: set a widget, run, look at what is shown."""

from pathlib import Path

import pytest
from helpers import map_counts, open_tables
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    open_tables(at).run()  # the tables under the map, opened as a planner reading them would
    assert not at.exception, at.exception
    return at


@pytest.fixture
def page() -> AppTest:
    return run()


def table_counts(at: AppTest) -> dict[str, int]:
    table = at.dataframe[0].value
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))


def test_page_renders_in_french_with_the_sample(page: AppTest) -> None:
    assert page.title[0].value == "Qui fait quoi où"
    assert "Données d'exemple" in page.warning[0].value
    assert page.sidebar.radio(key="lang").value == "fr"
    assert len(map_counts(page)) == 9
    assert map_counts(page) == table_counts(page)
    assert "tous les secteurs" in page.subheader[0].value
    captions = " ".join(c.value for c in page.caption)
    assert "Dernière mise à jour : 2026-11-29" in captions
    assert "Ménaka" in " ".join(m.value for m in page.markdown)  # the note, visible


def test_the_view_and_filters_come_first_in_the_sidebar(page: AppTest) -> None:
    radios = [r.key for r in page.sidebar.radio]
    # the page choice (map, directory, request form...) sits under the language, then the view
    assert radios[:3] == ["lang", "page", "view"]  # the boundaries' level radio comes after
    assert radios.index("view") < next(i for i, k in enumerate(radios) if "level" in str(k))


def test_one_sector_changes_table_and_map(page: AppTest) -> None:
    before_map = map_counts(page)
    page.multiselect(key="sectors").set_value(["WSH"]).run()
    assert not page.exception
    after_map = map_counts(page)
    assert after_map == table_counts(page)
    assert sum(after_map.values()) < sum(before_map.values())
    assert "Eau, hygiène et assainissement" in page.subheader[0].value
    assert page.query_params["sectors"] == "WSH"


def test_no_sector_says_what_to_do(page: AppTest) -> None:
    page.multiselect(key="sectors").set_value([]).run()
    assert "Choisissez au moins un secteur" in page.info[0].value


@pytest.mark.parametrize(
    ("key", "value_index"),
    [("types", 0), ("presence", 0), ("status", 0)],
)
def test_each_filter_narrows_the_counts(page: AppTest, key: str, value_index: int) -> None:
    before = sum(map_counts(page).values())
    widget = page.multiselect(key=key)
    widget.set_value([widget.options[value_index]]).run()
    assert not page.exception
    after = sum(map_counts(page).values())
    assert 0 < after < before
    assert key in page.query_params


def test_organisation_filter_shows_only_its_regions(page: AppTest) -> None:
    widget = page.multiselect(key="orgs")
    page.multiselect(key="orgs").set_value([widget.options[0]]).run()
    counts = map_counts(page)
    assert set(counts.values()) <= {0, 1}
    assert sum(counts.values()) >= 1


def test_switching_views(page: AppTest) -> None:
    page.radio(key="view").set_value("overlap").run()
    assert not page.exception
    assert "au moins 2 organisations" in page.subheader[0].value
    assert any(e.label.startswith("Qui mettre en relation (") for e in page.expander)
    page.number_input(key="min_overlap").set_value(6).run()
    assert "au moins 6" in page.subheader[0].value
    high = sum(map_counts(page).values())
    page.number_input(key="min_overlap").set_value(2).run()
    assert sum(map_counts(page).values()) >= high

    page.radio(key="view").set_value("gaps").run()
    assert "où aucune organisation ne travaille" in page.subheader[0].value
    page.radio(key="view").set_value("zones").run()
    assert "Choisissez au moins une organisation" in page.info[0].value
    zone = page.multiselect(key="zone_orgs")
    zone.set_value([zone.options[0]]).run()
    assert not page.exception
    assert "Zones d'intervention" in page.subheader[0].value
    assert max(map_counts(page).values()) == 1


def test_url_round_trip(page: AppTest) -> None:
    page.radio(key="view").set_value("overlap").run()
    page.multiselect(key="sectors").set_value(["HEA", "EDU"]).run()
    page.number_input(key="min_overlap").set_value(3).run()
    params = {k: str(page.query_params[k]) for k in page.query_params}
    assert params["view"] == "overlap"
    assert params["min_overlap"] == "3"
    reopened = run(params)
    assert reopened.radio(key="view").value == "overlap"
    assert set(reopened.multiselect(key="sectors").value) == {"HEA", "EDU"}
    assert reopened.number_input(key="min_overlap").value == 3
    assert reopened.subheader[0].value == page.subheader[0].value
    assert map_counts(reopened) == map_counts(page)


def test_english_switch_changes_the_labels(page: AppTest) -> None:
    page.radio(key="lang").set_value("en").run()
    assert not page.exception
    assert page.title[0].value == "Who does what where"
    assert "Sample data" in page.warning[0].value
    assert "Last updated" in " ".join(c.value for c in page.caption)
    assert list(page.dataframe[0].value.columns)[:2] == ["Region", "Organisations"]
    assert "Timbuktu" in map_counts(page)
    assert run({"lang": "en"}).title[0].value == "Who does what where"


def test_records_outside_the_boundaries_are_said_on_the_page() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    data = (
        "Nom de l'organisation,Secteur,Code région\n"
        "#org+name,#sector,#adm1+code\n"
        "Puits Bleus,Santé,ML05\n"
        "Puits Bleus,Santé,ML10\n"  # Ménaka: newer than the embedded regions, counted in Gao
        "Karité,Santé,ML99\n"  # a code no boundaries know
    ).encode()
    at.session_state["upload"] = {"name": "codes.csv", "data": data}
    at.run()
    assert not at.exception
    notes = " ".join(m.value for m in at.markdown)
    assert "Ménaka" in notes
    assert "Gao" in notes
    assert "ML99" in notes


def test_a_first_look_sends_no_data_grid() -> None:
    """The tables under the map, the import tab's rounds and the project brief are folded
    (sent once opened): a data grid on the page would make the browser load Streamlit's grid
    before it draws the map (``benchmarks.app_stages_bench``)."""
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 0
    labels = [e.label for e in at.expander]
    assert "Régions (9)" in labels
    assert "Secteurs × régions (organisations distinctes)" in labels
    assert "Note sur un projet proposé" in labels
    assert len(map_counts(at)) == 9  # the map is there
    open_tables(at).run()
    assert len(at.dataframe) == 2  # the view's table and the matrix, once opened
