import geopandas as gpd
import pandas as pd
from helpers import make_records

from ngomap import analysis
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries


def tiny() -> pd.DataFrame:
    return make_records(
        [
            # One organisation, two sectors, same region: counts once there.
            {s.ORG_NAME: "Puits Bleus", s.SECTOR: "WSH", s.AREA_CODE: "ML05"},
            {s.ORG_NAME: "Puits Bleus", s.SECTOR: "HEA", s.AREA_CODE: "ML05"},
            {s.ORG_NAME: "Karité", s.SECTOR: "HEA", s.AREA_CODE: "ML05"},
            # A Ménaka record, already assigned to Gao by the importer.
            {s.ORG_NAME: "Karité", s.SECTOR: "EDU", s.AREA_CODE: "ML07"},
            {s.ORG_NAME: "Dunes", s.SECTOR: "EDU", s.NATIONAL: True},
        ]
    )


def test_actors_by_area_counts_distinct_organisations(regions: Boundaries) -> None:
    table = analysis.actors_by_area(tiny(), regions).set_index(s.AREA_CODE)
    assert table.at["ML05", analysis.ACTORS] == 2
    assert table.at["ML05", analysis.ORGANISATIONS] == ["Karité", "Puits Bleus"]
    assert table.at["ML07", analysis.ACTORS] == 1
    assert table.at["ML01", analysis.ACTORS] == 0  # every region listed
    assert len(table) == 9
    assert table[analysis.ACTORS].sum() == 3  # the national record is not spread


def test_sector_filter_changes_counts(regions: Boundaries) -> None:
    table = analysis.actors_by_area(tiny(), regions, sectors=["WSH"]).set_index(s.AREA_CODE)
    assert table.at["ML05", analysis.ACTORS] == 1
    assert table.at["ML07", analysis.ACTORS] == 0


def test_national_actors_are_listed_apart() -> None:
    assert analysis.national_actors(tiny()) == ["Dunes"]
    assert analysis.national_actors(tiny(), sectors=["WSH"]) == []


def test_summary_has_one_row_per_area_and_sector(regions: Boundaries) -> None:
    table = analysis.summary(tiny(), regions, lang="en")
    assert list(table.columns) == [
        "area_code",
        "area_name",
        "level",
        "sector",
        "actors",
        "organisations",
    ]
    mopti_health = table[(table.area_code == "ML05") & (table.sector == "HEA")].iloc[0]
    assert mopti_health.actors == 2
    assert mopti_health.organisations == "Karité; Puits Bleus"
    national = table[table.level == "national"].iloc[0]
    assert (national.sector, national.actors, national.area_name) == ("EDU", 1, "Nationwide")
    assert len(analysis.summary(tiny(), regions, sectors=["LOG"])) == 0


def test_actors_by_sector_counts_organisations_not_rows() -> None:
    by_sector = analysis.actors_by_sector(tiny()).set_index(s.SECTOR)[analysis.ACTORS]
    assert by_sector.to_dict() == {"HEA": 2, "EDU": 2, "WSH": 1}


def two_levels() -> Boundaries:
    from shapely.geometry import box

    from ngomap.areas.boundaries import ISO_CODE, LEVEL, NAME_EN, NAME_FR, PARENT

    rows = [
        ("R1", "adm1", "Région Une", None, box(0, 0, 2, 1)),
        ("R101", "adm2", "Cercle A", "R1", box(0, 0, 1, 1)),
        ("R102", "adm2", "Cercle B", "R1", box(1, 0, 2, 1)),
    ]
    areas = gpd.GeoDataFrame(
        {
            s.AREA_CODE: [r[0] for r in rows],
            LEVEL: [r[1] for r in rows],
            NAME_FR: [r[2] for r in rows],
            NAME_EN: [r[2] for r in rows],
            ISO_CODE: None,
            PARENT: [r[3] for r in rows],
        },
        geometry=[r[4] for r in rows],
        crs=4326,
    ).set_index(s.AREA_CODE)
    return Boundaries(areas=areas, level="adm2", source="test")


def test_finer_records_roll_up_and_coarser_ones_stay_area_wide() -> None:
    boundaries = two_levels()
    records = make_records(
        [
            {s.ORG_NAME: "Puits Bleus", s.SECTOR: "WSH", s.AREA_CODE: "R101"},
            {s.ORG_NAME: "Karité", s.SECTOR: "WSH", s.AREA_CODE: "R1"},  # the whole region
        ]
    )
    cercles = analysis.actors_by_area(records, boundaries).set_index(s.AREA_CODE)
    assert cercles[analysis.ACTORS].to_dict() == {"R101": 1, "R102": 0}  # Karité not spread
    assert analysis.area_wide_actors(records, boundaries) == {"R1": ["Karité"]}
    regions = analysis.actors_by_area(records, boundaries, level="adm1")
    assert regions[analysis.ACTORS].tolist() == [2]
    assert boundaries.codes_for_name("cercle a", parent="R1") == ["R101"]
