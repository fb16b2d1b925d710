"""The page, driven by AppTest: set a widget, run, look at what is shown."""

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def map_counts(at: AppTest) -> dict[str, int]:
    """Counts per region, read from the GeoJSON sent to the st_folium component."""
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    found = re.search(r"_add\((\{.*?\"type\": \"FeatureCollection\"\})\);", args["script"], re.S)
    assert found is not None
    features = json.loads(found.group(1))["features"]
    return {f["properties"]["name"]: f["properties"]["count"] for f in features}


def table_counts(at: AppTest) -> dict[str, int]:
    table = at.dataframe[0].value
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))


def test_page_renders_in_french_with_the_sample(page: AppTest) -> None:
    assert page.title[0].value == "Qui fait quoi où"
    assert "Données d'exemple" in page.warning[0].value
    assert page.sidebar.radio[0].value == "fr"
    assert len(map_counts(page)) == 9
    assert map_counts(page) == table_counts(page)
    captions = " ".join(c.value for c in page.caption)
    assert "Dernière mise à jour : 2026-11-29" in captions
    assert "Ménaka" in " ".join(m.value for m in page.markdown)  # the note, visible


def test_one_sector_changes_table_and_map(page: AppTest) -> None:
    before_map, _before_table = map_counts(page), table_counts(page)
    page.sidebar.multiselect[0].set_value(["WSH"]).run()
    assert not page.exception
    after_map, after_table = map_counts(page), table_counts(page)
    assert after_map == after_table
    assert after_map != before_map
    assert sum(after_map.values()) < sum(before_map.values())
    assert "Eau, hygiène et assainissement" in page.subheader[0].value


def test_no_sector_says_what_to_do(page: AppTest) -> None:
    page.sidebar.multiselect[0].set_value([]).run()
    assert "Choisissez au moins un secteur" in page.info[0].value


def test_english_switch_changes_the_labels(page: AppTest) -> None:
    page.sidebar.radio[0].set_value("en").run()
    assert not page.exception
    assert page.title[0].value == "Who does what where"
    assert "Sample data" in page.warning[0].value
    assert "Last updated" in " ".join(c.value for c in page.caption)
    assert list(page.dataframe[0].value.columns)[:2] == ["Region", "Organisations"]
    assert "Timbuktu" in map_counts(page)
