import pandas as pd

from ngomap import schema as s
from ngomap.boundaries import Boundaries, assign_areas, match_area


def test_embedded_regions_are_mali_nine_regions_with_pcodes(regions: Boundaries) -> None:
    assert regions.codes() == [f"ML0{i}" for i in range(1, 10)]
    assert regions.name("ML03", "fr") == "Sikasso"  # not Natural Earth's "Wassoulou"
    assert regions.name("ML06", "en") == "Timbuktu"
    assert regions.name("ML09", "fr") == "Bamako"  # FIPS ML01 is Bamako: never joined
    assert regions.areas.crs.to_epsg() == 4326


def test_codes_in_any_format_and_names_find_their_region(regions: Boundaries) -> None:
    assert match_area(regions, ["MLI05"], []).code == "ML05"
    assert match_area(regions, ["ML05 "], []).code == "ML05"
    assert match_area(regions, ["ML0501"], []).code == "ML05"  # a cercle rolls up
    assert match_area(regions, ["ML-BKO"], []).code == "ML09"  # ISO code, via the ISO column
    assert match_area(regions, [], ["SEGOU"]).code == "ML04"
    assert match_area(regions, [], ["Timbuktu"]).code == "ML06"


def test_regions_newer_than_the_geometry_count_in_their_parent(regions: Boundaries) -> None:
    menaka = match_area(regions, ["ML10"], ["Ménaka"])
    assert menaka.code == "ML07"
    assert "Gao" in menaka.note_en
    assert "Gao" in menaka.note_fr
    assert match_area(regions, ["ML-9"], []).code == "ML07"  # ISO Ménaka
    assert match_area(regions, ["ML-10"], []).code == "ML06"  # ISO Taoudénit, not Ménaka
    assert match_area(regions, [""], ["Taoudénit"]).code == "ML06"


def test_nationwide_and_unknown_areas(regions: Boundaries) -> None:
    national = match_area(regions, [], ["Tout le Mali"])
    assert national.national
    assert national.code is None
    unknown = match_area(regions, ["ML99"], ["Atlantide"])
    assert unknown.code is None
    assert not unknown.national
    assert "ML99" in unknown.note_en
    assert match_area(regions, [], []).code is None


def test_assign_areas_adds_one_area_per_row(regions: Boundaries) -> None:
    records = pd.DataFrame(
        {s.ADM1_CODE: ["ML05", "MLI05", "ML10", ""], s.ADM1_NAME: ["", "", "", "National"]}
    )
    out = assign_areas(records, regions)
    assert out[s.AREA_CODE].fillna("none").tolist() == ["ML05", "ML05", "ML07", "none"]
    assert list(out[s.NATIONAL]) == [False, False, False, True]
    assert out[s.AREA_NOTE].notna().tolist() == [False, False, True, False]
