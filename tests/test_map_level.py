"""Rows are merged at the map's level: one organisation in one sector counts once per area.

Two rows of one organisation and sector in two communes of one region are one presence in
that region; a row at the region itself and a row in one of its cercles likewise. Every
view's count per region equals the count computed on the same rows rolled up to regions,
whatever the level of the rows.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from helpers import make_records

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import ISO_CODE, LEVEL, NAME_EN, NAME_FR, PARENT, Boundaries

AREAS = [
    # code, level, name, parent
    ("XX01", "adm1", "Nord", None),
    ("XX02", "adm1", "Sud", None),
    ("XX0101", "adm2", "Cercle A", "XX01"),
    ("XX0102", "adm2", "Cercle B", "XX01"),
    ("XX0201", "adm2", "Cercle C", "XX02"),
    ("XX010101", "adm3", "Commune 1", "XX0101"),
    ("XX010102", "adm3", "Commune 2", "XX0101"),
    ("XX010201", "adm3", "Commune 3", "XX0102"),
    ("XX020101", "adm3", "Commune 4", "XX0201"),
]


def three_levels() -> Boundaries:
    frame = pd.DataFrame(
        [
            {s.AREA_CODE: c, LEVEL: lvl, NAME_FR: n, NAME_EN: n, ISO_CODE: None, PARENT: p}
            for c, lvl, n, p in AREAS
        ]
    ).set_index(s.AREA_CODE)
    areas = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=4326)
    return Boundaries(areas=areas, level="adm3", source="built", version="test")


def rows() -> pd.DataFrame:
    return make_records(
        [
            # Alpha, WASH: two communes of one cercle, a commune of another cercle, and the
            # region itself: one presence in Nord.
            {s.ORG_NAME: "Alpha", s.SECTOR: "WSH", s.AREA_CODE: "XX010101"},
            {s.ORG_NAME: "Alpha", s.SECTOR: "WSH", s.AREA_CODE: "XX010102"},
            {s.ORG_NAME: "Alpha", s.SECTOR: "WSH", s.AREA_CODE: "XX010201"},
            {s.ORG_NAME: "Alpha", s.SECTOR: "WSH", s.AREA_CODE: "XX01"},
            # Beta, WASH: a cercle of Nord and a commune in it.
            {s.ORG_NAME: "Beta", s.SECTOR: "WSH", s.AREA_CODE: "XX0101"},
            {s.ORG_NAME: "Beta", s.SECTOR: "WSH", s.AREA_CODE: "XX010101"},
            # Beta, health, in Sud twice.
            {s.ORG_NAME: "Beta", s.SECTOR: "HEA", s.AREA_CODE: "XX0201"},
            {s.ORG_NAME: "Beta", s.SECTOR: "HEA", s.AREA_CODE: "XX020101"},
        ]
    )


def test_views_count_each_organisation_once_per_region() -> None:
    b, records = three_levels(), rows()
    density = a.density(records, b, level="adm1").set_index(s.AREA_CODE)[a.ACTORS]
    assert density.to_dict() == {"XX01": 2, "XX02": 1}
    gaps = a.gaps(records, b, level="adm1", max_actors=2).set_index(s.AREA_CODE)[a.ACTORS]
    assert gaps.to_dict() == {"XX01": 2, "XX02": 1}
    cells = a.overlaps(records, b, level="adm1", min_actors=1)
    assert sorted(zip(cells[s.AREA_CODE], cells[s.SECTOR], cells[a.ACTORS], strict=True)) == [
        ("XX01", "WSH", 2),
        ("XX02", "HEA", 1),
    ]
    assert a.overlap_by_area(records, b, level="adm1").set_index(s.AREA_CODE)[
        a.VALUE
    ].to_dict() == {"XX01": 1.0, "XX02": 0.0}
    pairs = a.pairs(records, b, level="adm1")
    assert pairs[a.SHARED].tolist() == [1]  # Nord x WASH, once, however many rows
    zones = a.zones(records, b, organisations=["alpha"], level="adm1").set_index(s.AREA_CODE)
    assert zones.at["XX01", a.VALUE] == 1
    details = list(zones[a.DETAILS]["XX01"])
    assert [d["organisation"] for d in details] == ["Alpha"]
    matrix = a.matrix(records, b, level="adm1")
    assert matrix.loc["WSH", "Nord"] == 2
    assert matrix.loc["Total", "Total"] == 2
    summary = a.summary(records, b, level="adm1")
    assert sorted(zip(summary[s.AREA_CODE], summary[s.SECTOR], summary[a.ACTORS], strict=True)) == [
        ("XX01", "WSH", 2),
        ("XX02", "HEA", 1),
    ]
    panel = a.area_actors(records, b, "XX01")
    assert panel[[s.SECTOR, s.ORG_NAME]].values.tolist() == [["WSH", "Alpha"], ["WSH", "Beta"]]


def test_presences_at_the_maps_level() -> None:
    """Rows become presences at the map's level: organisation x sector x area of that level."""
    b, records = three_levels(), rows()
    regions = a.presences_at(records, b, level="adm1")
    assert (regions.records, regions.presences, regions.merged) == (8, 3, 5)
    assert regions.area_wide == 0
    cercles = a.presences_at(records, b, level="adm2")
    # Alpha WASH: Cercle A, Cercle B (its region row is area-wide); Beta WASH: Cercle A;
    # Beta HEA: Cercle C.
    assert (cercles.presences, cercles.area_wide) == (4, 1)
    assert cercles.merged == 8 - 1 - 4
    communes = a.presences_at(records, b, level="adm3")
    assert (communes.presences, communes.area_wide) == (5, 3)
    assert communes.merged == 0


def test_region_counts_do_not_depend_on_the_rows_level() -> None:
    """The same work written at commune, cercle or region level counts the same per region."""
    b = three_levels()
    fine = rows()
    coarse = fine.assign(**{s.AREA_CODE: fine[s.AREA_CODE].str[:4]})
    middle = fine.assign(
        **{s.AREA_CODE: fine[s.AREA_CODE].map(lambda c: c[:6] if len(c) > 6 else c)}
    )
    tables = [a.summary(f, b, level="adm1") for f in (fine, middle, coarse)]
    for table in tables[1:]:
        pd.testing.assert_frame_equal(table, tables[0])
