"""Read 3W files (CSV or XLSX, header row plus HXL hashtag rows) into records and a report."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd

from ngomap import schema as s
from ngomap._paths import SAMPLE_FILE, SAMPLE_METADATA, VOCAB_DIR
from ngomap.boundaries import Boundaries, embedded_regions
from ngomap.errors import InputFileError
from ngomap.normalise import clean_text, norm_text
from ngomap.validate import ImportReport, clean_records

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


_HXL_PARSED = {
    parsed: field
    for tag, field in s.HXL_FIELDS.items()
    if (parsed := parse_hashtag(tag)) is not None
}


def field_for_hashtag(cell: object) -> str | None:
    """The canonical field of a hashtag: same tag, the most attributes in common."""
    parsed = parse_hashtag(cell)
    if parsed is None:
        return None
    tag, attributes = parsed
    best: tuple[int, str] | None = None
    for (known_tag, known_attributes), field in _HXL_PARSED.items():
        if known_tag == tag and known_attributes <= attributes:
            score = len(known_attributes)
            if best is None or score > best[0]:
                best = (score, field)
    return None if best is None else best[1]


@cache
def _header_aliases() -> dict[str, str]:
    with (VOCAB_DIR / "column_aliases.csv").open(encoding="utf-8", newline="") as handle:
        return {norm_text(row["header"]): row["field"] for row in csv.DictReader(handle)}


def field_for_header(header: object) -> str | None:
    """The canonical field of a column header ("Nom Organisation", "Région *", ...)."""
    return _header_aliases().get(norm_text(header))


def _is_hashtag_row(values: list[object]) -> bool:
    cells = [clean_text(v) for v in values if clean_text(v)]
    return bool(cells) and sum(1 for c in cells if _HXL_TAG.match(c)) >= max(1, len(cells) // 2)


def map_columns(
    headers: list[str], hashtags: list[str] | None, overrides: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Which column holds which field: hand-made overrides, then hashtags, then header names.

    Returns ``{header: field}`` and the headers left unmapped (kept, listed in the report).
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    overrides = overrides or {}
    for position, header in enumerate(headers):
        field = overrides.get(header)
        if field is None and hashtags is not None:
            field = field_for_hashtag(hashtags[position])
        if field is None:
            field = field_for_header(header)
        if field is not None and field not in taken:
            mapping[header] = field
            taken.add(field)
    return mapping, [h for h in headers if h not in mapping]


_ENCODINGS = ("utf-8-sig", "cp1252")
_SEPARATORS = (";", ",", "\t")


def _decode(data: bytes, name: str) -> str:
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(
        f"{name} is neither UTF-8 nor Windows-1252 text: save it as CSV UTF-8 from Excel.",
        f"{name} n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en « CSV UTF-8 » "
        "depuis Excel.",
    )


def _separator(text: str) -> str:
    """The separator of the header line: the candidate that appears most often there."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_raw(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, header=None, keep_default_na=False)
        text = _decode(path.read_bytes(), path.name)
        if not text.strip():
            return pd.DataFrame()
        return pd.read_csv(
            io.StringIO(text),
            dtype=str,
            header=None,
            keep_default_na=False,
            sep=_separator(text),
            skip_blank_lines=True,
        )
    except (OSError, ValueError, pd.errors.ParserError, csv.Error) as exc:
        raise InputFileError(
            f"{path.name} cannot be read as a {suffix.lstrip('.') or 'data'} file ({exc}).",
            f"{path.name} n'est pas lisible comme fichier {suffix.lstrip('.') or 'de données'} "
            f"({exc}).",
        ) from exc


def read_3w(
    path: str | Path,
    *,
    boundaries: Boundaries | None = None,
    column_map: dict[str, str] | None = None,
    accept_suggestions: bool = False,
) -> tuple[pd.DataFrame, ImportReport]:
    """Read a 3W file into clean records and a report accounting for every row.

    ``column_map`` maps the user's headers to fields by hand ({"Acteur": "org_name"});
    ``accept_suggestions`` applies fuzzy matches that are otherwise only suggested.
    """
    path = Path(path)
    raw = _read_raw(path)
    if raw.empty:
        raise InputFileError(
            f"{path.name} is empty: export the sheet with its header row and try again.",
            f"{path.name} est vide : exportez la feuille avec sa ligne d'en-tête et réessayez.",
        )
    headers = [clean_text(h) or f"column {i + 1}" for i, h in enumerate(raw.iloc[0])]
    first_data = 1
    hashtags: list[str] | None = None
    while first_data < len(raw) and _is_hashtag_row(list(raw.iloc[first_data])):
        if hashtags is None:
            hashtags = [clean_text(v) for v in raw.iloc[first_data]]
        first_data += 1
    mapping, unmapped = map_columns(headers, hashtags, column_map)
    if not mapping:
        raise InputFileError(
            f"{path.name}: no column is recognised (organisation, sector, region...). "
            "Add HXL hashtags or map the columns by hand.",
            f"{path.name} : aucune colonne reconnue (organisation, secteur, région...). "
            "Ajoutez les hashtags HXL ou associez les colonnes à la main.",
        )
    body = raw.iloc[first_data:]
    body = body.loc[(body.map(clean_text) != "").any(axis=1)]  # blank lines are not rows
    mapped = pd.DataFrame(
        {field: body[headers.index(header)].to_numpy() for header, field in mapping.items()}
    )
    mapped[s.ROW] = (body.index + 1).to_numpy()  # the spreadsheet's own row numbers
    records, report = clean_records(
        mapped,
        boundaries or embedded_regions(),
        source=path.name,
        headers={field: header for header, field in mapping.items()},
    )
    report.columns = mapping
    report.unmapped = unmapped
    records[s.SOURCE] = path.name
    return records, report


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
