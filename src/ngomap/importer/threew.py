"""Read 3W files (CSV or XLSX, header row plus HXL hashtag rows) into records and a report."""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Final, Unpack

import numpy as np
import numpy.typing as npt
import pandas as pd

from ngomap import schema as s
from ngomap import vocab
from ngomap._paths import SAMPLE_FILE, SAMPLE_METADATA, VOCAB_DIR
from ngomap.areas.boundaries import Boundaries, embedded_regions
from ngomap.areas.file_areas import areas_from_columns, other_country
from ngomap.coded import Coded, group, span
from ngomap.errors import InputFileError
from ngomap.fingerprint import frame_fingerprint
from ngomap.importer.options import ImportKeywords, ImportOptions, import_options
from ngomap.importer.provenance import Provenance, provenance_sentence, read_provenance
from ngomap.importer.sheets import (
    FORMULA_ERRORS,
    SNIFF_ROWS,
    Grid,
    Progress,
    read_grid,
)
from ngomap.importer.validate import ImportReport, ProblemLog, clean_records
from ngomap.limits import DEFAULT_LIMITS, Limits, check_bytes
from ngomap.messages import Msg, Text, en_fr, pair
from ngomap.normalise import clean_text, norm_text
from ngomap.schema import Severity

_HXL_TAG = re.compile(r"^\s*#\s*[a-z][a-z0-9_]*", re.IGNORECASE)


@dataclass(frozen=True)
class Dataset:
    """Clean records, the import report, and what to say about where they came from."""

    records: pd.DataFrame
    report: ImportReport
    titles: dict[str, str]  # by language
    sources: dict[str, str]  # by language
    updated: date | None
    is_sample: bool = False

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the records, computed once (on first use: ~1.4 s for a million rows,
        which the command line need not pay) and kept on the object; the page caches its
        views under it."""
        return frame_fingerprint(self.records, self.is_sample)

    def title(self, lang: str) -> str:
        """The data's title in ``lang`` (or any language it has)."""
        return self.titles.get(lang) or next(iter(self.titles.values()), "")

    def source(self, lang: str) -> str:
        """Where the data comes from, in ``lang`` (or any language it has)."""
        return self.sources.get(lang) or next(iter(self.sources.values()), "")


def parse_hashtag(cell: object) -> tuple[str, frozenset[str]] | None:
    """An HXL hashtag as (tag, attributes), tolerating spaces: "#org +acronym"."""
    text = clean_text(cell).lower().replace(" ", "")
    if not text.startswith("#") or len(text) < 2:
        return None
    tag, *attributes = text.split("+")
    return tag, frozenset(a for a in attributes if a)


@cache
def _column_aliases() -> tuple[dict[tuple[str, frozenset[str]], str], dict[str, str]]:
    """data/vocab/column_aliases.csv: hashtags (lines starting with #) and header names."""
    tags = {
        parsed: field
        for tag, field in s.HXL_FIELDS.items()
        if (parsed := parse_hashtag(tag)) is not None
    }
    headers: dict[str, str] = {}
    with (VOCAB_DIR / "column_aliases.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["header"].lstrip().startswith("#"):
                parsed = parse_hashtag(row["header"])
                if parsed is not None:
                    tags.setdefault(parsed, row["field"])
            else:
                headers.setdefault(norm_text(row["header"]), row["field"])
    return tags, headers


_HOW_WRITTEN: Final = frozenset({"name", "code", "pcode", "id", "en", "fr", "i_en", "i_fr"})


def field_for_hashtag(cell: object) -> str | None:
    """The canonical field of a hashtag: same tag, the most attributes in common."""
    parsed = parse_hashtag(cell)
    if parsed is None:
        return None
    tag, attributes = parsed
    best: tuple[tuple[int, int], str] | None = None
    for (known_tag, known_attributes), field in _column_aliases()[0].items():
        if known_tag == tag and known_attributes <= attributes:
            # +name and +code say how a thing is written, others what it is:
            # #org+type+name is the type (by its name), not the organisation's name.
            score = (len(known_attributes - _HOW_WRITTEN), len(known_attributes))
            if best is None or score > best[0]:
                best = (score, field)
    return None if best is None else best[1]


def field_for_header(header: object) -> str | None:
    """The canonical field of a column header ("Nom Organisation", "Région *", ...)."""
    return _column_aliases()[1].get(norm_text(header))


def map_columns(
    headers: list[str], hashtags: list[str] | None, overrides: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Which column holds which field: hand-made overrides, then hashtags, then header names.

    Returns ``{header: field}`` and the headers left unmapped (kept, listed in the report).
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    overrides = overrides or {}
    for header, field in overrides.items():
        if header in headers and field:
            mapping[header] = field
            taken.add(field)
    # Hashtags first, for every column: a header word never takes a hashtag's field.
    by_tag = [
        field_for_hashtag(hashtags[p]) if hashtags is not None and p < len(hashtags) else None
        for p in range(len(headers))
    ]
    by_header = [field_for_header(header) for header in headers]
    for found_by in (by_tag, by_header):
        for header, found in zip(headers, found_by, strict=True):
            if header in mapping or header in overrides:
                continue
            if found and found not in taken:
                mapping[header] = found
                taken.add(found)
    ordered = {h: mapping[h] for h in headers if h in mapping}
    return ordered, [h for h in headers if h not in mapping]


def _is_hashtag_row(values: Sequence[object]) -> bool:
    cells = [clean_text(v) for v in values if clean_text(v)]
    tags = sum(1 for c in cells if _HXL_TAG.match(c) and c not in FORMULA_ERRORS)
    return bool(cells) and tags >= max(1, len(cells) // 2)


def _known_fields(values: Sequence[object], hashtags: bool) -> int:
    find = field_for_hashtag if hashtags else field_for_header
    return len({f for v in values if (f := find(v)) is not None})


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, int | None]:
    """Where the header is among a sheet's first rows: (header index, hashtag row index).

    The row above the first hashtag row is the header (the hashtags alone when there is
    none above); without hashtags, the row naming the most known columns.
    """
    for index, row in enumerate(rows):
        if _is_hashtag_row(row) and _known_fields(row, hashtags=True):
            above = index - 1
            if above >= 0 and any(clean_text(v) for v in rows[above]):
                return above, index
            return index, index
    scores = [_known_fields(row, hashtags=False) for row in rows]
    if not scores or max(scores) == 0:
        return 0, None
    return scores.index(max(scores)), None


def _sheet_score(rows: Sequence[Sequence[object]]) -> int:
    header, tags = find_header(rows)
    if not rows:
        return 0
    found = _known_fields(rows[header], hashtags=False)
    if tags is not None:
        found = max(found, _known_fields(rows[tags], hashtags=True)) + 1
    return found


FIELDS: Final = (*s.RECORD_FIELDS,)
UPLOAD_LIMIT_MB: Final = 50  # the page's upload limit (.streamlit/config.toml maxUploadSize)


@dataclass
class Table:
    """A sheet read and understood: its headers, hashtags, data rows and column mapping."""

    grid: Grid
    headers: list[str]
    hashtags: list[str] | None
    header_row: int  # the spreadsheet's row number
    body: npt.NDArray[np.int64]  # positions in the grid of the data rows (blank lines left out)
    mapping: dict[str, str]  # header -> field
    unmapped: list[str]

    @property
    def rows(self) -> npt.NDArray[np.int64]:
        """The data rows' numbers as the user sees them in the spreadsheet."""
        return self.grid.rows[self.body]

    def column(self, header: str) -> Coded:
        """The data rows of one column."""
        return self.grid.columns[self.headers.index(header)].take(span(self.body))

    def preview(self, rows: int = 10) -> pd.DataFrame:
        """The first data rows under their headers, as the user wrote them."""
        head = self.grid.frame(self.body[:rows])
        head.columns = pd.Index(self.headers)
        return head


def _unique_headers(values: Sequence[object]) -> list[str]:
    headers: list[str] = []
    for position, value in enumerate(values):
        header = clean_text(value) or f"column {position + 1}"
        while header in headers:
            header = f"{header} ({position + 1})"
        headers.append(header)
    return headers


def _check_column_map(column_map: Mapping[str, str] | None) -> None:
    for header, field_name in (column_map or {}).items():
        if field_name not in FIELDS:
            raise InputFileError(
                f"'{field_name}' (for column '{header}') is not a field; use one of: "
                + ", ".join(FIELDS)
                + ".",
                f"« {field_name} » (pour la colonne « {header} ») n'est pas un champ ; "
                "utilisez l'un de : " + ", ".join(FIELDS) + ".",
            )


def _mapped(
    headers: list[str],
    hashtags: list[str] | None,
    column_map: Mapping[str, str] | None,
    name: str,
    sheet: str | None,
) -> tuple[dict[str, str], list[str]]:
    """``map_columns``; InputFileError when no column is recognised."""
    mapping, unmapped = map_columns(headers, hashtags, dict(column_map) if column_map else None)
    if not mapping:
        raise InputFileError(
            *pair(
                Msg.THREEW_NO_COLUMN_RECOGNISED,
                name=name,
                sheet=Text(Msg.THREEW_SHEET_NAMED, {"sheet": sheet}) if sheet else "",
            ),
        )
    return mapping, unmapped


def remap(table: Table, column_map: Mapping[str, str] | None, *, name: str) -> Table:
    """``table`` with its columns mapped as ``read_table(..., column_map=column_map)`` maps
    them: the same table as reading the file again with that mapping, without reading it."""
    _check_column_map(column_map)
    mapping, unmapped = _mapped(table.headers, table.hashtags, column_map, name, table.grid.sheet)
    return dataclass_replace(table, mapping=mapping, unmapped=unmapped)


def read_table(
    data: bytes,
    name: str,
    *,
    sheet: str | None = None,
    column_map: dict[str, str] | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read a spreadsheet's bytes: pick the sheet, find the header and hashtag rows, map columns.

    Raises InputFileError, with one sentence saying what to do, for anything unusable.
    """
    _check_column_map(column_map)
    grid = read_grid(data, name, sheet=sheet, score=_sheet_score, progress=progress, limits=limits)
    if progress is not None:
        progress(0.45, "columns")
    non_empty = grid.non_empty()
    if not non_empty.any():
        raise InputFileError(
            *pair(Msg.THREEW_EMPTY_EXPORT_SHEET, name=name),
        )
    head = grid.head(SNIFF_ROWS)
    header_index, tag_index = find_header(head)
    headers = _unique_headers(head[header_index])
    hashtags = None if tag_index is None else [clean_text(v) for v in head[tag_index]]
    first_data = header_index + 1
    while first_data < len(grid) and _is_hashtag_row(grid.row(first_data)):
        first_data += 1
    mapping, unmapped = _mapped(headers, hashtags, column_map, name, grid.sheet)
    body = np.flatnonzero(non_empty[first_data:]) + first_data  # blank lines are not rows
    return Table(
        grid=grid,
        headers=headers,
        hashtags=hashtags,
        header_row=int(grid.rows[header_index]),
        body=body.astype(np.int64),
        mapping=mapping,
        unmapped=unmapped,
    )


def _source(source: str | Path | bytes, name: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        data, label = source, name or "upload"
    else:
        path = Path(source)
        label = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputFileError(
                *pair(Msg.THREEW_CANNOT_OPENED_CHECK, label=label, strerror=exc.strerror),
            ) from exc
    check_bytes(len(data), label, limits)
    return data, label


def read_3w(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **keywords: Unpack[ImportKeywords],
) -> tuple[pd.DataFrame, ImportReport]:
    """Read a 3W file (a path, or bytes with their file ``name``) into records and a report.

    ``options`` (or their fields as keywords: ``boundaries=``, ``column_map=``...) say
    what to read it with, see ``ImportOptions``; ``progress(fraction, step)`` is called as
    the import goes; a file over ``limits.max_bytes`` is refused before it is read. The
    file itself is never modified. Without ``boundaries``, see ``read_3w_areas``.
    """
    records, report, _areas = read_3w_areas(
        source,
        name=name,
        options=import_options(options, keywords),
        progress=progress,
        limits=limits,
    )
    return records, report


def read_3w_areas(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **keywords: Unpack[ImportKeywords],
) -> tuple[pd.DataFrame, ImportReport, Boundaries]:
    """``read_3w``, and the boundaries the records were matched on.

    Without ``boundaries``: the embedded regions, unless the file's P-codes are another
    country's; then the file's own codes and names (``areas_from_columns``, no geometry),
    so that its tables can be counted at every level it has.
    """
    opts = import_options(options, keywords)
    data, label = _source(source, name, limits)
    table = read_table(
        data,
        label,
        sheet=opts.sheet,
        column_map=dict(opts.column_map) if opts.column_map is not None else None,
        progress=progress,
        limits=limits,
    )
    return _table_records(table, label, opts, progress)


def _table_records(
    table: Table, label: str, opts: ImportOptions, progress: Progress | None
) -> tuple[pd.DataFrame, ImportReport, Boundaries]:
    """A read table's records, report and the boundaries they were matched on."""
    log = ProblemLog()
    for row, position, value in table.grid.errors:
        if row > table.header_row and position < len(table.headers):
            log.add(
                [row],
                kind="cell.formula_error",
                column=table.headers[position],
                value=value,
                **en_fr(Msg.CELL_FORMULA_ERROR_EXCEL_ERROR_VALUE, value=value),
                severity=Severity.WARNING,
            )
    for row, position, formula in table.grid.uncomputed:
        if row > table.header_row and position < len(table.headers):
            log.add(
                [row],
                kind="cell.formula_uncomputed",
                column=table.headers[position],
                value=formula,
                **en_fr(Msg.CELL_FORMULA_UNCOMPUTED_SAVED_WITHOUT_VALUE),
                severity=Severity.WARNING,
            )
    provenance = table_provenance(table)
    said = provenance_sentence(provenance)
    if said is not None:
        log.add(
            [],
            kind="file.provenance",
            column=None,
            value=None,
            en=said[0],
            fr=said[1],
            severity=Severity.INFO,
        )
    columns = {field: table.column(header) for header, field in table.mapping.items()}
    boundaries = opts.boundaries
    if boundaries is None:
        boundaries = embedded_regions()
        if other_country(columns, boundaries) is not None:
            own = areas_from_columns(columns)
            if own is not None:
                boundaries = own
                log.add(
                    [],
                    kind="area.from_file",
                    column=None,
                    value=None,
                    **en_fr(Msg.AREA_FROM_FILE_NO_BOUNDARY_FILE, levels=", ".join(own.levels)),
                    severity=Severity.INFO,
                )
    aliases = vocab.organisation_aliases(opts.org_aliases) if opts.org_aliases else None
    base = {
        "sectors": vocab.sectors,
        "org_types": vocab.org_types,
        "presence": vocab.presence_modes,
    }
    vocabularies = {
        name: vocab.with_aliases(base[name](), file)
        for name, file in (opts.vocab_aliases or {}).items()
        if name in base
    }
    records, report = clean_records(
        columns,
        table.rows,
        boundaries,
        source=label,
        headers={field: header for header, field in table.mapping.items()},
        accept_suggestions=opts.accept_suggestions,
        org_aliases=aliases,
        progress=progress,
        log=log,
        vocabularies=vocabularies,
    )
    report.columns = table.mapping
    report.unmapped = table.unmapped
    report.sheet = table.grid.sheet
    report.header_row = table.header_row
    report.provenance = provenance
    _count_copies(table, report)
    records[s.SOURCE] = label
    if progress is not None:
        progress(1.0, "done")
    return records, report, boundaries


def table_provenance(table: Table) -> Provenance:
    """What the table says of its source, period and title (``importer.provenance``)."""
    head = table.grid.head(SNIFF_ROWS)
    above = [
        row for row, number in zip(head, table.grid.rows, strict=False) if number < table.header_row
    ]

    def distinct(position: int) -> list[str]:
        """The column's distinct non-empty values, the commonest first."""
        column = table.column(table.headers[position]).unique()
        counts = column.counts()
        order = np.argsort(-counts, kind="stable")
        return [str(column.values[i]) for i in order if str(column.values[i])]

    return read_provenance(
        rows_above=above,
        headers=table.headers,
        hashtags=table.hashtags,
        column=distinct,
        sheet=table.grid.sheet,
    )


def _count_copies(table: Table, report: ImportReport) -> None:
    """Split the rows merged as duplicates into exact copies of another row (every cell the
    same, unmapped columns included) and rows merged because they give the same
    organisation, sector and area in other words."""
    merged = {r for p in report.by_kind("row.duplicate") for r in p.rows}
    if not merged or not table.headers:
        return
    ids, first = group([table.column(h) for h in table.headers])
    copy = first[ids] != np.arange(len(ids))
    copies = {int(r) for r in table.rows[copy]} & merged
    report.rows_copies = len(copies)
    report.rows_merged = report.rows_duplicate - len(copies)


def period_end(records: pd.DataFrame, *, today: date | None = None) -> date | None:
    """The data's date as its own date columns say it: the last start or end date that is
    not after ``today`` (the day of the import by default), if any parses.

    An end date still to come is a plan (a project running to 2029), not the day the data
    was true: a list imported today is dated at most today. A file's modification time is
    never used.
    """
    limit = pd.Timestamp(today or date.today())
    found: list[pd.Timestamp] = []
    for column in (s.END, s.START):
        if column in records:
            parsed = pd.to_datetime(records[column], errors="coerce", format="mixed", dayfirst=True)
            past = parsed[parsed.notna() & (parsed <= limit)]
            if not past.empty:
                found.append(past.max())
    return max(found).date() if found else None


def import_dataset_areas(
    source: bytes | Path,
    name: str | None = None,
    *,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **keywords: Unpack[ImportKeywords],
) -> tuple[Dataset, Boundaries]:
    """A user's file as a Dataset (records, report, where it came from), and the boundaries
    its records were matched on (``read_3w_areas``).

    ``source``: the file's bytes (with its ``name``), or its path. The page and the command
    line both import a file through here, so that they say the same of it: the data's date
    is the last date its own date columns give, never a file's modification or save time.
    ``options`` (or their fields as keywords): see ``ImportOptions``.
    """
    data, name = _source(source, name, limits)
    records, report, used = read_3w_areas(
        data,
        name=name,
        options=import_options(options, keywords),
        progress=progress,
        limits=limits,
    )
    return _dataset(records, report, name), used


def import_table(
    table: Table,
    name: str,
    *,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> tuple[Dataset, Boundaries | None]:
    """``import_dataset_areas`` of a file already read (``read_table``), without reading it
    again: the same dataset. ``options.column_map`` maps the columns anew (``remap``);
    ``options.sheet`` is the table's already.

    The boundaries the records were matched on come back only when they are not
    ``options.boundaries`` (None then: the caller has them, and they need not travel back
    from a worker process).
    """
    opts = options or ImportOptions()
    if opts.column_map is not None:
        table = remap(table, opts.column_map, name=name)
    records, report, used = _table_records(table, name, opts, progress)
    return _dataset(records, report, name), None if used is opts.boundaries else used


def _dataset(records: pd.DataFrame, report: ImportReport, name: str) -> Dataset:
    """The records and report as a user's Dataset: its title, source and date."""
    found = report.provenance
    title = found.title if found and found.title else name
    publisher = found.source if found and found.source else name
    return Dataset(
        records=records,
        report=report,
        titles={"fr": title, "en": title},
        sources={"fr": publisher, "en": publisher},
        # the file's own words and dates; never the file's last save
        updated=found.period.end if found and found.period else period_end(records),
        is_sample=False,
    )


def import_dataset(
    source: bytes | Path,
    name: str | None = None,
    *,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **keywords: Unpack[ImportKeywords],
) -> Dataset:
    """A user's file as a Dataset for the page (see ``import_dataset_areas``)."""
    dataset, _used = import_dataset_areas(
        source,
        name,
        options=import_options(options, keywords),
        progress=progress,
        limits=limits,
    )
    return dataset


def load_sample(boundaries: Boundaries | None = None) -> Dataset:
    """The embedded illustrative sample: 80 invented organisations in Mali."""
    records, report = read_3w(SAMPLE_FILE, boundaries=boundaries)
    meta = tomllib.loads(SAMPLE_METADATA.read_text(encoding="utf-8"))
    updated = meta.get("updated")
    if isinstance(updated, datetime):
        updated = updated.date()
    return Dataset(
        records=records,
        report=report,
        titles={
            lang: str(meta[f"title_{lang}"]) for lang in ("fr", "en") if f"title_{lang}" in meta
        },
        sources={
            lang: str(meta[f"source_{lang}"]) for lang in ("fr", "en") if f"source_{lang}" in meta
        },
        updated=updated if isinstance(updated, date) else None,
        is_sample=True,
    )
