"""The four views against small hand-computed fixtures (regions of Mali, three levels)."""

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from helpers import make_records
from shapely.geometry import box

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import ISO_CODE, LEVEL, NAME_EN, NAME_FR, PARENT, Boundaries


def three_levels() -> Boundaries:
    """Region R1 = cercles C1 (communes K1, K2) and C2 (commune K3); region R2 = cercle C3."""
    rows = [
        ("R1", "adm1", None, box(0, 0, 2, 1)),
        ("R2", "adm1", None, box(2, 0, 3, 1)),
        ("C1", "adm2", "R1", box(0, 0, 1, 1)),
        ("C2", "adm2", "R1", box(1, 0, 2, 1)),
        ("C3", "adm2", "R2", box(2, 0, 3, 1)),
        ("K1", "adm3", "C1", box(0, 0, 0.5, 1)),
        ("K2", "adm3", "C1", box(0.5, 0, 1, 1)),
        ("K3", "adm3", "C2", box(1, 0, 2, 1)),
        ("K4", "adm3", "C3", box(2, 0, 3, 1)),
    ]
    areas = gpd.GeoDataFrame(
        {
            s.AREA_CODE: [r[0] for r in rows],
            LEVEL: [r[1] for r in rows],
            NAME_FR: [f"Zone {r[0]}" for r in rows],
            NAME_EN: [f"Area {r[0]}" for r in rows],
            ISO_CODE: None,
            PARENT: [r[2] for r in rows],
        },
        geometry=[r[3] for r in rows],
        crs=4326,
    ).set_index(s.AREA_CODE)
    return Boundaries(areas=areas, level="adm1", source="test")


def records() -> pd.DataFrame:
    rows: list[dict[str, object]] = [
        # A: health in communes K1 and K2 (both in C1, R1), and water in K1.
        {s.ORG_NAME: "A", s.SECTOR: "HEA", s.AREA_CODE: "K1", s.PRESENCE: "DIRECT"},
        {s.ORG_NAME: "A", s.SECTOR: "HEA", s.AREA_CODE: "K2", s.PRESENCE: "DIRECT"},
        {s.ORG_NAME: "A", s.SECTOR: "WSH", s.AREA_CODE: "K1", s.PRESENCE: "DIRECT"},
        # B: health in K1, through a partner.
        {
            s.ORG_NAME: "B",
            s.SECTOR: "HEA",
            s.AREA_CODE: "K1",
            s.PRESENCE: "PARTNER",
            s.PARTNER: "Asso Locale",
            s.END: "2020-12-31",
        },
        # C: health for the whole cercle C1 (area-wide at commune level).
        {s.ORG_NAME: "C", s.SECTOR: "HEA", s.AREA_CODE: "C1", s.PRESENCE: "OPERATOR"},
        # D: education nationwide.
        {s.ORG_NAME: "D", s.SECTOR: "EDU", s.NATIONAL: True, s.PRESENCE: "OCCASIONAL"},
    ]
    frame = make_records(rows)
    return frame.fillna({s.PARTNER: "", s.END: "", s.PRESENCE: ""})


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("adm1", {"R1": 3, "R2": 0}),
        ("adm2", {"C1": 3, "C2": 0, "C3": 0}),
        ("adm3", {"K1": 2, "K2": 1, "K3": 0, "K4": 0}),  # C is area-wide, not spread
    ],
)
def test_density_rolls_up_from_commune_to_region(level: str, expected: dict[str, int]) -> None:
    table = a.density(records(), three_levels(), level=level).set_index(s.AREA_CODE)
    assert table[a.ACTORS].to_dict() == expected


def test_area_wide_and_nationwide_records_are_listed_apart() -> None:
    bounds = three_levels()
    assert a.area_wide_actors(records(), bounds, level="adm3") == {"C1": ["C"]}
    assert a.national_actors(records()) == ["D"]


def test_density_per_100k_and_no_data() -> None:
    table = a.density(
        records(), three_levels(), population={"R1": 300_000.0}, level="adm1"
    ).set_index(s.AREA_CODE)
    assert table.at["R1", a.PER_100K] == pytest.approx(1.0)
    assert table[a.VALUE].isna()["R2"]  # population unknown: no data, not zero
    assert not table.at["R2", a.HAS_DATA]
    assert table.at["R1", a.HAS_DATA]


def test_overlaps_need_at_least_n_organisations_in_the_same_sector() -> None:
    bounds = three_levels()
    cells = a.overlaps(records(), bounds, level="adm3")
    assert cells[[s.AREA_CODE, s.SECTOR, a.ACTORS]].values.tolist() == [["K1", "HEA", 2]]
    assert cells.loc[0, a.ORGANISATIONS] == ["A", "B"]
    at_cercle = a.overlap_by_area(records(), bounds, level="adm2").set_index(s.AREA_CODE)
    assert at_cercle.at["C1", a.VALUE] == 1  # HEA: A, B, C
    assert at_cercle.at["C1", a.ORGANISATIONS] == ["A", "B", "C"]
    assert a.overlaps(records(), bounds, level="adm3", min_actors=3).empty
    assert len(a.overlaps(records(), bounds, level="adm2", min_actors=3)) == 1


def test_pairs_rank_who_to_put_in_touch() -> None:
    table = a.pairs(records(), three_levels(), level="adm2", lang="en")
    top = table.iloc[0]
    assert (top[a.ORG_A], top[a.ORG_B], top[a.SHARED]) in {("A", "B", 1), ("A", "C", 1)}
    assert set(map(tuple, table[[a.ORG_A, a.ORG_B]].values.tolist())) == {
        ("A", "B"),
        ("A", "C"),
        ("B", "C"),
    }
    assert list(table[a.AREAS].iloc[0]) == ["Area C1"]


def test_gaps_rank_by_population_and_tell_no_data_from_zero() -> None:
    bounds = three_levels()
    filters = a.Filters(sectors=("WSH",))
    table = a.gaps(
        records(), bounds, filters=filters, level="adm3", population={"K3": 10.0, "K2": 50.0}
    )
    gaps = table.loc[table["gap"]]
    assert list(gaps[s.AREA_CODE]) == ["K2", "K3", "K4"]  # by population, unknown last
    flags = table.set_index(s.AREA_CODE)[a.HAS_DATA]
    assert flags["K2"]
    assert not flags["K3"]
    assert not flags["K4"]


def test_zones_show_sectors_presence_and_partners() -> None:
    table = a.zones(records(), three_levels(), organisations=["b", "a"], level="adm3")
    k1 = table.set_index(s.AREA_CODE).loc["K1"]
    assert k1[a.ACTORS] == 2
    details = {d["organisation"]: d for d in k1[a.DETAILS]}
    assert details["A"][a.SECTORS] == ["HEA", "WSH"]
    assert details["B"][s.PARTNER] == ["Asso Locale"]
    assert details["B"][s.PRESENCE] == ["PARTNER"]


def test_filters_on_presence_and_period() -> None:
    bounds = three_levels()
    direct = a.density(
        records(), bounds, filters=a.Filters(presence=("DIRECT",)), level="adm3"
    ).set_index(s.AREA_CODE)
    assert direct.at["K1", a.ACTORS] == 1
    recent = a.density(
        records(), bounds, filters=a.Filters(period=(date(2022, 1, 1), None)), level="adm3"
    ).set_index(s.AREA_CODE)
    assert recent.at["K1", a.ACTORS] == 1  # B ended in 2020


def test_area_actors_and_matrix() -> None:
    bounds = three_levels()
    detail = a.area_actors(records(), bounds, "C1")
    assert detail[[s.SECTOR, s.ORG_NAME]].values.tolist() == [
        ["HEA", "A"],
        ["HEA", "B"],
        ["HEA", "C"],
        ["WSH", "A"],
    ]
    assert detail.loc[1, s.PARTNER] == "Asso Locale"
    table = a.matrix(records(), bounds, level="adm1")
    assert table.loc["HEA", "Zone R1"] == 3
    assert table.loc["Total", "Total"] == 3  # distinct organisations, not a sum
    assert table.loc["WSH", "Total"] == 1
