"""The changes view's arithmetic: arrivals and departures between two states, per area."""

from __future__ import annotations

from datetime import date

from registry_helpers import FIRST, SECOND, three_w

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.movements import (
    ARRIVAL,
    ARRIVALS,
    CHANGE,
    DEPARTURE,
    DEPARTURES,
    changes_by_area,
    movement_records,
    movement_text,
)
from ngomap.views import build_view


def test_movement_records_keep_what_moved_once() -> None:
    before, after = three_w(*FIRST), three_w(*SECOND)
    moved = movement_records(before, after)
    came = moved.loc[moved[CHANGE] == ARRIVAL]
    went = moved.loc[moved[CHANGE] == DEPARTURE]
    assert sorted(zip(came[s.ORG_NAME], came[s.AREA_CODE], strict=True)) == [
        ("Eaux Pour Tous", "ML07"),
        ("Jardins Fleuve Niger", "ML08"),
        ("Nouveaux Horizons", "ML06"),
    ]
    assert sorted(zip(went[s.ORG_NAME], went[s.AREA_CODE], strict=True)) == [
        ("Eau Pour Tous", "ML04"),
        ("Jardins du Fleuve", "ML05"),
    ]
    assert movement_records(before, before).empty  # nothing moved
    twice = movement_records(before.iloc[:0], after)
    assert len(twice) == len(after)  # from nothing: everything arrived


def test_changes_by_area_counts_arrivals_and_departures(regions: Boundaries) -> None:
    moved = movement_records(three_w(*FIRST), three_w(*SECOND))
    table = changes_by_area(moved, regions, level="adm1").set_index(s.AREA_CODE)
    assert table.loc["ML04", DEPARTURES] == 1
    assert table.loc["ML04", ARRIVALS] == 0
    assert table.loc["ML06", ARRIVALS] == 1
    assert table.loc["ML01", a.VALUE] == 0  # Aide Sahel stayed: no movement
    assert int(table[a.VALUE].sum()) == 5
    assert table.loc["ML05", a.DETAILS] == ((), ("Jardins du Fleuve",))
    only_health = changes_by_area(moved, regions, level="adm1", filters=a.Filters(sectors=("HEA",)))
    assert int(only_health[a.VALUE].sum()) == 1  # Nouveaux Horizons, in health


def test_movement_text_in_both_languages() -> None:
    assert movement_text((("A", "B"), ("C",)), "fr") == "arrivées : A, B ; parties : C"
    assert movement_text(((), ("C",)), "en") == "left: C"


def test_the_changes_view_is_built_like_every_view(regions: Boundaries) -> None:
    moved = movement_records(three_w(*FIRST), three_w(*SECOND))
    view = build_view(
        moved,
        regions,
        a.ViewOptions(view="changes"),
        lang="fr",
        data_source="Registre",
        data_updated=date(2024, 9, 30),
    )
    assert view.headline == "Organisations arrivées ou parties, par région"
    shown = view.table.set_index(s.AREA_CODE)
    assert shown.loc["ML05", a.DETAILS] == "parties : Jardins du Fleuve"
    assert view.labels.legend_title == "Arrivées + départs"


def test_the_changes_view_exports_its_own_table(regions: Boundaries) -> None:
    from ngomap.export import formats as ex
    from ngomap.importer.threew import Dataset
    from ngomap.importer.validate import ImportReport

    moved = movement_records(three_w(*FIRST), three_w(*SECOND))
    dataset = Dataset(
        records=moved,
        report=ImportReport(source="test", rows_read=len(moved)),
        titles={"fr": "Changements"},
        sources={"fr": "Registre"},
        updated=date(2024, 9, 30),
    )
    snap = ex.Snapshot.of(dataset, regions, a.ViewOptions(view="changes"), "fr")
    table = ex.view_data(snap)
    assert list(table.columns) == ["Région", "P-code", "Arrivées", "Départs", "Mouvements"]
    assert len(table) == 5  # the five regions where someone arrived or left
    assert int(table["Arrivées"].sum()) == 3
    assert int(table["Départs"].sum()) == 2
    assert ex.view_csv(snap).decode("utf-8-sig").startswith("Région,")
