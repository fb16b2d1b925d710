"""Spreadsheet bytes to a grid of text: CSV (any encoding, separator) or a workbook's sheet."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from xml.etree import ElementTree

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetVisibleEnum,
)

from ngomap.cells import MARK, revive
from ngomap.coded import Coded
from ngomap.errors import InputFileError
from ngomap.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_bytes,
    check_csv_layout,
    check_field,
    check_json_depth,
    check_table,
    check_workbook,
)
from ngomap.messages import Msg, Text, pair
from ngomap.normalise import clean_text

# Excel's error values: empty cells for ngomap, reported.
FORMULA_ERRORS: Final = frozenset(
    {
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#N/A N/A",
    }
)
_SEPARATORS: Final = (";", ",", "\t", "|")
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK: Final = "EncryptionInfo".encode("utf-16-le")
SNIFF_ROWS: Final = 30  # rows of each sheet looked at to find the data and its header

Progress = Callable[[float, str], None]


@dataclass
class Grid:
    """A sheet as text: one ``Coded`` column per sheet column, "" for an empty cell.

    ``rows`` holds each row's number as the user sees it in the spreadsheet.
    """

    columns: list[Coded]
    rows: npt.NDArray[np.int64]
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, value)

    @classmethod
    def of_frame(cls, frame: pd.DataFrame, **kwargs: Any) -> Grid:
        """A grid from a frame of text cells (index = row numbers)."""
        return cls(
            columns=[Coded.of(frame[c].to_numpy(dtype=object)) for c in frame.columns],
            rows=frame.index.to_numpy(dtype=np.int64),
            **kwargs,
        )

    def __len__(self) -> int:
        return len(self.rows)

    def head(self, count: int) -> list[list[str]]:
        """The first ``count`` rows as lists of text."""
        stop = min(count, len(self.rows))
        columns = [column.values[column.codes[:stop]] for column in self.columns]
        return [[clean_text(c[i]) for c in columns] for i in range(stop)]

    def row(self, position: int) -> list[str]:
        """One row's cells as text."""
        return [clean_text(c.values[c.codes[position]]) for c in self.columns]

    def frame(self, positions: npt.NDArray[np.int64]) -> pd.DataFrame:
        """The rows at ``positions`` as a frame of text (columns 0..n-1, index = row numbers)."""
        return pd.DataFrame(
            {i: column.take(positions).series() for i, column in enumerate(self.columns)}
        ).set_axis(pd.Index(self.rows[positions]), axis=0)

    def non_empty(self) -> npt.NDArray[np.bool_]:
        """Rows with at least one non-empty cell."""
        out = np.zeros(len(self.rows), dtype=bool)
        for column in self.columns:
            out |= column.mask(lambda v: v != "")
        return out


def _fail(name: str, en: str, fr: str) -> InputFileError:
    return InputFileError(f"{name}: {en}", f"{name} : {fr}")


def file_kind(data: bytes, name: str) -> str:
    """ "xlsx", "xls" or "csv", from the bytes (not the extension); or a clear error."""
    if not data[:4096].strip() and not data.strip():
        raise _fail(
            name,
            *pair(Msg.SHEETS_FILE_EMPTY_EXPORT),
        )
    if data.startswith(b"%PDF"):
        raise _fail(
            name,
            *pair(Msg.SHEETS_PDF_NOT_SPREADSHEET),
        )
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE2):
        if _ENCRYPTED_MARK in data:  # a stream name, anywhere in the file
            raise _fail(
                name,
                *pair(Msg.SHEETS_WORKBOOK_PROTECTED_OPEN_IN_EXCEL),
            )
        return "xls"
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            name,
            *pair(Msg.SHEETS_NOT_SPREADSHEET_NGOMAP),
        )
    return "csv"


# --- CSV ------------------------------------------------------------------------------------
def decode(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 / Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # a last half character cut off
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_LINE_END: Final = re.compile(r"\r\n|\r|\n")  # a CSV's line ends (not NEL, not U+2028)


def _lines(text: str) -> list[str]:
    return _LINE_END.split(text)


def sniff_separator(text: str) -> str:
    """The separator: the candidate found most often, and as often, on the first lines."""
    lines = [line for line in _lines(text[:200_000])[:SNIFF_ROWS] if line.strip()]
    best, best_score = ",", 0.0
    for sep in _SEPARATORS:
        counts = [_count_outside_quotes(line, sep) for line in lines]
        if not counts or max(counts) == 0:
            continue
        common = max(set(counts), key=counts.count)
        score = common * counts.count(common) + 0.01 * max(counts)
        if score > best_score:
            best, best_score = sep, score
    return best


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            count += 1
    return count


def _head_text(data: bytes, size: int = 200_000) -> str:
    """The file's first ``size`` bytes as text, cut at a line end (for sniffing)."""
    head = data[:size]
    if len(data) > size and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    return decode(head)


def read_csv_grid(
    data: bytes, name: str, progress: Progress | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> Grid:
    """A CSV file as a grid; the row numbers are the file's record numbers (line numbers,
    unless a quoted cell holds a line break). Over a limit of ``limits``: refused unread."""
    check_bytes(len(data), name, limits)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = decode(data).encode("utf-8")
    text = _head_text(data)
    if not text.strip():
        raise _fail(
            name,
            *pair(Msg.SHEETS_FILE_EMPTY_EXPORT),
        )
    sep = sniff_separator(text)
    check_csv_layout(data, sep, name, limits)
    if progress is not None:
        progress(0.05, "reading")
    width = max((_count_outside_quotes(line, sep) + 1 for line in _lines(text)[:200]), default=1)
    grid = _read_csv_arrow(data, sep, width)
    grid = grid if grid is not None else read_csv_carefully(data, name, sep, width)
    check_grid(grid, name, limits)
    return grid


def check_grid(grid: Grid, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """A grid read: its size and its longest cell against ``limits``."""
    check_table(len(grid), len(grid.columns), name, limits, sheet=grid.sheet or "")
    longest = max((max(map(len, column.values), default=0) for column in grid.columns), default=0)
    check_field(longest, f"{name} ({grid.sheet})" if grid.sheet else name, limits)


def read_csv_carefully(data: bytes, name: str, sep: str, width: int) -> Grid:
    """pandas' reader, then the csv module's for ragged rows: every line is a row."""
    text = decode(data)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            names=range(width),
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        frame = _read_csv_slowly(text, sep, name, exc)
    else:
        if not isinstance(frame.index, pd.RangeIndex):
            # A row had more cells than ``width`` counted (a line break inside quotes):
            # pandas took the extra leading cells as the index. The csv module reads it.
            frame = _read_csv_slowly(text, sep, name, pd.errors.ParserError("ragged"))
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return Grid.of_frame(frame)


def _runs_to_the_end(last: str, body: bytes) -> bool:
    """True when the file's last cell may be a quote left open that Arrow read to the end.

    Such a cell holds the file's final line break, or (file without one) follows a quote
    that nothing closes. A quoted last cell that really ends with a line break is sent to
    the careful reader too: slower, never wrong.
    """
    if last.endswith(("\n", "\r")):
        return True
    if body.endswith((b"\n", b"\r")):
        return False
    tail = last.encode("utf-8")
    if not tail:  # a quote opened on the file's very last byte
        return body.endswith(b'"') and not body.endswith(b'""')
    return body.endswith(b'"' + tail)


def _read_csv_arrow(data: bytes, sep: str, width: int) -> Grid | None:
    """Arrow's multithreaded CSV reader, every column as text, dictionary-encoded.

    Returns None when the file needs the careful reader: rows of uneven length, an odd
    number of quotation marks (a cell left open, or a quote in the middle of a cell),
    broken quoting, a column wider than the first lines said.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = decode(data).encode("utf-8")
    body = data.removeprefix(b"\xef\xbb\xbf")
    if b'"' in body and body.count(b'"') % 2:
        return None  # a quote left open: Arrow would read to the end, the careful reader says
    text_type = pa.string()
    convert = pa_csv.ConvertOptions(
        column_types={f"f{i}": text_type for i in range(width + 64)},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    # Blank lines are read as empty rows, as the careful reader does: row numbers hold.
    parse = pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False)
    read = pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=True)
    for attempt in range(2):
        try:
            table = pa_csv.read_csv(
                pa.BufferReader(body),
                read_options=read,
                parse_options=parse,
                convert_options=convert,
            )
            break
        except pa.ArrowInvalid as exc:
            if attempt or "UTF8" not in str(exc).upper().replace("-", ""):
                return None
            body = decode(data).encode("utf-8")  # Windows-1252 / Latin-1 as French Excel saves
    if any(not pa.types.is_string(f.type) for f in table.schema):
        return None
    if table.num_rows and _runs_to_the_end(table.column(table.num_columns - 1)[-1].as_py(), body):
        return None
    columns = []
    for chunks in table.columns:
        encoded = chunks.dictionary_encode().combine_chunks()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        values = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
        columns.append(Coded(codes, values))
    return Grid(columns=columns, rows=np.arange(1, table.num_rows + 1, dtype=np.int64))


def _read_csv_slowly(text: str, sep: str, name: str, first: Exception | None) -> pd.DataFrame:
    """The csv module's reading, for ragged rows; broken quoting gets a clear message."""
    message = str(first or "")
    if "EOF inside string" in message or "EOF" in message:
        line = re.search(r"row (\d+)", message)
        where = Text(Msg.SHEETS_NEAR_LINE, {"line": int(line.group(1)) + 1}) if line else ""
        raise _fail(name, *pair(Msg.SHEETS_QUOTE_NEVER_CLOSED, where=where))
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep, strict=True))
    except csv.Error as exc:
        raise _fail(
            name,
            *pair(Msg.SHEETS_CSV_MALFORMED_SAVE, exc=exc),
        ) from exc
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)


# --- workbooks ------------------------------------------------------------------------------
def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def texts(frame: pd.DataFrame) -> list[Coded]:
    """Each column's cells as text, converting each distinct value once."""
    out = []
    for column in frame.columns:
        codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object), use_na_sentinel=False)
        converted = np.asarray([_cell_text(v) for v in uniques], dtype=object)
        out.append(Coded(codes.astype(np.int64), converted).unique())
    return out


def _open_workbook(data: bytes, name: str) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise _fail(
            name,
            *pair(Msg.SHEETS_WORKBOOK_PROTECTED),
        ) from exc
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise _fail(
            name,
            *pair(Msg.SHEETS_WORKBOOK_CANNOT_READ, exc=exc),
        ) from exc


def read_workbook_grid(
    data: bytes,
    name: str,
    *,
    sheet: str | None = None,
    score: Callable[[Sequence[Sequence[object]]], int],
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Grid:
    """The sheet holding the data: ``sheet`` when given, else the best ``score`` of the first
    rows (visible sheets win ties), read whole. Every sheet's extent and text are checked
    against ``limits`` from the workbook's XML before the workbook is opened."""
    check_bytes(len(data), name, limits)
    if data.startswith(b"PK"):
        check_workbook(data, name, limits)
    workbook = _open_workbook(data, name)
    names = list(workbook.sheet_names)
    if sheet is not None and sheet not in names:
        raise _fail(
            name,
            *pair(Msg.SHEETS_THERE_NO_SHEET, sheet=sheet, names=", ".join(names)),
        )
    loaded: dict[str, CalamineSheet] = {}
    try:
        if sheet is None:
            visible = {
                m.name: m.visible == SheetVisibleEnum.Visible for m in workbook.sheets_metadata
            }
            ranked = []
            for position, candidate in enumerate(names):
                loaded[candidate] = workbook.get_sheet_by_name(candidate)
                head = loaded[candidate].to_python(skip_empty_area=False, nrows=SNIFF_ROWS)
                ranked.append((score(head), visible.get(candidate, True), -position, candidate))
            sheet = max(ranked)[3] if ranked else None
        if sheet is None:
            raise _fail(name, *pair(Msg.SHEETS_WORKBOOK_NO_SHEET))
        if progress is not None:
            progress(0.05, "reading")
        chosen = loaded.get(sheet) or workbook.get_sheet_by_name(sheet)
        rows = chosen.to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise _fail(
            name,
            *pair(Msg.SHEETS_SHEET_CANNOT_READ, exc=exc),
        ) from exc
    frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    grid = Grid(
        columns=texts(frame),
        rows=np.arange(1, len(frame) + 1, dtype=np.int64),
        sheet=sheet,
        sheets=names,
    )
    grid.errors = _formula_errors(data, sheet) if data.startswith(b"PK") else []
    check_grid(grid, name, limits)
    return grid


_ERROR_CELL: Final = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^<]*</f>|<f/>)?<v>([^<]*)</v>'
)
_NS: Final = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (letter - 64)
    return index - 1


def _formula_errors(data: bytes, sheet: str) -> list[tuple[int, int, str]]:
    """Cells holding an Excel error value (#N/A, #REF!...) in ``sheet``: (row, column, value).

    The reader turns them into empty cells; this finds them in the sheet's XML, to report.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {
                r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)
            }
            rel_id = next(
                (
                    s.get(f"{{{_NS['r']}}}id")
                    for s in book.findall("m:sheets/m:sheet", _NS)
                    if s.get("name") == sheet
                ),
                None,
            )
            target = targets.get(rel_id, "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = archive.read(path)
    except (
        KeyError,
        zipfile.BadZipFile,
        ElementTree.ParseError,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ):
        return []  # a damaged part: the reader has said so already, or read around it
    if b't="e"' not in xml:
        return []
    return [
        (int(row), _column_index(col), value.decode("utf-8", "replace"))
        for col, row, value in _ERROR_CELL.findall(xml)
    ]


def read_grid(
    data: bytes,
    name: str,
    *,
    sheet: str | None = None,
    score: Callable[[Sequence[Sequence[object]]], int],
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Grid:
    """Any supported spreadsheet as a grid of text, with formula errors emptied and listed."""
    kind = file_kind(data, name)
    if kind == "csv":
        from ngomap.importer.jsonfile import looks_like_json, read_json_grid

        if looks_like_json(data):
            check_bytes(len(data), name, limits)
            check_json_depth(data, name, limits, error=InputFileError)
            grid = read_json_grid(data, name)
        else:
            grid = read_csv_grid(data, name, progress, limits=limits)
    else:
        grid = read_workbook_grid(
            data, name, sheet=sheet, score=score, progress=progress, limits=limits
        )
    # Error values written as text (a CSV saved by Excel keeps "#N/A"): empty and listed.
    # Text that ngomap's exports marked as text ('=...) comes back as it was written.
    for position, column in enumerate(grid.columns):
        if column.mask(lambda v: v.startswith(MARK)).any():
            column = grid.columns[position] = column.map(revive)
        hit = column.mask(lambda v: v in FORMULA_ERRORS)
        if hit.any():
            grid.errors += [
                (int(row), position, str(value))
                for row, value in zip(grid.rows[hit], column.take(hit).array(), strict=True)
            ]
            grid.columns[position] = column.map(lambda v: "" if v in FORMULA_ERRORS else v)
    return grid


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>(\d{4}-\d{2}-\d{2})")


def workbook_modified(data: bytes) -> date | None:
    """The day a workbook was last saved (its docProps/core.xml), when it says so."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            core = archive.read("docProps/core.xml")
    except (
        KeyError,
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ):
        return None
    found = _MODIFIED.search(core)
    if found is None:
        return None
    try:
        return date.fromisoformat(found.group(1).decode("ascii"))
    except ValueError:
        return None
