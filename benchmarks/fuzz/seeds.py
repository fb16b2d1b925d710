"""Seed files for the fuzzer: the real files of ../shared/data (cut small), and tiny built ones.

Every seed is (target, file name, bytes). Targets: ``threew`` (3W CSV, XLSX, JSON),
``boundaries`` (GeoJSON, TopoJSON, zipped shapefile, GeoPackage), ``population``,
``aliases``. Real files are cut to their first rows or features so that one input takes
a fraction of a second; the cut keeps their real headers, codes, encodings and quirks.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[2]
SHARED_DATA: Final = REPO.parent / "shared" / "data"
FALLBACK_DATA: Final = Path("/work/shared/data")
_ROWS: Final = 60  # lines kept of a real CSV
_FEATURES: Final = 4  # features kept of a real GeoJSON


@dataclass(frozen=True)
class Seed:
    """One file a reader accepts (or refuses) as it is."""

    target: str
    name: str
    data: bytes


def shared_data() -> Path | None:
    """../shared/data when present (real OCHA files)."""
    for folder in (SHARED_DATA, FALLBACK_DATA):
        if folder.is_dir():
            return folder
    return None


def _head_lines(data: bytes, rows: int = _ROWS) -> bytes:
    return b"\n".join(data.split(b"\n")[:rows]) + b"\n"


def _small_geojson(data: bytes, features: int = _FEATURES) -> bytes:
    collection = json.loads(data)
    collection["features"] = collection["features"][:features]
    return json.dumps(collection).encode("utf-8")


def _workbook(rows: Sequence[Sequence[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "3W"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _small_xlsx(data: bytes) -> bytes:
    """A real workbook's data sheet cut to its first rows, saved again."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    best: list[list[object]] = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(nrows=_ROWS)
        if len(rows) > len(best) or (
            len(rows) == len(best) and rows and len(rows[0]) > len(best[0])
        ):
            best = [list(r) for r in rows]
    return _workbook(best)


def _shapefile_zip(geojson: bytes) -> bytes:
    import geopandas as gpd

    frame = gpd.read_file(io.BytesIO(geojson))
    with tempfile.TemporaryDirectory(prefix="ngomap-fuzz-seed-") as tmp:
        frame.to_file(Path(tmp) / "areas.shp", engine="pyogrio")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, path.name)
    return buffer.getvalue()


def _geopackage(geojson: bytes) -> bytes:
    import geopandas as gpd

    frame = gpd.read_file(io.BytesIO(geojson))
    with tempfile.TemporaryDirectory(prefix="ngomap-fuzz-seed-") as tmp:
        path = Path(tmp) / "areas.gpkg"
        frame.to_file(path, layer="adm1", engine="pyogrio")
        return path.read_bytes()


TINY_GEOJSON: Final = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ADM1_PCODE": code, "ADM1_FR": name, "ADM0_PCODE": "ML"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[x, 14], [x + 1, 14], [x + 1, 15], [x, 15], [x, 14]]],
                },
            }
            for code, name, x in (("ML01", "Kayes", -10), ("ML02", "Koulikoro", -9))
        ],
    }
).encode("utf-8")

TINY_TOPOJSON: Final = json.dumps(
    {
        "type": "Topology",
        "objects": {
            "adm1": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0, 1]],
                        "properties": {"ADM1_PCODE": "ML01", "ADM1_FR": "Kayes"},
                    },
                    {
                        "type": "Polygon",
                        "arcs": [[-1, 2]],
                        "properties": {"ADM1_PCODE": "ML02", "ADM1_FR": "Koulikoro"},
                    },
                ],
            }
        },
        "arcs": [
            [[-9, 14], [-9, 15]],
            [[-9, 15], [-10, 15], [-10, 14], [-9, 14]],
            [[-9, 14], [-8, 14], [-8, 15], [-9, 15]],
        ],
    }
).encode("utf-8")

TINY_3W_CSV: Final = (
    "Organisation;Secteur;Région;Cercle\n#org+name;#sector;#adm1+name;#adm2+name\n"
    "Croix-Rouge malienne;Santé;Kayes;Kita\nONG Jigi;Éducation;Mopti;Bandiagara\n"
).encode()
TINY_3W_JSON: Final = json.dumps(
    [
        ["Organisation", "Secteur", "Région"],
        ["#org+name", "#sector", "#adm1+name"],
        ["Croix-Rouge malienne", "Santé", "Kayes"],
    ]
).encode("utf-8")
TINY_POPULATION: Final = (
    b"admin1Pcode,admin1Name_fr,T_TL\nML01,Kayes,2400000\nML02,Koulikoro,3000000\n"
)
TINY_ALIASES: Final = (
    "alias,name\nCRM,Croix-Rouge malienne\nMSF,Médecins Sans Frontières\n".encode()
)


def seeds() -> list[Seed]:
    """Every seed: the tiny built files, and the real ones when ../shared/data is there."""
    out = [
        Seed("threew", "tiny.csv", TINY_3W_CSV),
        Seed("threew", "tiny.json", TINY_3W_JSON),
        Seed(
            "threew",
            "tiny.xlsx",
            _workbook([r.split(";") for r in TINY_3W_CSV.decode().splitlines()]),
        ),
        Seed("boundaries", "tiny.geojson", TINY_GEOJSON),
        Seed("boundaries", "tiny.topojson", TINY_TOPOJSON),
        Seed("boundaries", "tiny.shp.zip", _shapefile_zip(TINY_GEOJSON)),
        Seed("boundaries", "tiny.gpkg", _geopackage(TINY_GEOJSON)),
        Seed("population", "tiny_pop.csv", TINY_POPULATION),
        Seed("aliases", "aliases.csv", TINY_ALIASES),
    ]
    folder = shared_data()
    if folder is None:
        return out
    for path in sorted((folder / "3w").rglob("*")):
        if path.suffix == ".csv":
            out.append(Seed("threew", path.name, _head_lines(path.read_bytes())))
        elif path.suffix == ".xlsx":
            out.append(Seed("threew", path.name, _small_xlsx(path.read_bytes())))
    for path in sorted((folder / "boundaries").rglob("*.geojson")):
        small = _small_geojson(path.read_bytes())
        out.append(Seed("boundaries", path.name, small))
        if "adm1" in path.name:
            out.append(Seed("boundaries", path.stem + ".gpkg", _geopackage(small)))
    for path in sorted((folder / "boundaries").rglob("*.zip")):
        out.append(Seed("boundaries", path.name, path.read_bytes()))
    for path in sorted((folder / "population").rglob("*.csv")):
        out.append(Seed("population", path.name, path.read_bytes()))
    lookup = sorted((folder / "3w").rglob("*org_list.csv"))
    for path in lookup:
        out.append(Seed("aliases", path.name, _head_lines(path.read_bytes())))
    return out
