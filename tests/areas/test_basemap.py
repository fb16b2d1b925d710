"""The shipped basemap: rivers, lakes and towns where they are, cut to a map's view."""

from __future__ import annotations

import json

import shapely
import shapely.geometry

from ngomap._paths import EMBEDDED_REGIONS
from ngomap.areas.basemap import TOWN_KINDS, context, countries, towns, view_box, water

MALI = (-12.24, 10.16, 4.24, 25.0)  # Mali's box, about


def _mali() -> shapely.Geometry:
    found = [f for f in countries()["features"] if f["properties"]["iso_a3"] == "MLI"]
    return shapely.geometry.shape(found[0]["geometry"])


def _regions() -> dict[str, shapely.Geometry]:
    features = json.loads(EMBEDDED_REGIONS.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["name_fr"]: shapely.geometry.shape(f["geometry"]) for f in features}


def test_rivers_and_lakes_are_natural_earth_and_the_niger_crosses_mali() -> None:
    data = water()
    assert "Natural Earth" in data["source"]
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert set(kinds) == {"river", "lake"}
    shapes = [shapely.geometry.shape(f["geometry"]) for f in data["features"]]
    assert all(shape.is_valid and not shape.is_empty for shape in shapes)
    rivers = [s for s, k in zip(shapes, kinds, strict=True) if k == "river"]
    # The Niger runs through Mali for some 1,700 km: a long river line inside Mali.
    inside = max(river.intersection(_mali()).length for river in rivers)
    assert inside > 10.0, inside  # degrees of line


def test_towns_are_the_capital_the_regional_capitals_and_the_neighbours_capitals() -> None:
    data = towns()
    assert "GeoNames" in data["source"]
    by_kind: dict[str, list[str]] = {}
    for feature in data["features"]:
        props = feature["properties"]
        by_kind.setdefault(props["kind"], []).append(props["name_fr"])
    assert set(by_kind) == set(TOWN_KINDS)
    assert by_kind["capital"] == ["Bamako"]
    assert {"Dakar", "Niamey", "Ouagadougou", "Nouakchott", "Conakry"} <= set(
        by_kind["foreign_capital"]
    )
    # Each region in the shipped geometry has its capital, the town of its name, inside it
    # (Bamako, the district, is the capital itself).
    points = {
        f["properties"]["name_fr"]: shapely.geometry.shape(f["geometry"]) for f in data["features"]
    }
    for name, region in _regions().items():
        assert name in points, f"no capital for the region {name}"
        assert region.buffer(0.05).contains(points[name]), name
    assert {"Ménaka", "Taoudénit"} <= set(by_kind["regional_capital"])  # the newer regions


def test_the_view_is_cut_to_what_a_map_of_mali_shows() -> None:
    whole = context()
    cut = context(bounds=MALI)
    box = shapely.box(*view_box(MALI))
    assert 0 < len(cut.countries) <= len(whole.countries)
    for feature in cut.countries:
        assert box.buffer(0.01).contains(shapely.geometry.shape(feature["geometry"]))
    assert cut.rivers is not None
    assert cut.lakes is not None
    assert box.buffer(0.01).contains(shapely.geometry.shape(cut.rivers))
    assert all(box.contains(shapely.Point(t.lon, t.lat)) for t in cut.towns)
    # Far from Mali (the Gulf of Guinea's coast): nothing of Mali's towns.
    far = context(bounds=(8.0, 3.0, 10.0, 5.0))
    assert not {"Bamako", "Kidal"} & {t.name for t in far.towns}


def test_towns_come_by_importance_with_names_in_the_map_language() -> None:
    french = context(bounds=MALI, lang="fr")
    english = context(bounds=MALI, lang="en")
    assert french.towns[0].name == "Bamako"
    assert french.towns[0].rank == 0
    ranks = [t.rank for t in french.towns]
    assert ranks == sorted(ranks)
    assert "Tombouctou" in {t.name for t in french.towns}
    assert "Timbuktu" in {t.name for t in english.towns}


def test_an_empty_context_draws_nothing() -> None:
    assert context(bounds=MALI).empty is False
    assert context(bounds=(170.0, -50.0, 171.0, -49.0)).empty  # the far Pacific
