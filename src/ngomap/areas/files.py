"""Boundary files in: GeoJSON, GeoPackage, zipped Shapefile, TopoJSON, at one or more levels.

``load_boundaries`` reads one or several files (the three COD-AB levels, say), recognises
the code, name and parent-code fields by convention (COD-AB, geoBoundaries, Natural Earth,
GADM), reprojects to EPSG:4326, repairs invalid shapes and says so in ``Boundaries.notes``,
and derives coarser levels by dissolving finer ones on their parent codes. Zips are
expanded in a temporary folder, with their paths and expanded size checked first.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError

from ngomap import schema as s
from ngomap.areas.boundaries import (
    ISO_CODE,
    LEVEL,
    LEVELS,
    NAME_ALT,
    NAME_EN,
    NAME_FR,
    PARENT,
    Boundaries,
    BoundaryNote,
    embedded_regions,
)
from ngomap.areas.geometry import locate_points, repair
from ngomap.errors import BoundaryError
from ngomap.limits import (
    DEFAULT_LIMITS,
    check_archive,
    check_boundary_json,
    check_bytes,
    check_coordinates,
    check_file_coordinates,
    refusal,
)
from ngomap.messages import Msg, Text, pair
from ngomap.normalise import clean_text, norm_pcode, norm_text

# A zip whose files add up to more than this is refused before anything is written.
MAX_UNZIPPED_BYTES: Final = 500 * 1024 * 1024
VECTOR_SUFFIXES: Final = (".shp", ".gpkg", ".geojson", ".json", ".topojson")
_CHUNK: Final = 1024 * 1024
_PARSE_JSON_UP_TO: Final = 20_000_000  # bytes of JSON checked by Python's parser first


@dataclass(frozen=True)
class LayerFields:
    """Which columns of a layer hold what, and the level of its areas.

    ``ancestors`` maps a coarser level to its (code column, name column): COD-AB files
    repeat their parents' codes and names on every row, which is enough to build the
    coarser levels by dissolving.
    """

    level: str
    code: str | None
    name: str | None
    name_en: str | None = None
    alt_name: str | None = None
    parent: str | None = None
    iso: str | None = None
    ancestors: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    convention: str = ""


# --- conventions ----------------------------------------------------------------------------


def _n(level: str) -> int:
    return LEVELS.index(level) + 1


def _find(columns: Sequence[str], *candidates: str) -> str | None:
    """The first column matching a candidate, ignoring case."""
    lower = {c.lower(): c for c in columns}
    for candidate in candidates:
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    return None


def _code_col(columns: Sequence[str], n: int) -> str | None:
    return _find(columns, f"ADM{n}_PCODE", f"admin{n}Pcode", f"ADM{n}_CODE", f"GID_{n}")


def _name_cols(columns: Sequence[str], n: int) -> tuple[str | None, str | None]:
    french = _find(columns, f"ADM{n}_FR", f"admin{n}Name_fr", f"ADM{n}_NAME", f"NAME_{n}")
    english = _find(columns, f"ADM{n}_EN", f"admin{n}Name_en")
    return french or english, english


def recognise_fields(
    columns: Sequence[str], values: pd.DataFrame | None = None
) -> LayerFields | None:
    """The fields of a layer by convention, or None when no convention fits.

    COD-AB (``ADM2_PCODE``, ``ADM2_FR``, ``ADM1_PCODE``, ``ADM2_REF``) and the HDX variant
    (``admin2Pcode``), GADM (``GID_2``, ``NAME_2``), geoBoundaries (``shapeName``,
    ``shapeISO``, ``shapeType`` = ADM1..), Natural Earth admin-1 (``iso_3166_2``, ``name``).
    """
    for n in (3, 2, 1):
        code = _code_col(columns, n)
        if code is None:
            continue
        name, name_en = _name_cols(columns, n)
        ancestors: dict[str, tuple[str, str | None]] = {}
        for m in range(n - 1, 0, -1):
            parent_code = _code_col(columns, m)
            if parent_code is not None:
                ancestors[LEVELS[m - 1]] = (parent_code, _name_cols(columns, m)[0])
        parent = ancestors.get(LEVELS[n - 2], (None, None))[0] if n > 1 else None
        return LayerFields(
            level=LEVELS[n - 1],
            code=code,
            name=name,
            name_en=name_en if name_en != name else None,
            alt_name=_find(columns, f"ADM{n}_REF", f"VARNAME_{n}"),
            parent=parent,
            ancestors=ancestors,
            convention="GADM" if code.upper().startswith("GID") else "COD-AB",
        )
    shape_name = _find(columns, "shapeName")
    if shape_name is not None:
        level = "adm1"
        shape_type = _find(columns, "shapeType")
        if shape_type is not None and values is not None and len(values):
            found = str(values[shape_type].iloc[0]).strip().lower()
            if found in LEVELS:
                level = found
        return LayerFields(
            level=level,
            code=None,  # made from the names: geoBoundaries has no P-codes
            name=shape_name,
            iso=_find(columns, "shapeISO"),
            convention="geoBoundaries",
        )
    iso = _find(columns, "iso_3166_2")
    ne_name = _find(columns, "name_fr", "name")
    if iso is not None and ne_name is not None:
        return LayerFields(
            level="adm1",
            code=iso,
            name=ne_name,
            name_en=_find(columns, "name_en", "name"),
            iso=iso,
            convention="Natural Earth",
        )
    return None


# --- reading files --------------------------------------------------------------------------


def _error(path: Path, en: str, fr: str) -> BoundaryError:
    return BoundaryError(f"{path.name}: {en}", f"{path.name} : {fr}")


def _unsafe_member(name: str) -> bool:
    pure = PurePosixPath(name.replace("\\", "/"))
    return (
        pure.is_absolute()
        or ".." in pure.parts
        or bool(re.match(r"^[A-Za-z]:", name))
        or name.startswith(("/", "\\"))
    )


def _extract_zip(path: Path, target: Path, limit: int) -> None:
    """Expand ``path`` into ``target``, refusing unsafe paths and more than ``limit`` bytes."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise _error(
            path,
            *pair(Msg.FILES_NOT_READABLE_ZIP),
        ) from exc
    with archive:
        check_archive(
            archive,
            path.name,
            replace(DEFAULT_LIMITS, max_unzipped_bytes=limit),
            error=BoundaryError,
        )
        members = archive.infolist()
        unsafe = [m.filename for m in members if _unsafe_member(m.filename)]
        if unsafe:
            raise _error(
                path,
                *pair(Msg.FILES_ZIP_HOLDS_PATHS, unsafe=unsafe[0]),
            )
        stated = sum(m.file_size for m in members)
        too_big = _error(
            path,
            *pair(Msg.FILES_ZIP_EXPANDS_MORE, value=limit / 1e6),
        )
        if stated > limit:
            raise too_big
        try:
            _unpack(archive, members, target, limit, too_big)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            OSError,
            ValueError,
        ) as exc:
            raise _error(
                path,
                *pair(Msg.FILES_ZIP_DAMAGED_FILE, name=type(exc).__name__),
            ) from exc


def _unpack(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    target: Path,
    limit: int,
    too_big: BoundaryError,
) -> None:
    written = 0
    for member in members:
        if member.is_dir():
            continue
        out = target.joinpath(*PurePosixPath(member.filename.replace("\\", "/")).parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, out.open("wb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > limit:  # the sizes stated in the zip can lie
                    raise too_big
                sink.write(chunk)


@contextmanager
def _vector_files(path: Path, limit: int) -> Iterator[list[Path]]:
    """The vector files a path stands for (a zip's are expanded in a temporary folder)."""
    if not path.is_file():
        raise _error(path, *pair(Msg.FILES_FILE_NOT_FOUND))
    if path.suffix.lower() != ".zip":
        yield [path]
        return
    with tempfile.TemporaryDirectory(prefix="ngomap-zip-") as tmp:
        _extract_zip(path, Path(tmp), limit)
        found = sorted(
            p
            for p in Path(tmp).rglob("*")
            if p.suffix.lower() in VECTOR_SUFFIXES and p.is_file() and not p.name.startswith(".")
        )
        if not found:
            raise _error(
                path,
                *pair(Msg.FILES_ZIP_HOLDS_NO),
            )
        yield found


def _check_json(path: Path, shown: Path) -> None:
    """Valid JSON, not nested deeper than the limit (checked before GDAL reads it)."""
    check_bytes(path.stat().st_size, shown.name, DEFAULT_LIMITS, error=BoundaryError)
    data = path.read_bytes()
    check_boundary_json(data, shown.name, error=BoundaryError)
    parsed: object = {}
    try:
        if len(data) <= _PARSE_JSON_UP_TO:
            parsed = json.loads(data)
        elif data.lstrip()[:1] != b"{":  # parsed here, a big file would take ten times
            parsed = []  # its size: GDAL says what is wrong inside it
    except RecursionError:
        raise refusal(
            "json_depth", name=shown.name, error=BoundaryError, limit=DEFAULT_LIMITS.max_json_depth
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (
            Text(Msg.FILES_LINE_COLUMN, {"line": exc.lineno, "column": exc.colno})
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise _error(path, *pair(Msg.FILES_NOT_VALID_JSON, where=where)) from exc
    del data
    if not isinstance(parsed, dict):
        raise _error(
            shown,
            *pair(Msg.FILES_JSON_NOT_GEOJSON),
        )


_PATH: Final = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\:'\"]+)+[/\\]?")


def _reader_text(exc: BaseException) -> str:
    """A reader's message (GDAL's) without the server's paths: a file keeps its name only."""
    text = " ".join(str(exc).split())[:300]
    return _PATH.sub(lambda m: PurePosixPath(m.group(0).replace("\\", "/")).name, text)


def _check_shapefile(path: Path, shown: Path, crs: str | None) -> None:
    # A point takes 16 bytes in a .shp: its size bounds the points before GDAL reads them.
    check_file_coordinates(path.stat().st_size // 16, shown.name)
    siblings = {p.suffix.lower(): p for p in path.parent.glob(path.stem + ".*")}
    missing = [ext for ext in (".shx", ".dbf") if ext not in siblings]
    if missing:
        raise _error(
            shown,
            *(
                pair(Msg.FILES_SHAPEFILE_WITHOUT_ONE, path=path.name, missing=missing[0])
                if len(missing) == 1
                else pair(
                    Msg.FILES_SHAPEFILE_WITHOUT_TWO,
                    path=path.name,
                    first=missing[0],
                    second=missing[1],
                )
            ),
        )
    if ".prj" not in siblings and crs is None:
        raise _error(
            shown,
            *pair(Msg.FILES_SHAPEFILE_NO_PRJ, path=path.name),
        )


def _layers(path: Path, shown: Path, crs: str | None = None) -> list[tuple[str, str]]:
    if path.suffix.lower() in (".geojson", ".json", ".topojson"):
        _check_json(path, shown)
    if path.suffix.lower() == ".shp":
        _check_shapefile(path, shown, crs)
    try:
        with _quiet_gdal():
            return [(str(name), str(kind)) for name, kind in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several types for unreadable data
        raise _unreadable(shown, exc) from exc


@contextmanager
def _quiet_gdal() -> Iterator[None]:
    """GDAL's warnings about damaged files (with the server's temporary paths) kept quiet:
    what is wrong reaches the user as the reader's error, in a sentence."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _unreadable(shown: Path, exc: BaseException) -> BoundaryError:
    said = _reader_text(exc)
    return _error(
        shown,
        *pair(Msg.FILES_FILE_CANNOT_READ, said=said),
    )


def _read_frame(
    file: Path, shown: Path, layer: str, max_features: int | None = None
) -> gpd.GeoDataFrame:
    """A layer read by GDAL; its failures said in a sentence, without the server's paths."""
    try:
        with _quiet_gdal():
            if max_features is not None:
                return pyogrio.read_dataframe(file, layer=layer, max_features=max_features)
            return gpd.read_file(file, layer=layer, engine="pyogrio")
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # GDAL raises several types for damaged data
        raise _unreadable(shown, exc) from exc


def _is_polygonal(kind: str) -> bool:
    return "polygon" in kind.lower()


@dataclass
class _Layer:
    """One level read from one layer: areas indexed by code, plus their ancestors' columns."""

    level: str
    frame: gpd.GeoDataFrame  # columns: NAME_FR, NAME_EN, ISO_CODE, PARENT, anc_* , geometry
    source: str
    convention: str
    version: str = ""


def _slug(text: object) -> str:
    return "_".join(norm_text(text).upper().split()) or "X"


def _made_codes(frame: pd.DataFrame, fields: LayerFields, stem: str) -> list[str]:
    """Stable codes for areas that have none: the level and the normalised name."""
    group = "XX"
    group_col = _find(list(frame.columns), "shapeGroup")
    if group_col is not None and len(frame):
        group = clean_text(frame[group_col].iloc[0]) or group
    codes: list[str] = []
    seen: dict[str, int] = {}
    for name in frame[fields.name] if fields.name else [stem] * len(frame):
        base = f"{group}-{fields.level.upper()}-{_slug(name)}"
        seen[base] = seen.get(base, 0) + 1
        codes.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return codes


def _text_column(frame: pd.DataFrame, column: str | None) -> list[str | None]:
    if column is None:
        return [None] * len(frame)
    return [clean_text(v) or None for v in frame[column]]


def _check_degrees(frame: gpd.GeoDataFrame, shown: Path, crs: str | None) -> None:
    """Coordinates that are not longitudes and latitudes once reprojected: a wrong system."""
    if frame.empty:
        return
    west, south, east, north = (float(v) for v in frame.total_bounds)
    if all(math.isfinite(v) for v in (west, south, east, north)) and (
        -180.5 <= west <= east <= 180.5 and -90.5 <= south <= north <= 90.5
    ):
        return
    said = f" ({crs})" if crs else ""
    raise _error(
        shown,
        *pair(Msg.FILES_ONCE_REPROJECTED_COORDINATES, said=said),
    )


def _read_layer(
    file: Path,
    layer: str,
    shown: Path,
    fields: LayerFields | None,
    notes: list[BoundaryNote],
    crs: str | None = None,
) -> _Layer:
    frame = _read_frame(file, shown, layer)
    check_coordinates(
        shapely.get_num_coordinates(np.asarray(frame.geometry.values, dtype=object)).tolist(),
        shown.name,
    )
    if frame.geometry.has_z.any():  # heights are of no use to a map, and break drawing
        frame = frame.set_geometry(
            shapely.force_2d(np.asarray(frame.geometry.values, dtype=object)), crs=frame.crs
        )
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    fields = fields or recognise_fields(columns, pd.DataFrame(frame))
    if fields is None:
        raise _error(
            shown,
            *pair(Msg.FILES_NO_CODE_NAME, layer=layer, columns=", ".join(columns)),
        )
    if frame.crs is None:
        if file.suffix.lower() in (".geojson", ".json", ".topojson"):
            frame = frame.set_crs(4326)  # GeoJSON is WGS84 by definition; TopoJSON in practice
        elif crs is not None:
            frame = frame.set_crs(crs)
            notes.append(
                BoundaryNote(
                    "crs.given",
                    *pair(Msg.FILES_NO_COORDINATE_SYSTEM, shown=shown.name, crs=crs),
                )
            )
        else:
            raise _error(
                shown,
                *pair(Msg.FILES_LAYER_NO_COORDINATE, layer=layer),
            )
    try:
        if frame.crs.to_epsg() != 4326:
            notes.append(
                BoundaryNote(
                    "reprojected",
                    *pair(Msg.FILES_REPROJECTED_EPSG, shown=shown.name, crs=frame.crs.to_string()),
                )
            )
            frame = frame.to_crs(4326)
    except (CRSError, ProjError) as exc:
        raise _error(
            shown,
            *pair(Msg.FILES_COORDINATE_SYSTEM_CANNOT, exc=_reader_text(exc)),
        ) from exc
    _check_degrees(frame, shown, crs)
    if fields.code is not None:
        codes = [
            norm_pcode(c) if fields.convention != "Natural Earth" else clean_text(c)
            for c in frame[fields.code]
        ]
    else:
        codes = _made_codes(pd.DataFrame(frame), fields, file.stem)
        notes.append(
            BoundaryNote(
                "codes.made",
                *pair(Msg.FILES_NO_CODES_AREAS, shown=shown.name, value=codes[0] if codes else ""),
            )
        )
    names = _text_column(pd.DataFrame(frame), fields.name)
    names_en = _text_column(pd.DataFrame(frame), fields.name_en)
    out = gpd.GeoDataFrame(
        {
            s.AREA_CODE: codes,
            NAME_FR: [n or c for n, c in zip(names, codes, strict=True)],
            NAME_EN: [e or n or c for e, n, c in zip(names_en, names, codes, strict=True)],
            NAME_ALT: _text_column(pd.DataFrame(frame), fields.alt_name),
            ISO_CODE: _text_column(pd.DataFrame(frame), fields.iso),
            PARENT: [
                norm_pcode(v) if v else None
                for v in _text_column(pd.DataFrame(frame), fields.parent)
            ],
        },
        geometry=list(frame.geometry),
        crs=4326,
    )
    for anc_level, (code_col, name_col) in fields.ancestors.items():
        out[f"anc_code_{anc_level}"] = [
            norm_pcode(v) if v else None for v in _text_column(pd.DataFrame(frame), code_col)
        ]
        out[f"anc_name_{anc_level}"] = _text_column(pd.DataFrame(frame), name_col)
    if out[s.AREA_CODE].eq("").any():
        raise _error(
            shown,
            *pair(
                Msg.FILES_AREAS_LAYER_NO,
                out=int(out[s.AREA_CODE].eq("").sum()),
                layer=layer,
                fields_code=fields.code,
            ),
        )
    duplicated = sorted(set(out[s.AREA_CODE][out[s.AREA_CODE].duplicated()]))
    if duplicated:
        raise _error(
            shown,
            *pair(
                Msg.FILES_CODES_TWICE if len(duplicated) > 1 else Msg.FILES_CODE_TWICE,
                codes=", ".join(duplicated[:5]),
                field=fields.code,
            ),
        )
    kinds = set(out.geometry.dropna().geom_type)
    if not kinds <= {"Polygon", "MultiPolygon", "GeometryCollection"}:
        raise _not_polygons(shown, layer, kinds)
    _check_repairable(out, shown)
    repaired, fixed = repair(list(out.geometry))
    out = out.set_geometry(gpd.GeoSeries(repaired, crs=4326))
    if fixed:
        which = ", ".join(str(out.iloc[i][NAME_FR]) for i in fixed[:8])
        more = f" (+{len(fixed) - 8})" if len(fixed) > 8 else ""
        notes.append(
            BoundaryNote(
                "repaired",
                *pair(
                    Msg.FILES_INVALID_SHAPE_REPAIRED,
                    shown=shown.name,
                    n_fixed=len(fixed),
                    which=which,
                    more=more,
                ),
            )
        )
    empty = out.geometry.is_empty
    if empty.all():
        raise _not_polygons(shown, layer, kinds)
    version = ""
    valid_on = _find(columns, "validOn", "date")
    if valid_on is not None and len(frame):
        version = clean_text(frame[valid_on].iloc[0])[:10]  # a date, maybe with a time
    return _Layer(
        level=fields.level,
        frame=out.set_index(s.AREA_CODE),
        source=shown.name,
        convention=fields.convention,
        version=version,
    )


def _check_repairable(frame: gpd.GeoDataFrame, shown: Path) -> None:
    """Invalid shapes of very many points are refused: rebuilding them can take gigabytes."""
    geometries = np.asarray(frame.geometry.values, dtype=object)
    big = shapely.get_num_coordinates(geometries) > DEFAULT_LIMITS.max_repair_coordinates
    invalid = ~shapely.is_valid(geometries)
    broken = big & invalid
    if broken.any():
        name = str(frame.iloc[int(np.flatnonzero(broken)[0])][NAME_FR])
        raise refusal(
            "repair",
            name=shown.name,
            error=BoundaryError,
            area=name,
            limit=f"{DEFAULT_LIMITS.max_repair_coordinates:,}".replace(",", " "),
        )
    # Rebuilding a shape costs with the times it crosses itself (a zigzag of 10 000 points
    # took 40 s): its boundary noded, cheaply, says how many crossings there are.
    for position in np.flatnonzero(invalid):
        geometry = geometries[position]
        noded = shapely.node(shapely.boundary(geometry))
        crossings = int(shapely.get_num_coordinates(noded) - shapely.get_num_coordinates(geometry))
        if crossings > DEFAULT_LIMITS.max_repair_crossings:
            raise refusal(
                "crossings",
                name=shown.name,
                error=BoundaryError,
                area=str(frame.iloc[int(position)][NAME_FR]),
                found=f"{crossings:,}".replace(",", " "),
                limit=f"{DEFAULT_LIMITS.max_repair_crossings:,}".replace(",", " "),
            )


def _not_polygons(path: Path, layer: str, kinds: set[str]) -> BoundaryError:
    found = ", ".join(sorted(kinds)) or "nothing"
    return _error(
        path,
        *pair(Msg.FILES_LAYER_HOLDS_NOT, layer=layer, found=found),
    )


def _read_path(
    path: Path,
    *,
    layer: str | None,
    fields: LayerFields | None,
    limit: int,
    notes: list[BoundaryNote],
    crs: str | None = None,
) -> list[_Layer]:
    read: list[_Layer] = []
    with _vector_files(path, limit) as files:
        candidates = [
            (file, name, kind) for file in files for name, kind in _layers(file, path, crs)
        ]
        if layer is not None:
            chosen = [c for c in candidates if layer in (c[1], c[0].stem)]
            if not chosen:
                raise _error(
                    path,
                    *pair(
                        Msg.FILES_NO_LAYER_LAYERS,
                        layer=layer,
                        candidates=", ".join(c[1] for c in candidates),
                    ),
                )
            candidates = chosen
        polygonal = [c for c in candidates if _is_polygonal(c[2]) or c[2] in ("Unknown", "")]
        if not polygonal:
            kinds = {c[2] for c in candidates}
            raise _not_polygons(path, candidates[0][1] if candidates else "?", kinds)
        for file, name, _kind in polygonal:
            if fields is None and len(polygonal) > 1:
                frame = _read_frame(file, path, name, max_features=5)
                columns = [str(c) for c in frame.columns if c != "geometry"]
                if recognise_fields(columns, pd.DataFrame(frame)) is None:
                    continue  # a GeoPackage's other layers: keep those that are admin areas
            read.append(_read_layer(file, name, path, fields, notes, crs))
    if not read:
        raise _error(
            path,
            *pair(Msg.FILES_NO_LAYER_ADMIN),
        )
    return read


def _dissolve(finer: _Layer, level: str) -> gpd.GeoDataFrame | None:
    """The areas of ``level`` built by merging ``finer``'s areas on their ancestor codes."""
    code_col, name_col = f"anc_code_{level}", f"anc_name_{level}"
    frame = finer.frame
    if code_col not in frame or frame[code_col].isna().any():
        return None
    up = LEVELS[LEVELS.index(level) - 1] if LEVELS.index(level) > 0 else None
    rows = []
    geoms = []
    for code, group in frame.groupby(code_col, sort=True):
        try:
            merged = shapely.coverage_union_all(np.asarray(group.geometry.values, dtype=object))
        except shapely.errors.GEOSException:
            merged = shapely.union_all(np.asarray(group.geometry.values, dtype=object))
        geoms.append(merged)
        name = group[name_col].dropna().iloc[0] if group[name_col].notna().any() else code
        parent = None
        if up is not None and f"anc_code_{up}" in group:
            known = group[f"anc_code_{up}"].dropna()
            parent = known.iloc[0] if len(known) else None
        row: dict[str, Any] = {
            s.AREA_CODE: str(code),
            NAME_FR: name,
            NAME_EN: name,
            ISO_CODE: None,
            PARENT: parent,
        }
        for anc in LEVELS[: LEVELS.index(level)]:
            for prefix in ("anc_code_", "anc_name_"):
                col = f"{prefix}{anc}"
                if col in group:
                    row[col] = group[col].dropna().iloc[0] if group[col].notna().any() else None
        rows.append(row)
    repaired, _ = repair(geoms)
    return gpd.GeoDataFrame(rows, geometry=list(repaired), crs=4326).set_index(s.AREA_CODE)


def _infer_parents(finer: gpd.GeoDataFrame, coarser: gpd.GeoDataFrame) -> list[str | None]:
    """Each finer area's parent: the coarser area holding a point inside it."""
    inside = shapely.point_on_surface(np.asarray(finer.geometry.values, dtype=object))
    found = locate_points(coarser, shapely.get_x(inside), shapely.get_y(inside))
    return [None if pd.isna(v) else str(v) for v in found]


def _as_paths(paths: Sequence[Path | str] | Path | str) -> list[Path]:
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def read_boundaries(
    paths: Sequence[Path | str] | Path | str,
    *,
    level: str | None = None,
    layer: str | None = None,
    fields: LayerFields | None = None,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
    crs: str | None = None,
) -> Boundaries:
    """Boundaries from one or more files: every level read, and coarser ones derived.

    ``level`` is the map's level (the finest level read by default); ``layer`` picks one
    layer of a GeoPackage or of a zip holding several shapefiles; ``fields`` says which
    columns hold the code, name and parent when no convention fits; ``crs`` is the
    coordinate system of layers that do not say theirs (a shapefile without its .prj),
    as the user states it ("EPSG:32630"); a file's own system always wins.
    """
    if level is not None and level not in LEVELS:
        raise BoundaryError(
            *pair(Msg.FILES_UNKNOWN_LEVEL_USE, level=level, levels=", ".join(LEVELS)),
        )
    crs = checked_crs(crs)
    notes: list[BoundaryNote] = []
    layers: dict[str, _Layer] = {}
    for path in _as_paths(paths):
        for read in _read_path(
            path, layer=layer, fields=fields, limit=max_unzipped_bytes, notes=notes, crs=crs
        ):
            if read.level in layers:
                raise BoundaryError(
                    *pair(
                        Msg.FILES_TWO_LAYERS_GIVE,
                        level=read.level,
                        source=layers[read.level].source,
                        other=read.source,
                    ),
                )
            layers[read.level] = read
    frames: dict[str, gpd.GeoDataFrame] = {lvl: lay.frame for lvl, lay in layers.items()}
    # Coarser levels missing: dissolve the finest level that knows its ancestors.
    for lvl in reversed(LEVELS):
        if lvl not in layers:
            continue
        for coarser in LEVELS[: LEVELS.index(lvl)]:
            if coarser in frames:
                continue
            built = _dissolve(layers[lvl], coarser)
            if built is not None:
                frames[coarser] = built
                notes.append(
                    BoundaryNote(
                        "level.derived",
                        *pair(
                            Msg.FILES_AREAS_BUILT_MERGING,
                            coarser=coarser,
                            n_built=len(built),
                            lvl=lvl,
                            source=layers[lvl].source,
                        ),
                    )
                )
    # Parents missing (geoBoundaries): take them from the coarser level's geometry.
    present = [lvl for lvl in LEVELS if lvl in frames]
    for finer, coarser in zip(present[1:], present[:-1], strict=True):
        frame = frames[finer]
        if LEVELS.index(finer) - LEVELS.index(coarser) != 1:
            continue
        if frame[PARENT].isna().all():
            frame = frame.copy()
            frame[PARENT] = _infer_parents(frame, frames[coarser])
            frames[finer] = frame
            notes.append(
                BoundaryNote(
                    "parents.located",
                    *pair(Msg.FILES_EACH_AREA_PARENT, finer=finer, coarser=coarser),
                )
            )
    parts = []
    for lvl in present:
        frame = frames[lvl]
        parts.append(
            gpd.GeoDataFrame(
                {
                    LEVEL: lvl,
                    NAME_FR: frame[NAME_FR],
                    NAME_EN: frame[NAME_EN],
                    NAME_ALT: frame.get(NAME_ALT, None),
                    ISO_CODE: frame[ISO_CODE],
                    PARENT: frame[PARENT],
                },
                geometry=frame.geometry,
                crs=4326,
                index=frame.index,
            )
        )
    areas = gpd.GeoDataFrame(pd.concat(parts), crs=4326)
    areas.index.name = s.AREA_CODE
    map_level = level or present[-1]
    if map_level not in present:
        raise BoundaryError(
            *pair(
                Msg.FILES_LEVEL_MISSING_GIVE_FILE, present=", ".join(present), map_level=map_level
            ),
        )
    conventions = sorted({lay.convention for lay in layers.values() if lay.convention})
    versions = sorted({lay.version for lay in layers.values() if lay.version})
    sources = ", ".join(lay.source for lay in layers.values())
    return Boundaries(
        areas=areas,
        level=map_level,
        source=f"{' / '.join(conventions) or 'boundaries'} ({sources})",
        version=", ".join(versions),
        notes=tuple(notes),
    )


def safe_file_name(name: str) -> str:
    """An uploaded file's name as a file name on the server: its last part, plain characters."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", PurePosixPath(name.replace("\\", "/")).name)
    return cleaned.strip("._")[-80:] or "boundaries"


def read_boundary_uploads(
    uploads: Sequence[tuple[str, bytes]],
    *,
    level: str | None = None,
    crs: str | None = None,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> Boundaries:
    """Boundaries from uploaded files (name, content), written to a temporary folder that
    is removed afterwards, whatever happens. See ``read_boundaries`` for the options."""
    for name, content in uploads:
        check_bytes(len(content), name, DEFAULT_LIMITS, error=BoundaryError)
    with tempfile.TemporaryDirectory(prefix="ngomap-upload-") as tmp:
        paths = []
        for name, content in uploads:
            path = Path(tmp) / safe_file_name(name)
            path.write_bytes(content)
            paths.append(path)
        return read_boundaries(paths, level=level, crs=crs, max_unzipped_bytes=max_unzipped_bytes)


def checked_crs(crs: str | None) -> str | None:
    """A coordinate system as the user typed it ("EPSG:32630", "32630"), as EPSG:n."""
    if crs is None or not crs.strip():
        return None
    text = crs.strip()
    try:
        found = CRS.from_user_input(int(text) if text.isdigit() else text)
    except CRSError as exc:
        raise BoundaryError(
            *pair(Msg.FILES_NOT_COORDINATE_SYSTEM, text=text),
        ) from exc
    code = found.to_epsg()
    return f"EPSG:{code}" if code else found.to_string()


def load_boundaries(
    paths: Sequence[Path | str] | Path | str | None = None,
    *,
    level: str | None = None,
    layer: str | None = None,
    fields: LayerFields | None = None,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
    crs: str | None = None,
) -> Boundaries:
    """The boundaries in ``paths`` at ``level``, or the embedded regions when ``paths`` is None.

    See ``read_boundaries`` for the options.
    """
    if paths is None or (not isinstance(paths, (str, Path)) and not list(paths)):
        regions = embedded_regions()
        if level not in (None, regions.level):
            raise BoundaryError(
                *pair(Msg.FILES_EMBEDDED_BOUNDARIES_ONLY, level=level),
            )
        return regions
    return read_boundaries(
        paths,
        level=level,
        layer=layer,
        fields=fields,
        max_unzipped_bytes=max_unzipped_bytes,
        crs=crs,
    )


def at_level(boundaries: Boundaries, level: str | None) -> Boundaries:
    """The same boundaries drawn at another of their levels (its cache shared)."""
    if level is None or level == boundaries.level:
        return boundaries
    if level not in boundaries.levels:
        raise BoundaryError(
            *pair(Msg.FILES_LEVEL_MISSING, levels=", ".join(boundaries.levels), level=level),
        )
    return replace(boundaries, level=level, cache=boundaries.cache)
