import geopandas as gpd
import pandas as pd
import shapely
from area_helpers import assign_areas

from ngomap import schema as s
from ngomap.areas.boundaries import LEVEL, NAME_EN, NAME_FR, PARENT, Boundaries
from ngomap.areas.matching import AreaMatcher


def test_embedded_regions_are_mali_nine_regions_with_pcodes(regions: Boundaries) -> None:
    assert regions.codes() == [f"ML0{i}" for i in range(1, 10)]
    assert regions.name("ML03", "fr") == "Sikasso"  # not Natural Earth's "Wassoulou"
    assert regions.name("ML06", "en") == "Timbuktu"
    assert regions.name("ML09", "fr") == "Bamako"  # FIPS ML01 is Bamako: never joined
    assert regions.areas.crs.to_epsg() == 4326


def code_of(regions: Boundaries, code: str = "", name: str = "") -> str | None:
    decision = AreaMatcher(regions).match({"adm1": code}, {"adm1": name})
    return decision.code


def test_codes_in_any_format_and_names_find_their_region(regions: Boundaries) -> None:
    assert code_of(regions, "MLI05") == "ML05"
    assert code_of(regions, "ML05 ") == "ML05"
    assert code_of(regions, "ML0501") == "ML05"  # a cercle rolls up
    assert code_of(regions, "ML-BKO") == "ML09"  # ISO code, via the ISO column
    assert code_of(regions, name="SEGOU") == "ML04"
    assert code_of(regions, name="Timbuktu") == "ML06"


def test_regions_newer_than_the_geometry_count_in_their_parent(regions: Boundaries) -> None:
    menaka = AreaMatcher(regions).match({"adm1": "ML10"}, {"adm1": "Ménaka"})
    assert menaka.code == "ML07"
    assert any("Gao" in note.en and "Gao" in note.fr for note in menaka.notes)
    assert code_of(regions, "ML-9") == "ML07"  # ISO Ménaka
    assert code_of(regions, "ML-10") == "ML06"  # ISO Taoudénit, not Ménaka
    assert code_of(regions, name="Taoudénit") == "ML06"


def test_nationwide_and_unknown_areas(regions: Boundaries) -> None:
    national = AreaMatcher(regions).match({}, {"adm1": "Tout le Mali"})
    assert national.national
    assert national.code is None
    unknown = AreaMatcher(regions).match({"adm1": "ML99"}, {"adm1": "Atlantide"})
    assert unknown.code is None
    assert not unknown.national
    assert any("ML99" in note.en for note in unknown.notes)
    assert AreaMatcher(regions).match({}, {}).code is None


def test_assign_areas_adds_one_area_per_row(regions: Boundaries) -> None:
    records = pd.DataFrame(
        {s.ADM1_CODE: ["ML05", "MLI05", "ML10", ""], s.ADM1_NAME: ["", "", "", "National"]}
    )
    out, _decisions = assign_areas(records, regions)
    assert out[s.AREA_CODE].fillna("none").tolist() == ["ML05", "ML05", "ML07", "none"]
    assert list(out[s.NATIONAL]) == [False, False, False, True]


def test_display_names_carry_the_parent_only_where_a_name_is_shared() -> None:
    rows = [
        ("XX01", "adm1", "Nord", None),
        ("XX02", "adm1", "Sud", None),
        ("XX0101", "adm2", "Benkadi", "XX01"),
        ("XX0201", "adm2", "Benkadi", "XX02"),
        ("XX0202", "adm2", "BENKADI", "XX02"),  # same name, same parent: the code too
        ("XX0203", "adm2", "Tomora", "XX02"),
    ]
    areas = gpd.GeoDataFrame(
        {
            LEVEL: [r[1] for r in rows],
            NAME_FR: [r[2] for r in rows],
            NAME_EN: [r[2] for r in rows],
            PARENT: [r[3] for r in rows],
        },
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(rows))],
        index=[r[0] for r in rows],
        crs=4326,
    )
    b = Boundaries(areas=areas, level="adm2", source="test")
    shown = b.display_names("adm2")
    assert shown == {
        "XX0101": "Benkadi (Nord)",
        "XX0201": "Benkadi (Sud, XX0201)",
        "XX0202": "BENKADI (Sud, XX0202)",
        "XX0203": "Tomora",
    }
    assert len(set(shown.values())) == len(shown)
    assert b.display_name("XX0101") == "Benkadi (Nord)"
    assert b.display_names("adm1") == {"XX01": "Nord", "XX02": "Sud"}
    assert b.display_name("nowhere") == "nowhere"
