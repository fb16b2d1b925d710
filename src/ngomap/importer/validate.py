"""Pure checks: raw 3W rows to clean records, collecting every problem with its rows and column."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process

from ngomap import schema as s
from ngomap import vocab
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.file_areas import other_country, other_country_sentence
from ngomap.areas.geometry import locate_points
from ngomap.areas.matching import AreaMatcher, decision_columns, match_areas
from ngomap.coded import Coded, group, positions_by_code, span
from ngomap.importer.lists import split_lists
from ngomap.importer.provenance import Provenance, provenance_dict
from ngomap.messages import Msg, Text, capitalised, en_fr
from ngomap.normalise import AliasTable, clean_text, norm_text
from ngomap.schema import OTHER_SECTOR_PREFIX, Problem, Severity

ORG_FUZZY_CUTOFF: Final = 90.0  # rapidfuzz ratio from which two organisation names are suggested
ORG_FUZZY_MIN_LENGTH: Final = 8  # shorter names are acronyms: IRC and IRW are two NGOs
ORG_FUZZY_MAX: Final = 5000  # distinct organisations beyond which no misspelling is looked for

Progress = Callable[[float, str], None]
_VOCABULARY_WORDS: Final = {
    "sectors": Msg.VALIDATE_WORD_SECTORS,
    "org_types": Msg.VALIDATE_WORD_ORG_TYPES,
    "presence": Msg.VALIDATE_WORD_PRESENCE,
}
_OPTION: Final = {
    "sectors": "sector-aliases",
    "org_types": "type-aliases",
    "presence": "presence-aliases",
}


@dataclass
class ImportReport:
    """What happened to every row: rows_read = rows_kept + rows_duplicate + rows_rejected."""

    source: str
    rows_read: int = 0
    rows_kept: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    presences: int = 0  # records kept: a row listing several zones or sectors gives several
    rows_copies: int = 0  # of rows_duplicate: exact copies of another row, every cell the same
    rows_merged: int = 0  # of rows_duplicate: the same organisation, sector and area otherwise
    organisations: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    unmapped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    header_row: int | None = None  # the spreadsheet's row number of the header
    provenance: Provenance | None = None  # source, period and title as the file says them

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        """The report as ngomap validate --json prints it."""
        return {
            "source": self.source,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_duplicate": self.rows_duplicate,
            "rows_rejected": self.rows_rejected,
            "rows_copies": self.rows_copies,
            "rows_merged": self.rows_merged,
            "presences": self.presences,
            "organisations": self.organisations,
            "columns": self.columns,
            "unmapped_columns": self.unmapped,
            "problems": [p.as_dict(lang) for p in self.problems],
            "provenance": provenance_dict(self.provenance, lang),
        }

    @property
    def usable(self) -> bool:
        """True when at least one record was kept."""
        return self.rows_kept > 0

    def counts(self) -> Counter[str]:
        """Rows per kind of problem ("area.unknown_code": 1, ...)."""
        totals: Counter[str] = Counter()
        for problem in self.problems:
            totals[problem.kind] += problem.count
        return totals

    def by_kind(self, kind: str) -> list[Problem]:
        """The problems of one kind."""
        return [p for p in self.problems if p.kind == kind]


class ProblemLog:
    """Collects problems, one per (kind, column, value, message), with every row concerned."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str | None, str | None, str], list[npt.NDArray[np.int64]]]
        self._rows = defaultdict(list)
        self._first: dict[tuple[str, str | None, str | None, str], Problem] = {}

    def add(
        self,
        rows: Iterable[int],
        *,
        kind: str,
        column: str | None,
        value: str | None,
        en: str,
        fr: str,
        severity: Severity = Severity.WARNING,
        suggestion: str | None = None,
    ) -> None:
        """Record a problem for ``rows`` (an empty iterable: about the whole file)."""
        key = (kind, column, value, en)
        if key not in self._first:
            self._first[key] = Problem(None, column, value, en, fr, severity, suggestion, kind)
        if not isinstance(rows, np.ndarray):
            rows = np.fromiter((int(r) for r in rows), dtype=np.int64)
        self._rows[key].append(rows.astype(np.int64, copy=False))

    def problems(self) -> list[Problem]:
        """Every problem, file-wide ones first, then by first row."""
        out = []
        for key, problem in self._first.items():
            parts = self._rows[key]
            rows = tuple(np.unique(np.concatenate(parts)).tolist()) if parts else ()
            out.append(
                Problem(
                    rows[0] if rows else None,
                    problem.column,
                    problem.value,
                    problem.message_en,
                    problem.message_fr,
                    problem.severity,
                    problem.suggestion,
                    problem.kind,
                    rows,
                )
            )
        out.sort(key=lambda p: (p.row is not None, p.row or 0, p.kind))
        return out


class _RowFinder:
    """The row numbers carrying each code of a column: a scan for a few codes, then one sort."""

    SCANS: Final = 8

    def __init__(self, codes: npt.NDArray[np.int64], rows: npt.NDArray[np.int64]) -> None:
        self.codes, self.rows = codes, rows
        self._scans = 0
        self._split: list[npt.NDArray[np.int64]] | None = None

    def __call__(self, code: int) -> npt.NDArray[np.int64]:
        if self._split is None and self._scans < self.SCANS:
            self._scans += 1
            return self.rows[np.flatnonzero(self.codes == code)]
        if self._split is None:
            count = int(self.codes.max()) + 1 if len(self.codes) else 0
            self._split = positions_by_code(self.codes, count)
        return self.rows[self._split[code]] if code < len(self._split) else self.rows[:0]


def _code_column(
    columns: dict[str, Coded],
    column: str,
    vocabulary: vocab.Vocabulary,
    header: str,
    log: ProblemLog,
    rows: npt.NDArray[np.int64],
    *,
    unknown_prefix: str = "",
    accept_suggestions: bool = False,
) -> None:
    """Replace a column's values by vocabulary codes; report each unknown value with its rows."""
    if column not in columns:
        return
    kind = _VOCABULARY_WORDS.get(vocabulary.name)
    word: Text | str = Text(kind) if kind is not None else vocabulary.name
    values = columns[column].unique()
    rows_of = _RowFinder(values.codes, rows)
    coded: list[str] = []
    for code, value in enumerate(values.values):
        text = clean_text(value)
        match = vocabulary.find(text)
        if not text:
            coded.append("")
            continue
        if match is not None:
            coded.append(match.code)
            continue
        best = vocabulary.suggest(text)
        suggestion = None
        if best is not None:
            near_code, near_alias, _score = best
            if near_code:
                suggestion = f"{text} → {near_alias} ({near_code}) ?"
                if accept_suggestions:
                    coded.append(near_code)
                    log.add(
                        rows_of(code),
                        kind=f"{vocabulary.name}.fuzzy",
                        column=header,
                        value=text,
                        **en_fr(
                            Msg.VALIDATE_VALUE_READ_AS,
                            word=capitalised(word) if isinstance(word, Text) else word,
                            text=text,
                            label=partial(vocabulary.label, near_code),
                        ),
                        severity=Severity.INFO,
                        suggestion=suggestion,
                    )
                    continue
        coded.append(unknown_prefix + text)
        kept = (
            Text(Msg.VALIDATE_KEPT_AS, {"value": unknown_prefix + text})
            if unknown_prefix
            else Text(Msg.VALIDATE_KEPT_AS_IS)
        )
        log.add(
            rows_of(code),
            kind=f"{vocabulary.name}.unknown",
            column=header,
            value=text,
            **en_fr(
                Msg.VALIDATE_UNKNOWN_VALUE_SUGGESTED if suggestion else Msg.VALIDATE_UNKNOWN_VALUE,
                text=text,
                word=word,
                kept=kept,
                option=_OPTION[vocabulary.name],
                vocabulary=vocabulary.name,
            ),
            severity=Severity.WARNING,
            suggestion=suggestion,
        )
    columns[column] = Coded(values.codes, np.asarray(coded, dtype=object)).unique(used=True)


def _commonest(
    keys: Coded, names: Coded
) -> tuple[dict[str, list[tuple[str, int, int]]], npt.NDArray[np.int64]]:
    """Each key's spellings, commonest first: {key: [(name, rows, pair id), ...]}, pair ids."""
    pair_ids, first = group([keys, names])
    sizes = np.bincount(pair_ids, minlength=len(first))
    pair_keys = keys.values[keys.codes[first]]
    pair_names = names.values[names.codes[first]]
    by_key: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for pair, (key, name) in enumerate(zip(pair_keys, pair_names, strict=True)):
        by_key[str(key)].append((str(name), int(sizes[pair]), pair))
    for spellings in by_key.values():
        spellings.sort(key=lambda item: -item[1])  # stable: first seen wins a tie
    return by_key, pair_ids


def _organisation_keys(
    names: Coded,
    rows: npt.NDArray[np.int64],
    aliases: AliasTable,
    header: str,
    log: ProblemLog,
    *,
    accept_suggestions: bool,
) -> Coded:
    """One key per organisation (aliases, then case, accents and spacing ignored)."""

    def key_of(name: object) -> str:
        match = aliases.lookup(name)
        return norm_text(match.code if match is not None else name)

    keys = names.map(key_of)
    sizes = keys.counts()
    order = np.argsort(-sizes, kind="stable")
    counts = {str(keys.values[i]): int(sizes[i]) for i in order if keys.values[i] != ""}
    if len(counts) < 2 or len(counts) > ORG_FUZZY_MAX:
        return keys
    candidates = [k for k in counts if len(k) >= ORG_FUZZY_MIN_LENGTH]
    if len(candidates) < 2:
        return keys
    scores = process.cdist(candidates, candidates, scorer=fuzz.ratio, score_cutoff=ORG_FUZZY_CUTOFF)
    np.fill_diagonal(scores, 0)
    if not scores.any():
        return keys
    spellings, _pairs = _commonest(keys, names)
    code_of = {str(v): i for i, v in enumerate(keys.values)}
    rows_of = _RowFinder(keys.codes, rows)
    replace: dict[str, str] = {}
    for i, j in zip(*np.nonzero(scores), strict=True):
        rare, common = candidates[int(i)], candidates[int(j)]
        if i == j or counts[rare] > counts[common] or (counts[rare] == counts[common] and i < j):
            continue  # suggest the rarer spelling -> the commoner one, once per pair
        if rare in replace:
            continue
        was, near = spellings[rare][0][0], spellings[common][0][0]
        suggestion = f"{was} → {near} ?"
        if accept_suggestions:
            replace[rare] = common
            log.add(
                rows_of(code_of[rare]),
                kind="org.fuzzy",
                column=header,
                value=was,
                **en_fr(Msg.ORG_FUZZY_MERGED_CLOSE_SPELLING, was=was, near=near),
                severity=Severity.INFO,
                suggestion=suggestion,
            )
        else:
            replace.setdefault(rare, rare)
            log.add(
                rows_of(code_of[rare]),
                kind="org.suggestion",
                column=header,
                value=was,
                **en_fr(Msg.ORG_SUGGESTION_LOOKS_LIKE_KEPT, was=was, near=near),
                severity=Severity.WARNING,
                suggestion=suggestion,
            )
    merged = {rare: common for rare, common in replace.items() if rare != common}
    return keys.map(lambda k: merged.get(k, k)) if merged else keys


def _report_spellings(
    keys: Coded, names: Coded, rows: npt.NDArray[np.int64], header: str, log: ProblemLog
) -> dict[str, str]:
    """The display name of each organisation (its commonest spelling); variants reported."""
    spellings, pair_ids = _commonest(keys, names)
    rows_of = _RowFinder(pair_ids, rows)
    display: dict[str, str] = {}
    for key, found in spellings.items():
        main = found[0][0]
        display[key] = main
        for name, _size, pair in found[1:]:
            log.add(
                rows_of(pair),
                kind="org.variant",
                column=header,
                value=name,
                **en_fr(Msg.ORG_VARIANT_COUNTED_SAME_ORGANISATION, name=name, main=main),
                severity=Severity.INFO,
            )
    return display


def _report_types(
    keys: Coded,
    types: Coded,
    rows: npt.NDArray[np.int64],
    header: str,
    log: ProblemLog,
    display: dict[str, str],
) -> None:
    typed = types.mask(lambda v: v != "")
    keys, types, rows = keys.take(typed), types.take(typed), rows[typed]
    spellings, pair_ids = _commonest(keys, types)
    several = {key: found for key, found in spellings.items() if len(found) > 1}
    if not several:
        return
    rows_of = _RowFinder(pair_ids, rows)
    for key, found in several.items():
        name = display.get(key, key)
        listed = ", ".join(f"{t} ({n})" for t, n, _pair in found)
        rare = np.concatenate([rows_of(pair) for _t, _n, pair in found[1:]])
        log.add(
            rare,
            kind="org.types",
            column=header,
            value=name,
            **en_fr(Msg.ORG_TYPES_GIVEN_TYPES_SETTLE, name=name, n_found=len(found), listed=listed),
            severity=Severity.WARNING,
            suggestion=f"{s.ORG_TYPE} = {found[0][0]}",
        )


def _locate_points(
    columns: dict[str, Coded],
    rows: npt.NDArray[np.int64],
    areas: dict[str, npt.NDArray[Any]],
    boundaries: Boundaries,
    log: ProblemLog,
    header: Callable[[str], str],
) -> npt.NDArray[np.bool_]:
    """Records with no area from codes or names but with coordinates: point in polygon.

    Looks in the finest level of the boundaries (spatial index); the area found is the
    record's area (rule "point", written into ``areas``). Points outside every area, and
    coordinates that are not numbers in range, are reported. Returns the mask of the rows
    placed by their point.
    """
    placed = np.zeros(len(rows), dtype=bool)
    if s.LAT not in columns or s.LON not in columns:
        return placed
    given = columns[s.LAT].mask(lambda v: str(v).strip() != "")
    given &= columns[s.LON].mask(lambda v: str(v).strip() != "")
    no_area = np.asarray(pd.isna(areas[s.AREA_CODE]), dtype=bool)
    candidates = np.flatnonzero(given & no_area & ~areas[s.NATIONAL])
    if not len(candidates):
        return placed
    level = boundaries.levels[-1]
    lon = columns[s.LON].take(candidates).array()
    lat = columns[s.LAT].take(candidates).array()
    found = locate_points(boundaries.level_areas(level), lon.tolist(), lat.tolist())
    x = pd.to_numeric(pd.Series(lon, dtype=object), errors="coerce")
    y = pd.to_numeric(pd.Series(lat, dtype=object), errors="coerce")
    valid = (x.between(-180, 180) & y.between(-90, 90)).to_numpy()
    inside = found.notna().to_numpy()
    hits = candidates[inside]
    areas[s.AREA_CODE][hits] = found.to_numpy(dtype=object)[inside]
    areas[s.AREA_LEVEL][hits] = level
    areas[s.AREA_RULE][hits] = "point"
    placed[hits] = True
    if (~valid).any():
        log.add(
            rows[candidates[~valid]],
            kind="point.invalid",
            column=header(s.LAT),
            value=None,
            **en_fr(Msg.POINT_INVALID_LATITUDE_LONGITUDE_NOT),
            severity=Severity.ERROR,
        )
    outside = valid & ~inside
    if outside.any():
        log.add(
            rows[candidates[outside]],
            kind="point.outside",
            column=header(s.LAT),
            value=None,
            **en_fr(Msg.POINT_OUTSIDE_POINT_OUTSIDE_EVERY, source=boundaries.source),
            severity=Severity.ERROR,
        )
    return placed


# Columns that only spell a record differently: ignored when looking for duplicates.
_SPELLING: Final = frozenset(
    {s.ORG_NAME, s.ORG_ACRONYM, s.SECTOR_RAW, s.ORG_KEY, s.AREA_RULE, s.AREA_LEVEL}
    | {f for pair in s.ADMIN_LEVELS.values() for f in pair}
)


def _duplicates(
    record: list[Coded], others: list[Coded], rows: npt.NDArray[np.int64], log: ProblemLog
) -> npt.NDArray[np.bool_]:
    """Rows that repeat an earlier row's record (organisation key, sector, area, and the
    other fields ignoring case, accents and spacing); each reported with the row it repeats."""
    ids, first = group(record + [column.map(norm_text) for column in others], len(rows))
    duplicated: npt.NDArray[np.bool_] = np.asarray(first[ids] != np.arange(len(ids)), dtype=bool)
    if not duplicated.any():
        return duplicated
    dup_positions = np.flatnonzero(duplicated)
    first_rows = rows[first[ids[dup_positions]]]
    order = np.argsort(first_rows, kind="stable")
    firsts, starts = np.unique(first_rows[order], return_index=True)
    for first_row, chunk in zip(firsts.tolist(), np.split(order, starts[1:]), strict=True):
        log.add(
            rows[dup_positions[chunk]],
            kind="row.duplicate",
            column=None,
            value=None,
            **en_fr(Msg.ROW_DUPLICATE_SAME_RECORD_ROW, first_row=first_row),
            severity=Severity.INFO,
        )
    return duplicated


def clean_records(
    columns: dict[str, Coded],
    rows: npt.NDArray[np.int64],
    boundaries: Boundaries,
    *,
    source: str,
    headers: dict[str, str],
    accept_suggestions: bool = False,
    org_aliases: AliasTable | None = None,
    progress: Progress | None = None,
    log: ProblemLog | None = None,
    vocabularies: dict[str, vocab.Vocabulary] | None = None,
) -> tuple[pd.DataFrame, ImportReport]:
    """Turn columns already named by canonical fields into records, accounting for every row.

    ``columns`` holds one ``Coded`` column per canonical field (see schema) and ``rows`` the
    row numbers as the user sees them; ``headers`` maps each field back to the user's
    column header, for the report. ``log`` may already hold the reader's problems. Every
    step works once per distinct value or per distinct combination of values.
    """

    def step(fraction: float, what: str) -> None:
        if progress is not None:
            progress(fraction, what)

    report = ImportReport(source=source, rows_read=len(rows))
    log = log or ProblemLog()
    columns = {name: column.map(clean_text) for name, column in columns.items()}
    fields = list(columns)

    def header(field_name: str) -> str:
        return headers.get(field_name, field_name)

    chosen = vocabularies or {}
    sector_vocabulary = chosen.get("sectors") or vocab.sectors()
    columns, rows, origin = split_lists(
        columns, rows, AreaMatcher(boundaries), sector_vocabulary, log, header
    )
    length = len(rows)

    step(0.55, "organisations")
    if s.ORG_NAME not in columns:
        columns[s.ORG_NAME] = columns.get(s.ORG_ACRONYM, Coded.constant("", length))
    elif s.ORG_ACRONYM in columns:  # a row with only the acronym is still an organisation
        names = columns[s.ORG_NAME]
        columns[s.ORG_NAME] = names.where(names.mask(lambda v: v == ""), columns[s.ORG_ACRONYM])
    org_header = header(s.ORG_NAME) if s.ORG_NAME in headers else header(s.ORG_ACRONYM)
    keys = _organisation_keys(
        columns[s.ORG_NAME],
        rows,
        org_aliases if org_aliases is not None else vocab.organisation_aliases(),
        org_header,
        log,
        accept_suggestions=accept_suggestions,
    )

    step(0.65, "sectors")
    sector_raw = columns.get(s.SECTOR)
    _code_column(
        columns,
        s.SECTOR,
        sector_vocabulary,
        header(s.SECTOR),
        log,
        rows,
        unknown_prefix=OTHER_SECTOR_PREFIX,
        accept_suggestions=accept_suggestions,
    )
    types = chosen.get("org_types") or vocab.org_types()
    _code_column(columns, s.ORG_TYPE, types, header(s.ORG_TYPE), log, rows)
    modes = chosen.get("presence") or vocab.presence_modes()
    _code_column(columns, s.PRESENCE, modes, header(s.PRESENCE), log, rows)
    if s.SECTOR not in columns:
        columns[s.SECTOR] = Coded.constant("", length)
        log.add(
            [],
            kind="sector.missing",
            column=None,
            value=None,
            **en_fr(Msg.SECTOR_MISSING_FILE_NO_SECTOR),
        )

    step(0.75, "areas")
    foreign = other_country(columns, boundaries)
    if foreign is not None:
        en, fr = other_country_sentence(*foreign)
        log.add(
            [],
            kind="area.other_country",
            column=None,
            value=foreign[1],
            en=en,
            fr=fr,
            severity=Severity.ERROR,
        )
    combo_ids, decisions = match_areas(
        columns, length, boundaries, accept_suggestions=accept_suggestions
    )
    areas = decision_columns(decisions, combo_ids)
    by_point = _locate_points(columns, rows, areas, boundaries, log, header)
    noted = [i for i, decision in enumerate(decisions) if decision.notes]
    if noted:
        rows_of = _RowFinder(np.where(by_point, len(decisions), combo_ids), rows)
        for index in noted:
            decision_rows = rows_of(index)
            for note in decisions[index].notes:
                log.add(
                    decision_rows,
                    kind=note.kind,
                    column=header(note.field) if note.field else None,
                    value=note.value,
                    en=note.en,
                    fr=note.fr,
                    severity=note.severity,
                    suggestion=note.suggestion,
                )

    step(0.85, "duplicates")
    no_org = keys.mask(lambda v: v == "")
    if no_org.any():
        log.add(
            rows[no_org],
            kind="org.missing",
            column=org_header if s.ORG_NAME in headers or s.ORG_ACRONYM in headers else None,
            value=None,
            **en_fr(Msg.ORG_MISSING_NO_ORGANISATION_NAME),
            severity=Severity.ERROR,
        )
    national = areas[s.NATIONAL]
    rejected = no_org | (np.asarray(pd.isna(areas[s.AREA_CODE]), dtype=bool) & ~national)
    kept_positions = np.flatnonzero(~rejected)
    kept = span(kept_positions)

    area = (
        Coded.of(areas[s.AREA_CODE])
        if by_point.any()
        else Coded(combo_ids, np.asarray([d.code for d in decisions], dtype=object))
    )
    record = [keys, columns[s.SECTOR], area, Coded(national.astype(np.int64), np.array([0, 1]))]
    others = [c for f, c in columns.items() if f not in _SPELLING and f != s.SECTOR]
    duplicated = _duplicates(
        [c.take(kept) for c in record], [c.take(kept) for c in others], rows[kept], log
    )
    out = span(kept_positions[~duplicated])
    # Per row of the file (a listing row gives several presences): kept when one of its
    # presences is, a duplicate when all it gives repeat others, rejected when none counts.
    status = np.full(length, 2, dtype=np.int64)
    status[kept_positions] = np.where(duplicated, 1, 0)
    best = np.full(report.rows_read, 2, dtype=np.int64)
    np.minimum.at(best, origin, status)
    report.rows_kept = int((best == 0).sum())
    report.rows_duplicate = int((best == 1).sum())
    report.rows_rejected = int((best == 2).sum())
    report.presences = int((~duplicated).sum())

    valid = span(np.flatnonzero(~no_org))
    display = _report_spellings(
        keys.take(valid), columns[s.ORG_NAME].take(valid), rows[valid], org_header, log
    )
    if s.ORG_TYPE in columns:
        _report_types(
            keys.take(valid),
            columns[s.ORG_TYPE].take(valid),
            rows[valid],
            header(s.ORG_TYPE),
            log,
            display,
        )
    names = keys.map(lambda k: display.get(k, k))

    def text(column: Coded) -> pd.Series:
        return column.take(out).series()

    data: dict[str, pd.Series] = {f: text(columns[f]) for f in fields if f != s.ORG_NAME}
    if s.ORG_NAME in fields:
        data = {f: text(names) if f == s.ORG_NAME else data[f] for f in fields}
    data[s.ROW] = pd.Series(rows[out], dtype=np.int64)
    if s.ORG_NAME not in fields:
        data[s.ORG_NAME] = text(names)
    data[s.ORG_KEY] = text(keys)
    if sector_raw is not None:
        data[s.SECTOR_RAW] = text(sector_raw)
    if s.SECTOR not in fields:
        data[s.SECTOR] = text(columns[s.SECTOR])
    for name in (s.AREA_CODE, s.AREA_LEVEL, s.AREA_RULE):
        data[name] = pd.Series(areas[name][out], dtype=object)
    data[s.NATIONAL] = pd.Series(national[out], dtype=bool)
    records = pd.DataFrame(data, copy=False)  # one block per column: no 2-D copy
    report.organisations = len(np.unique(keys.codes[out]))
    report.problems = log.problems()
    step(0.95, "report")
    return records, report
