"""A proposed project, from a one-row sheet (CSV or XLSX) or a form, checked against the
sector vocabulary and the boundaries.

The header row names the fields in French or English (``Organisation``, ``Secteurs``,
``Zones``, ``Période`` or ``Début``/``Fin``, ``Budget``, ``Bailleur``, ``Partenaire``,
``Titre``); an HXL hashtag row under it is skipped. Sectors and zones hold several values
separated by ";" (zones also by ","): sector codes or names (``HEA``, ``Santé``), zone
P-codes or names (``ML05``, ``Mopti``). Every problem is found, then said at once, one
sentence each, naming the file, the row and the column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Final

from ngomap import messages, vocab
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.importer.sheets import read_grid
from ngomap.messages import Msg, Text, pair
from ngomap.normalise import clean_text, norm_pcode, norm_text

ORGANISATION: Final = "organisation"
TITLE: Final = "title"
SECTORS: Final = "sectors"
ZONES: Final = "zones"
PERIOD: Final = "period"
START: Final = "start"
END: Final = "end"
BUDGET: Final = "budget"
CURRENCY: Final = "currency"
FUNDER: Final = "funder"
PARTNER: Final = "partner"
REQUIRED: Final = (ORGANISATION, SECTORS, ZONES)

# Header spellings per field, compared after normalising (case, accents, punctuation).
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    ORGANISATION: (
        "organisation",
        "organization",
        "org",
        "structure",
        "porteur",
        "porteur du projet",
        "nom de l'organisation",
        "#org+name",
        "#org",
    ),
    TITLE: (
        "titre",
        "title",
        "projet",
        "project",
        "nom du projet",
        "project name",
        "intitulé",
        "#activity+name",
    ),
    SECTORS: ("secteur", "secteurs", "sector", "sectors", "#sector", "thème", "thèmes"),
    ZONES: (
        "zone",
        "zones",
        "zones d'intervention",
        "zone d'intervention",
        "area",
        "areas",
        "localisation",
        "location",
        "lieux",
        "#adm1+name",
        "#adm2+name",
        "#loc",
    ),
    PERIOD: ("période", "period", "durée", "dates", "#date"),
    START: ("début", "date de début", "start", "start date", "#date+start"),
    END: ("fin", "date de fin", "end", "end date", "#date+end"),
    BUDGET: ("budget", "montant", "amount", "coût", "cost", "#value"),
    CURRENCY: ("devise", "currency", "monnaie", "#currency"),
    FUNDER: ("bailleur", "bailleurs", "funder", "donor", "financeur", "#org+funding"),
    PARTNER: (
        "partenaire",
        "partenaire local",
        "partenaires",
        "partner",
        "local partner",
        "#org+impl",
    ),
}
WORDS: Final = {  # (what, header) for messages
    ORGANISATION: (Msg.PROJECT_FIELD_ORGANISATION, '"Organisation"'),
    SECTORS: (Msg.PROJECT_FIELD_SECTORS, '"Secteurs" (or "Sectors")'),
    ZONES: (Msg.PROJECT_FIELD_ZONES, '"Zones"'),
}
_CURRENCIES: Final = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "fcfa": "XOF",
    "cfa": "XOF",
    "xof": "XOF",
    "f cfa": "XOF",
}
_DATE = re.compile(
    r"(?<!\d)(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}|\d{4}-\d{1,2}|\d{4})(?!\d)"
)


@dataclass(frozen=True)
class Project:
    """A proposed project, checked: sector codes and zone P-codes."""

    organisation: str
    sectors: tuple[str, ...]
    zones: tuple[str, ...]
    title: str = ""
    start: date | None = None
    end: date | None = None
    budget: float | None = None
    currency: str = ""
    funder: str = ""
    partner: str = ""
    source: str = ""  # the file it came from


@dataclass(frozen=True)
class _Cell:
    value: str
    row: int
    column: str  # the header as the user wrote it


def _field_of(header: str) -> str | None:
    key = norm_text(header)
    for field_, spellings in HEADERS.items():
        if key in {norm_text(x) for x in spellings} or header.strip().lower() in spellings:
            return field_
    return None


def _split(value: str, separators: str) -> list[str]:
    return [p for p in (clean_text(x) for x in re.split(f"[{separators}]", value)) if p]


def _parse_date(token: str, *, end: bool) -> date | None:
    parts = re.split(r"[-/]", token)
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 3:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        if len(parts) == 2:
            year, month = (
                (int(parts[0]), int(parts[1]))
                if len(parts[0]) == 4
                else (int(parts[1]), int(parts[0]))
            )
            if end:
                following = date(year + month // 12, month % 12 + 1, 1)
                return date.fromordinal(following.toordinal() - 1)
            return date(year, month, 1)
        year = int(parts[0])
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError:
        return None


def parse_budget(value: str) -> tuple[float, str] | None:
    """A budget and its currency: "1 200 000 €" -> (1200000.0, "EUR"); None if no number."""
    text = clean_text(value).lower().replace("\u202f", " ").replace("\xa0", " ")
    currency = ""
    for mark, code in sorted(_CURRENCIES.items(), key=lambda kv: -len(kv[0])):
        if mark in text:
            currency = code
            text = text.replace(mark, " ")
            break
    number = re.sub(r"\s+", "", text)
    if not re.fullmatch(r"[0-9][0-9.,]*", number):
        return None
    if "," in number and "." in number:
        decimal = "," if number.rfind(",") > number.rfind(".") else "."
        number = number.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in number or "." in number:
        mark = "," if "," in number else "."
        groups = number.split(mark)
        if len(groups) > 2 or len(groups[-1]) == 3:
            number = number.replace(mark, "")  # thousands separators
        else:
            number = number.replace(mark, ".")
    try:
        return float(number), currency
    except ValueError:
        return None


class _Problems:
    def __init__(self, name: str) -> None:
        self.name = name
        self.en: list[str] = []
        self.fr: list[str] = []

    def at(self, cell: _Cell, en: str, fr: str) -> None:
        self.en.append(f'{self.name}, row {cell.row}, column "{cell.column}": {en}')
        self.fr.append(f"{self.name}, ligne {cell.row}, colonne « {cell.column} » : {fr}")

    def file(self, en: str, fr: str) -> None:
        self.en.append(f"{self.name}: {en}")
        self.fr.append(f"{self.name} : {fr}")

    def raise_any(self) -> None:
        if self.en:
            raise InputFileError(" ".join(self.en), " ".join(self.fr))


def _zone_code(value: str, boundaries: Boundaries) -> tuple[str | None, list[str]]:
    """(P-code, []) for a known code or a name met once; (None, candidates) otherwise."""
    code = norm_pcode(value)
    if code in boundaries.areas.index:
        return str(code), []
    found = boundaries.codes_for_name(value)
    if len(found) == 1:
        return found[0], []
    # A cercle and its chief town share a name: the area holding all the others wins.
    holding = [
        c
        for c in found
        if all(c == o or boundaries.ancestor(o, boundaries.level_of(c) or "") == c for o in found)
    ]
    if len(holding) == 1:
        return holding[0], []
    if found:
        return None, [
            f"{code} ({boundaries.name(boundaries.parent(code) or code)})" for code in found
        ]
    return None, []


def _joined(names: list[str], lang: str) -> str:
    """ "A or B" in ``lang``."""
    return messages.text(Msg.PROJECT_OR, lang).join(names)


def _close_names(value: str, boundaries: Boundaries) -> list[str]:
    names = {norm_text(boundaries.name(c)): boundaries.name(c) for c in boundaries.areas.index}
    return [names[n] for n in difflib.get_close_matches(norm_text(value), list(names), n=3)]


def parse_project(
    cells: Mapping[str, _Cell | tuple[str, int, str]],
    boundaries: Boundaries,
    *,
    name: str = "formulaire",
) -> Project:
    """A checked project from {field: (value, row, column)}; every problem raised at once."""
    given = {k: v if isinstance(v, _Cell) else _Cell(*v) for k, v in cells.items()}
    problems = _Problems(name)
    for field_ in REQUIRED:
        cell = given.get(field_)
        if cell is None:
            what, header = WORDS[field_]
            problems.file(*pair(Msg.PROJECT_NO_COLUMN_FOR, what=Text(what), header=header))
        elif not cell.value.strip():
            problems.at(cell, *pair(Msg.PROJECT_EMPTY_CELL, what=Text(WORDS[field_][0])))
    sectors: list[str] = []
    if (cell := given.get(SECTORS)) is not None:
        known = vocab.sectors()
        for value in _split(cell.value, ";,"):
            match = known.aliases.lookup(value)
            if match is None:
                examples = ", ".join(known.codes[:4])
                problems.at(
                    cell,
                    *pair(Msg.PROJECT_NOT_KNOWN_SECTOR, value=value, examples=examples),
                )
            elif match.code not in sectors:
                sectors.append(match.code)
    zones: list[str] = []
    if (cell := given.get(ZONES)) is not None:
        for value in _split(cell.value, ";,"):
            code, candidates = _zone_code(value, boundaries)
            if code is not None:
                if code not in zones:
                    zones.append(code)
            elif candidates:
                problems.at(
                    cell,
                    *pair(
                        Msg.PROJECT_NAMES_SEVERAL_AREAS,
                        value=value,
                        candidates=", ".join(candidates),
                    ),
                )
            else:
                close = _close_names(value, boundaries)
                hint = (
                    Text(Msg.PROJECT_DID_YOU_MEAN, {"names": partial(_joined, close)})
                    if close
                    else ""
                )
                problems.at(
                    cell,
                    *pair(Msg.PROJECT_NOT_AREA, value=value, source=boundaries.source, hint=hint),
                )
    start, end = _period(given, problems)
    budget, currency = None, ""
    if (cell := given.get(BUDGET)) is not None and cell.value.strip():
        parsed = parse_budget(cell.value)
        if parsed is None:
            problems.at(
                cell,
                *pair(Msg.PROJECT_NOT_AMOUNT_WRITE, cell_value=cell.value),
            )
        else:
            budget, currency = parsed
    if (cell := given.get(CURRENCY)) is not None and cell.value.strip():
        currency = _CURRENCIES.get(cell.value.strip().lower(), cell.value.strip().upper())
    problems.raise_any()

    def text(field_: str) -> str:
        found = given.get(field_)
        return clean_text(found.value) if found is not None else ""

    return Project(
        organisation=text(ORGANISATION),
        sectors=tuple(sectors),
        zones=tuple(zones),
        title=text(TITLE),
        start=start,
        end=end,
        budget=budget,
        currency=currency,
        funder=text(FUNDER),
        partner=text(PARTNER),
        source=name,
    )


def _period(given: Mapping[str, _Cell], problems: _Problems) -> tuple[date | None, date | None]:
    start = end = None
    for field_, is_end in ((START, False), (END, True)):
        cell = given.get(field_)
        if cell is None or not cell.value.strip():
            continue
        tokens = _DATE.findall(cell.value)
        parsed = _parse_date(tokens[0], end=is_end) if len(tokens) == 1 else None
        if parsed is None:
            problems.at(
                cell,
                *pair(Msg.PROJECT_NOT_DATE_WRITE, cell_value=cell.value),
            )
        elif is_end:
            end = parsed
        else:
            start = parsed
    cell = given.get(PERIOD)
    if cell is not None and cell.value.strip():
        tokens = _DATE.findall(cell.value)
        first = _parse_date(tokens[0], end=False) if tokens else None
        last = _parse_date(tokens[-1], end=True) if tokens else None
        if first is None or last is None:
            problems.at(
                cell,
                *pair(Msg.PROJECT_NOT_PERIOD_WRITE, cell_value=cell.value),
            )
        else:
            start, end = start or first, end or last
    if start and end and end < start:
        where = given.get(END) or given.get(PERIOD)
        if where is not None:
            problems.at(
                where,
                *pair(Msg.PROJECT_PROJECT_ENDS_BEFORE, end=end, start=start),
            )
    return start, end


def read_project(data: bytes, name: str, boundaries: Boundaries) -> Project:
    """The project of a one-row sheet (CSV or XLSX bytes), checked; ``name`` for messages."""
    grid = read_grid(
        data,
        name,
        score=lambda rows: sum(_field_of(str(c)) is not None for r in rows[:1] for c in r),
    )
    present = [i for i in range(len(grid)) if any(clean_text(v) for v in grid.row(i))]
    problems = _Problems(name)
    if not present:
        problems.file(
            *pair(Msg.PROJECT_SHEET_EMPTY_GIVE),
        )
        problems.raise_any()
    header_at = present[0]
    headers = [clean_text(h) for h in grid.row(header_at)]
    body = [
        i
        for i in present[1:]
        if not all(not clean_text(v) or clean_text(v).startswith("#") for v in grid.row(i))
    ]
    fields: dict[str, int] = {}
    for position, header in enumerate(headers):
        field_ = _field_of(header)
        if field_ is not None and field_ not in fields:
            fields[field_] = position
    if not body:
        problems.file(
            *pair(Msg.PROJECT_NO_PROJECT_UNDER, rows=int(grid.rows[header_at])),
        )
        problems.raise_any()
    if len(body) > 1:
        rows = ", ".join(str(int(grid.rows[i])) for i in body[1:])
        problems.file(
            *pair(Msg.PROJECT_ONE_PROJECT_PER, rows=rows),
        )
        problems.raise_any()
    values = grid.row(body[0])
    row_number = int(grid.rows[body[0]])
    cells = {
        field_: _Cell(
            clean_text(values[position]) if position < len(values) else "",
            row_number,
            headers[position],
        )
        for field_, position in fields.items()
    }
    return parse_project(cells, boundaries, name=name)


def read_project_file(path: Path, boundaries: Boundaries) -> Project:
    """The project of a sheet on disk (see ``read_project``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            *pair(Msg.PROJECT_CANNOT_READ, path=path.name, strerror=exc.strerror),
        ) from exc
    return read_project(data, path.name, boundaries)
