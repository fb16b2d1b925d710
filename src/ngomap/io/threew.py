"""Read 3W files (CSV or XLSX, header row plus HXL hashtag rows) into records and a report."""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from ngomap import schema as s
from ngomap import vocab
from ngomap._paths import SAMPLE_FILE, SAMPLE_METADATA, VOCAB_DIR
from ngomap.boundaries import Boundaries, embedded_regions
from ngomap.coded import Coded, span
from ngomap.errors import InputFileError
from ngomap.io.sheets import (
    FORMULA_ERRORS,
    SNIFF_ROWS,
    Grid,
    Progress,
    read_grid,
    workbook_modified,
)
from ngomap.limits import DEFAULT_LIMITS, Limits
from ngomap.normalise import clean_text, norm_text
from ngomap.schema import Severity
from ngomap.validate import ImportReport, ProblemLog, clean_records

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


def field_for_hashtag(cell: object) -> str | None:
    """The canonical field of a hashtag: same tag, the most attributes in common."""
    parsed = parse_hashtag(cell)
    if parsed is None:
        return None
    tag, attributes = parsed
    best: tuple[int, str] | None = None
    for (known_tag, known_attributes), field in _column_aliases()[0].items():
        if known_tag == tag and known_attributes <= attributes:
            score = len(known_attributes)
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
    for position, header in enumerate(headers):
        if header in mapping or header in overrides:
            continue
        found = None
        if hashtags is not None and position < len(hashtags):
            found = field_for_hashtag(hashtags[position])
        if found is None:
            found = field_for_header(header)
        if found and found not in taken:
            mapping[header] = found
            taken.add(found)
    return mapping, [h for h in headers if h not in mapping]


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
    for header, field_name in (column_map or {}).items():
        if field_name not in FIELDS:
            raise InputFileError(
                f"'{field_name}' (for column '{header}') is not a field; use one of: "
                + ", ".join(FIELDS) + ".",
                f"« {field_name} » (pour la colonne « {header} ») n'est pas un champ ; "
                "utilisez l'un de : " + ", ".join(FIELDS) + ".",
            )  # fmt: skip
    grid = read_grid(data, name, sheet=sheet, score=_sheet_score, progress=progress, limits=limits)
    if progress is not None:
        progress(0.45, "columns")
    non_empty = grid.non_empty()
    if not non_empty.any():
        raise InputFileError(
            f"{name} is empty: export the sheet with its header row and try again.",
            f"{name} est vide : exportez la feuille avec sa ligne d'en-tête et réessayez.",
        )
    head = grid.head(SNIFF_ROWS)
    header_index, tag_index = find_header(head)
    headers = _unique_headers(head[header_index])
    hashtags = None if tag_index is None else [clean_text(v) for v in head[tag_index]]
    first_data = header_index + 1
    while first_data < len(grid) and _is_hashtag_row(grid.row(first_data)):
        first_data += 1
    mapping, unmapped = map_columns(headers, hashtags, column_map)
    if not mapping:
        raise InputFileError(
            f"{name}{f' (sheet {grid.sheet})' if grid.sheet else ''}: no column is recognised "
            "(organisation, sector, region...). Add HXL hashtags under the headers or map the "
            "columns by hand.",
            f"{name}{f' (feuille {grid.sheet})' if grid.sheet else ''} : aucune colonne "
            "reconnue (organisation, secteur, région...). Ajoutez les hashtags HXL sous les "
            "en-têtes ou associez les colonnes à la main.",
        )
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


def _source(
    source: str | Path | bytes, name: str | None, max_bytes: int | None
) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        data, label = source, name or "upload"
    else:
        path = Path(source)
        label = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputFileError(
                f"{label} cannot be opened ({exc.strerror}): check the path.",
                f"{label} ne peut pas être ouvert ({exc.strerror}) : vérifiez le chemin.",
            ) from exc
    if max_bytes is not None and len(data) > max_bytes:
        limit = max_bytes / 1_000_000
        raise InputFileError(
            f"{label} is {len(data) / 1_000_000:.0f} MB, over the {limit:.0f} MB limit: keep only "
            "the sheet and columns you need, or use the command line (ngomap validate).",
            f"{label} fait {len(data) / 1_000_000:.0f} Mo, plus que la limite de {limit:.0f} Mo : "
            "ne gardez que la feuille et les colonnes utiles, ou utilisez la ligne de commande "
            "(ngomap validate).",
        )
    return data, label


def read_3w(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    boundaries: Boundaries | None = None,
    column_map: dict[str, str] | None = None,
    accept_suggestions: bool = False,
    org_aliases: vocab.AliasFile | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    max_bytes: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[pd.DataFrame, ImportReport]:
    """Read a 3W file (a path, or bytes with their file ``name``) into records and a report.

    ``column_map`` maps the user's headers to fields by hand ({"Acteur": "org_name"});
    ``accept_suggestions`` applies fuzzy matches that are otherwise only suggested;
    ``org_aliases`` is the user's own alias,name file (a path, or its name and bytes);
    ``progress(fraction, step)`` is called as the import goes. The file itself is never
    modified.
    """
    data, label = _source(source, name, max_bytes)
    table = read_table(
        data, label, sheet=sheet, column_map=column_map, progress=progress, limits=limits
    )
    log = ProblemLog()
    for row, position, value in table.grid.errors:
        if row > table.header_row and position < len(table.headers):
            log.add(
                [row],
                kind="cell.formula_error",
                column=table.headers[position],
                value=value,
                en=f"Excel error value {value}: read as an empty cell.",
                fr=f"Valeur d'erreur Excel {value} : lue comme une cellule vide.",
                severity=Severity.WARNING,
            )
    columns = {field: table.column(header) for header, field in table.mapping.items()}
    aliases = vocab.organisation_aliases(org_aliases) if org_aliases else None
    records, report = clean_records(
        columns,
        table.rows,
        boundaries or embedded_regions(),
        source=label,
        headers={field: header for header, field in table.mapping.items()},
        accept_suggestions=accept_suggestions,
        org_aliases=aliases,
        progress=progress,
        log=log,
    )
    report.columns = table.mapping
    report.unmapped = table.unmapped
    report.sheet = table.grid.sheet
    report.header_row = table.header_row
    records[s.SOURCE] = label
    if progress is not None:
        progress(1.0, "done")
    return records, report


def import_dataset(
    data: bytes,
    name: str,
    *,
    boundaries: Boundaries | None = None,
    column_map: dict[str, str] | None = None,
    accept_suggestions: bool = False,
    org_aliases: vocab.AliasFile | None = None,
    progress: Progress | None = None,
    max_bytes: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """A user's file (bytes) as a Dataset for the page: records, report, where it came from."""
    records, report = read_3w(
        data,
        name=name,
        boundaries=boundaries,
        column_map=column_map,
        accept_suggestions=accept_suggestions,
        org_aliases=org_aliases,
        progress=progress,
        max_bytes=max_bytes,
        limits=limits,
    )
    return Dataset(
        records=records,
        report=report,
        titles={"fr": name, "en": name},
        sources={"fr": name, "en": name},
        updated=workbook_modified(data),  # a CSV says nothing of its date
        is_sample=False,
    )


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
