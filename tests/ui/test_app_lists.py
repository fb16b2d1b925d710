"""The page on a registry holding two lists (the embassy's sample list and a small OCHA 3W):
filters by list and by origin change the map and go into the link; the freshness view
shows, per area, the organisations to confirm again, and an uploaded file is told why it
cannot have it."""

from __future__ import annotations

from datetime import date

from helpers import map_counts, open_tables
from page_helpers import APP
from registry_helpers import three_w
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from ngomap.analysis import AREA_NAME, VALUE
from ngomap.areas.boundaries import embedded_regions
from ngomap.freshness import freshness_by_area
from ngomap.registry import db, organisations, state
from ngomap.registry.models import Organisation
from ngomap.registry.rounds import RoundInfo, apply_round
from ngomap.registry.setup import init

OCHA = (  # two organisations of OCHA's 3W, not in the embassy's list, in Kidal (ML08)
    "Sahel Relief,SRF,ONG internationale,Présence directe,Santé,ML08,2024-01-01,",
    "Jigiya,JIG,ONG nationale,Présence directe,Santé,ML08,2024-01-01,",
)


def _registry_with_two_lists() -> None:
    """The default registry (the sample, list "main"), plus OCHA's 3W as list "ocha-3w",
    confirmed long ago; one organisation's origin given."""
    init()
    engine = db.engine_for(None)
    info = RoundInfo(
        file_name="3w.csv", sha256="1" * 64, source="ocha-3w", data_date=date(2020, 1, 31)
    )
    apply_round(engine, three_w(*OCHA), info)
    with engine.connect() as connection:
        row = connection.execute(
            select(Organisation.id, Organisation.version).where(Organisation.name == "Jigiya")
        ).one()
    organisations.edit(engine, row.id, version=row.version, changes={"country": "Mali"})


def test_choosing_a_list_or_an_origin_changes_the_map_and_the_link() -> None:
    _registry_with_two_lists()
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    both = map_counts(at)
    lists = at.multiselect(key="lists")
    assert sorted(lists.value) == ["main", "ocha-3w"]  # both lists shown by default
    assert lists.label == "Listes"

    lists.set_value(["ocha-3w"]).run()
    assert not at.exception, at.exception
    only_ocha = map_counts(at)
    assert {k: v for k, v in only_ocha.items() if v} == {"Kidal": 2}
    assert both["Kidal"] > 2  # the sample's organisations in Kidal are gone with their list
    assert at.query_params["lists"] == "ocha-3w"
    assert "listes \\: ocha\\-3w" in at.subheader[0].value  # the title names the filter (escaped)

    lists.set_value(["main", "ocha-3w"]).run()
    origins = at.multiselect(key="origins")
    assert origins.options == ["Mali", "Non renseigné"]
    origins.set_value(["Mali"]).run()
    assert not at.exception, at.exception
    assert {k: v for k, v in map_counts(at).items() if v} == {"Kidal": 1}
    assert at.query_params["origins"] == "Mali"

    # The link reopens the same map.
    again = AppTest.from_file(APP, default_timeout=120)
    again.query_params.update({"lists": "ocha-3w", "origins": "?"})
    again.run()
    assert not again.exception, again.exception
    assert again.multiselect(key="lists").value == ["ocha-3w"]
    assert {k: v for k, v in map_counts(again).items() if v} == {"Kidal": 1}  # Sahel Relief


def test_freshness_view_counts_the_organisations_to_confirm_again() -> None:
    _registry_with_two_lists()
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.radio(key="view").set_value("freshness").run()
    assert not at.exception, at.exception
    # The 3W of January 2020 is years old, and Jigiya's edit of its country did not confirm
    # it again; the sample's own date decides for the rest: the library says how many.
    counts = map_counts(at)
    expected = freshness_by_area(
        state.records(db.engine_for(None)), embedded_regions(), months=12, reference=date.today()
    )
    assert counts == dict(zip(expected[AREA_NAME], expected[VALUE].astype(int), strict=True))
    assert counts["Kidal"] >= 2  # Sahel Relief and Jigiya at least
    assert at.selectbox(key="stale_months").value == 12
    assert at.query_params["stale_months"] == "12"
    assert at.query_params["view"] == "freshness"
    assert any("À reconfirmer" in str(d.value.columns) for d in open_tables(at).run().dataframe)
    at.selectbox(key="registry_fresh").set_value(6).run()  # the freshness filter hides none here
    assert not at.exception, at.exception
    assert any("La vue fraîcheur montre toutes" in c.value for c in at.caption)
    assert map_counts(at)["Kidal"] == counts["Kidal"]

    at.session_state["upload"] = {
        "name": "liste.csv",
        "data": b"Organisation;Secteur;Region\nEduco;Education;Mopti\n",
    }
    at.run()
    assert not at.exception, at.exception
    assert any("seul le registre connaît" in i.value for i in at.info)


def _click_panel_two_lists() -> None:  # runs as a page of its own: imports inside
    import pandas

    from ngomap import analysis as a
    from ngomap import schema as s
    from ngomap.areas.boundaries import embedded_regions
    from ngomap.ui import views

    records = pandas.DataFrame(
        {
            s.ORG_NAME: ["Aide Sahel", "Aide Sahel", "Jigiya"],
            s.ORG_KEY: ["aide sahel", "aide sahel", "jigiya"],
            s.SECTOR: ["HEA", "HEA", "HEA"],
            s.ADM1_CODE: ["ML08"] * 3,
            s.AREA_CODE: ["ML08"] * 3,
            s.AREA_LEVEL: ["adm1"] * 3,
            s.NATIONAL: [False] * 3,
            s.LIST_SOURCE: ["embassy", "ocha-3w", "ocha-3w"],
        }
    )
    views.area_panel(records, embedded_regions(), "ML08", a.ViewOptions(), "fr")


def test_the_click_panel_names_each_organisation_s_lists() -> None:
    at = AppTest.from_function(_click_panel_two_lists, default_timeout=120).run()
    assert not at.exception, at.exception
    table = at.table[0].value
    assert list(table.columns)[-1] == "Listes"
    assert dict(zip(table.iloc[:, 0], table["Listes"], strict=True)) == {
        "Aide Sahel": "embassy, ocha\\-3w",
        "Jigiya": "ocha\\-3w",
    }
