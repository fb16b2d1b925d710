"""Every reader's limits in one place, checked before anything big is allocated.

A public server receives files from anyone. Each reader (3W CSV and workbooks, boundary
files and archives, population tables, alias files) checks these limits on the bytes it was
given, cheaply, before it parses them; a file over a limit is refused with one sentence,
in French and English, naming the file, the limit and what to do. The worker process
(``ngomap.worker``) adds a time and a memory budget for whatever the checks cannot see.

The defaults are stated in the README; a deployment or a test builds its own ``Limits``
with ``dataclasses.replace(DEFAULT_LIMITS, ...)``.
"""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np

from ngomap._paths import I18N_DIR
from ngomap.errors import BoundaryError, InputFileError, NgomapError
from ngomap.messages import Msg, pair

MB: Final = 1_000_000


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What one file may hold. Sizes in bytes unless said otherwise."""

    max_bytes: int = 200 * MB  # one file, as given (the page's uploader stops at 50 MB)
    max_rows: int = 2_000_000  # rows of a table (lines of a CSV, rows of a sheet)
    max_columns: int = 2_000  # columns of a table
    max_cells: int = 30_000_000  # rows x columns, as the file lays them out
    max_field_chars: int = 32_767  # one cell (Excel's own limit)
    max_line_bytes: int = 4 * MB  # one line of a CSV file
    max_text_bytes: int = 400 * MB  # all cells' text a workbook's sheet expands to
    max_shared_strings_bytes: int = 200 * MB  # a workbook's sharedStrings.xml, unpacked
    max_archive_members: int = 1_000  # files in a zip (a workbook is one)
    max_unzipped_bytes: int = 500 * MB  # a zip's files, unpacked, all together
    max_zip_ratio: int = 200  # unpacked / packed size, for archives over 10 MB unpacked
    max_member_name_chars: int = 200  # one file name inside a zip
    max_json_depth: int = 64  # nested arrays and objects in a JSON file (GeoJSON needs 6)
    max_coordinates: int = 5_000_000  # points of one boundary shape
    max_file_coordinates: int = 2_000_000  # points of one boundary file, counted before reading
    max_repair_coordinates: int = 100_000  # points of an invalid shape ngomap repairs
    max_repair_crossings: int = 2_000  # times an invalid shape ngomap repairs crosses itself
    worker_seconds: float = 180.0  # time budget of one import in the worker process
    worker_memory_bytes: int = 4_000 * MB  # address space of the worker process


DEFAULT_LIMITS: Final = Limits()
_RATIO_FLOOR: Final = 10 * MB  # small archives may be as packed as they like
_SPARSE: Final = 20  # a sheet's extent may be this many times its cells (empty ones omitted)
_SPARSE_FLOOR: Final = 2_000_000  # ... or this many cells, whatever it holds


@cache
def _labels(lang: str) -> dict[str, str]:
    """data/i18n/<lang>.toml, read here: the limits sit below ngomap.i18n (and vocab)."""
    with (I18N_DIR / f"{lang}.toml").open("rb") as handle:
        return {str(k): str(v) for k, v in tomllib.load(handle).items()}


def refusal(
    key: str, *, name: str, error: type[NgomapError] = InputFileError, **params: Any
) -> NgomapError:
    """The error for a file over a limit: ``limit_<key>`` of data/i18n, in both languages."""
    en, fr = (_labels(lang)[f"limit_{key}"].format(name=name, **params) for lang in ("en", "fr"))
    return error(en, fr)


def _mb(size: int) -> str:
    return f"{size / MB:,.0f}".replace(",", " ")


def _count(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def check_bytes(
    size: int,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    error: type[NgomapError] = InputFileError,
) -> None:
    """A file over ``max_bytes`` is refused before it is read."""
    if size > limits.max_bytes:
        raise refusal("bytes", name=name, error=error, size=_mb(size), limit=_mb(limits.max_bytes))


def check_table(
    rows: int, columns: int, name: str, limits: Limits = DEFAULT_LIMITS, *, sheet: str = ""
) -> None:
    """A table's rows, columns and cells (rows x columns) against the limits."""
    where = f" ({sheet})" if sheet else ""
    if rows > limits.max_rows:
        raise refusal("rows", name=name + where, found=_count(rows), limit=_count(limits.max_rows))
    if columns > limits.max_columns:
        raise refusal(
            "columns", name=name + where, found=_count(columns), limit=_count(limits.max_columns)
        )
    if rows * columns > limits.max_cells:
        raise refusal(
            "cells",
            name=name + where,
            found=_count(rows * columns),
            limit=_count(limits.max_cells),
        )


def check_field(chars: int, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """One cell's length."""
    if chars > limits.max_field_chars:
        raise refusal("field", name=name, found=_count(chars), limit=_count(limits.max_field_chars))


def check_csv_layout(body: bytes, sep: str, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """A CSV's lines (count and longest) and widest line (separators + 1), from its bytes.

    ``body`` is UTF-8 (or a one-byte encoding); counted with numpy, nothing parsed.
    """
    array = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero((array == 0x0A) | (array == 0x0D))
    bounds = np.concatenate(([-1], ends, [len(array)]))
    longest = int(np.diff(bounds).max()) - 1 if len(bounds) > 1 else 0
    if longest > limits.max_line_bytes:
        raise refusal("line", name=name, found=_mb(longest), limit=_mb(limits.max_line_bytes))
    lines = len(ends) + 1
    seps = np.flatnonzero(array == ord(sep))
    if len(seps):
        per_line = np.bincount(np.searchsorted(ends, seps), minlength=1)
        widest = int(per_line.max()) + 1
    else:
        widest = 1
    # Quoted line breaks make more lines than rows, and quoted separators more columns than
    # cells: the estimate is an upper bound, and its refusal says what was counted.
    check_table(min(lines, limits.max_rows + 1), widest, name, limits)


# --- archives ------------------------------------------------------------------------------
def check_archive(
    archive: zipfile.ZipFile,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    error: type[NgomapError] = InputFileError,
) -> None:
    """A zip's central directory: how many files, their names, unpacked size and ratio.

    Read before anything is unpacked: a small archive that unpacks to gigabytes is refused
    here, its stated sizes checked again while unpacking by whoever unpacks.
    """
    members = archive.infolist()
    if len(members) > limits.max_archive_members:
        raise refusal(
            "members",
            name=name,
            error=error,
            found=_count(len(members)),
            limit=_count(limits.max_archive_members),
        )
    seen: set[str] = set()
    for member in members:
        parts = re.split(r"[/\\]", member.filename)
        if len(member.filename) > limits.max_member_name_chars or any(
            len(part.encode("utf-8", "replace")) > 240 for part in parts
        ):
            raise refusal("member_name", name=name, error=error, limit=limits.max_member_name_chars)
        key = member.filename.replace("\\", "/").lower()
        if key in seen:
            raise refusal("member_twice", name=name, error=error, member=member.filename[:80])
        seen.add(key)
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if unpacked > limits.max_unzipped_bytes:
        raise refusal(
            "unzipped",
            name=name,
            error=error,
            found=_mb(unpacked),
            limit=_mb(limits.max_unzipped_bytes),
        )
    if unpacked > _RATIO_FLOOR and unpacked > limits.max_zip_ratio * max(packed, 1):
        raise refusal(
            "zip_ratio",
            name=name,
            error=error,
            found=_count(unpacked // max(packed, 1)),
            limit=_count(limits.max_zip_ratio),
        )


def open_archive(
    data: bytes,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    error: type[NgomapError] = InputFileError,
) -> zipfile.ZipFile | None:
    """The zip in ``data``, checked (None when it is not a zip)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    check_archive(archive, name, limits, error=error)
    return archive


# --- workbooks -------------------------------------------------------------------------------
# A cell with content (``<c r="B7"><v>..``); an empty cell (``<c r="AMJ9" s="3"/>``, a
# format only) is not laid out by the reader, and not counted.
_CELL_REF: Final = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]{1,4})(\d{1,9})"[^>]*?(?<!/)>')
_SHARED_CELL: Final = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bt="s"[^>]*>\s*<(?:\w+:)?v>(\d{1,12})<')
_DIMENSION: Final = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_SI: Final = re.compile(rb"<(?:\w+:)?si\b")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter - 64)
    return number


def _shared_lengths(archive: zipfile.ZipFile, name: str, limits: Limits) -> np.ndarray[Any, Any]:
    """Each shared string's size in bytes (its XML, an upper bound of its text)."""
    found = [m for m in archive.infolist() if m.filename.lower().endswith("sharedstrings.xml")]
    if not found:
        return np.zeros(0, dtype=np.int64)
    member = found[0]
    if member.file_size > limits.max_shared_strings_bytes:
        raise refusal(
            "shared_strings",
            name=name,
            found=_mb(member.file_size),
            limit=_mb(limits.max_shared_strings_bytes),
        )
    xml = archive.read(member)
    starts = np.fromiter((m.start() for m in _SI.finditer(xml)), dtype=np.int64)
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    markup = len(b"<si><t></t></si>")
    sizes: np.ndarray[Any, Any] = np.diff(np.concatenate((starts, [len(xml)]))) - markup
    sizes[sizes < 1] = 1
    return sizes


def check_workbook(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """An .xlsx workbook's archive, and each sheet's extent and text, read from its XML.

    A cell reference far away (``XFD1048576``) makes a reader lay out a grid that large;
    a long shared string used by many cells is copied into each. Both are counted here,
    from the cell references and the shared-string indexes, before the workbook is opened.
    """
    archive = open_archive(data, name, limits)
    if archive is None:
        raise InputFileError(
            *pair(Msg.LIMITS_WORKBOOK_DAMAGED_ZIP, name=name),
        )
    try:
        with archive:
            _check_workbook_parts(archive, name, limits)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        OSError,
        ValueError,
    ) as exc:
        raise InputFileError(
            *pair(Msg.LIMITS_WORKBOOK_DAMAGED_PART, name=name, error=type(exc).__name__),
        ) from exc


def _check_workbook_parts(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    lengths = _shared_lengths(archive, name, limits)
    # Excel's own cells hold 32 767 characters at most: up to 4 bytes each, with markup.
    if len(lengths) and int(lengths.max()) > 4 * limits.max_field_chars + 4096:
        raise refusal(
            "field",
            name=name,
            found=_count(int(lengths.max()) // 4),
            limit=_count(limits.max_field_chars),
        )
    for member in archive.infolist():
        lower = member.filename.lower()
        if not (lower.startswith("xl/worksheets/") and lower.endswith(".xml")):
            continue
        xml = archive.read(member)
        sheet = member.filename.rsplit("/", 1)[-1].removesuffix(".xml")
        _check_sheet_xml(xml, name, sheet, lengths, limits)


def _check_sheet_xml(
    xml: bytes, name: str, sheet: str, lengths: np.ndarray[Any, Any], limits: Limits
) -> None:
    rows = columns = 0
    refs = _CELL_REF.findall(xml)
    if refs:  # the largest column of the few distinct letters, the largest row number
        letters, numbers = zip(*refs, strict=True)
        columns = max(_column_number(found) for found in set(letters))
        rows = max(map(int, numbers))
    check_table(rows, columns, name, limits, sheet=sheet)
    # A sheet whose cells are few but far apart (one cell at XFD1048576) is laid out whole by
    # the reader: its extent is counted against the cells it really holds.
    cells = len(refs)
    if rows * columns > max(_SPARSE * cells, _SPARSE_FLOOR):
        raise refusal(
            "cells",
            name=f"{name} ({sheet})",
            found=_count(rows * columns),
            limit=_count(max(_SPARSE * cells, _SPARSE_FLOOR)),
        )
    if len(lengths):
        indexes = np.array(_SHARED_CELL.findall(xml), dtype="S12").astype(np.int64)
        indexes = indexes[(indexes >= 0) & (indexes < len(lengths))]
        text = int(lengths[indexes].sum())
        if text > limits.max_text_bytes:
            raise refusal(
                "text", name=f"{name} ({sheet})", found=_mb(text), limit=_mb(limits.max_text_bytes)
            )


def declared_dimension(xml: bytes) -> str | None:
    """A sheet's ``<dimension ref>`` as written (informative: it can lie)."""
    found = _DIMENSION.search(xml)
    return found.group(1).decode("ascii", "replace") if found else None


# --- JSON ---------------------------------------------------------------------------------
_JSON_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


_DEPTH_CHUNK: Final = 4 * MB  # bytes counted at once: the count's memory stays bounded


def json_text_shape(data: bytes) -> tuple[int, int]:
    """How deeply arrays and objects nest in JSON text, and how many arrays it opens.

    Counted on the bytes, strings aside, a chunk at a time: besides the text without its
    strings (at most the size of ``data``), a few times ``_DEPTH_CHUNK`` bytes, whatever
    the file's size. In a GeoJSON or TopoJSON file nearly every array is a point, so the
    arrays opened bound its points from above before any parser allocates them.
    """
    bare = _JSON_STRING.sub(b'""', data)
    deepest = depth = arrays = 0
    for start in range(0, len(bare), _DEPTH_CHUNK):
        chunk = np.frombuffer(
            bare, dtype=np.uint8, count=min(_DEPTH_CHUNK, len(bare) - start), offset=start
        )
        opens = chunk == ord("[")
        arrays += int(np.count_nonzero(opens))
        steps = opens.astype(np.int32)
        steps += chunk == ord("{")
        steps -= chunk == ord("]")
        steps -= chunk == ord("}")
        levels = np.cumsum(steps, dtype=np.int64)
        if len(levels):
            deepest = max(deepest, depth + int(levels.max()))
            depth += int(levels[-1])
    return deepest, arrays


def json_text_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in JSON text, counted on the bytes (strings aside)."""
    return json_text_shape(data)[0]


def json_depth(value: object) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (without recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def check_json_depth(
    data: bytes, name: str, limits: Limits = DEFAULT_LIMITS, *, error: type[NgomapError]
) -> None:
    """JSON text nesting deeper than ``max_json_depth``, refused before it is parsed."""
    if json_text_depth(data) > limits.max_json_depth:
        raise refusal("json_depth", name=name, error=error, limit=limits.max_json_depth)


def check_boundary_json(
    data: bytes, name: str, limits: Limits = DEFAULT_LIMITS, *, error: type[NgomapError]
) -> None:
    """A GeoJSON or TopoJSON file's nesting and points, refused before it is parsed.

    A parser holds the whole file, each number an object, many times the file's size: a
    file of more points than ``max_file_coordinates`` is refused from its bytes.
    """
    depth, arrays = json_text_shape(data)
    if depth > limits.max_json_depth:
        raise refusal("json_depth", name=name, error=error, limit=limits.max_json_depth)
    check_file_coordinates(arrays, name, limits)


def check_file_coordinates(points: int, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Points of a whole boundary file (an upper bound, counted on its bytes)."""
    if points > limits.max_file_coordinates:
        raise refusal(
            "file_coordinates",
            name=name,
            error=BoundaryError,
            found=_count(points),
            limit=_count(limits.max_file_coordinates),
        )


def check_coordinates(counts: Iterable[int], name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Points per boundary shape."""
    most = max(counts, default=0)
    if most > limits.max_coordinates:
        raise refusal(
            "coordinates",
            name=name,
            error=BoundaryError,
            found=_count(most),
            limit=_count(limits.max_coordinates),
        )
