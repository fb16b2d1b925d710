"""Pure checks: raw 3W rows to clean records, collecting every problem with its rows and column."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ngomap import schema as s
from ngomap import vocab
from ngomap.areas import assign_areas
from ngomap.boundaries import Boundaries
from ngomap.geometry import locate_points
from ngomap.normalise import AliasTable, clean_text, norm_text
from ngomap.schema import Problem, Severity

OTHER_SECTOR_PREFIX: Final = "other: "
ORG_FUZZY_CUTOFF: Final = 90.0  # rapidfuzz ratio from which two organisation names are suggested
ORG_FUZZY_MIN_LENGTH: Final = 8  # shorter names are acronyms: IRC and IRW are two NGOs
ORG_FUZZY_MAX: Final = 5000  # distinct organisations beyond which no misspelling is looked for
SECTOR_FUZZY_CUTOFF: Final = 85.0

Progress = Callable[[float, str], None]


@dataclass
class ImportReport:
    """What happened to every row: rows_read = rows_kept + rows_duplicate + rows_rejected."""

    source: str
    rows_read: int = 0
    rows_kept: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    organisations: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    unmapped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    header_row: int | None = None  # the spreadsheet's row number of the header

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
            "organisations": self.organisations,
            "columns": self.columns,
            "unmapped_columns": self.unmapped,
            "problems": [p.as_dict(lang) for p in self.problems],
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
        self._rows: dict[tuple[str, str | None, str | None, str], list[int]] = defaultdict(list)
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
        self._rows[key].extend(int(r) for r in rows)

    def problems(self) -> list[Problem]:
        """Every problem, file-wide ones first, then by first row."""
        out = []
        for key, problem in self._first.items():
            rows = tuple(sorted(set(self._rows[key])))
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


def _map_unique(series: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """``series.map(function)``, calling ``function`` once per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.array([function(value) for value in uniques], dtype=object)
    return pd.Series(mapped[codes] if len(mapped) else [], index=series.index, dtype=object)


def _rows_by_value(frame: pd.DataFrame, column: str) -> dict[Any, list[int]]:
    return {
        value: list(rows) for value, rows in frame.groupby(column, sort=False, dropna=False)[s.ROW]
    }


def _code_column(
    frame: pd.DataFrame,
    column: str,
    vocabulary: vocab.Vocabulary,
    header: str,
    log: ProblemLog,
    *,
    unknown_prefix: str = "",
    accept_suggestions: bool = False,
) -> None:
    """Replace a column's values by vocabulary codes; report each unknown value with its rows."""
    if column not in frame:
        return
    names = {"sectors": ("sector", "secteur"), "org_types": ("organisation type",
             "type d'organisation"), "presence": ("presence mode", "mode de présence")}  # fmt: skip
    word_en, word_fr = names.get(vocabulary.name, (vocabulary.name, vocabulary.name))
    aliases = {norm_text(alias): alias for alias in vocabulary.aliases.aliases()}
    coded: dict[str, str] = {}
    rows = _rows_by_value(frame, column)
    for value, value_rows in rows.items():
        text = clean_text(value)
        match = vocabulary.aliases.lookup(text)
        if not text:
            coded[value] = ""
            continue
        if match is not None:
            coded[value] = match.code
            continue
        best = process.extractOne(
            norm_text(text), list(aliases), scorer=fuzz.ratio, score_cutoff=SECTOR_FUZZY_CUTOFF
        )
        suggestion = None
        if best is not None:
            near = vocabulary.aliases.lookup(aliases[best[0]])
            if near is not None:
                label = vocabulary.label(near.code, "en")
                suggestion = f"{text} → {aliases[best[0]]} ({near.code}) ?"
                if accept_suggestions:
                    coded[value] = near.code
                    log.add(
                        value_rows,
                        kind=f"{vocabulary.name}.fuzzy",
                        column=header,
                        value=text,
                        en=f"{word_en.capitalize()} '{text}' read as {label} "
                        "(close spelling, suggestion accepted).",
                        fr=f"{word_fr.capitalize()} « {text} » lu comme "
                        f"{vocabulary.label(near.code, 'fr')} (orthographe proche, "
                        "suggestion acceptée).",
                        severity=Severity.INFO,
                        suggestion=suggestion,
                    )
                    continue
        coded[value] = unknown_prefix + text
        kept = f"kept as '{unknown_prefix}{text}'" if unknown_prefix else "kept as it is"
        kept_fr = f"conservé comme « {unknown_prefix}{text} »" if unknown_prefix else "conservé"
        log.add(
            value_rows,
            kind=f"{vocabulary.name}.unknown",
            column=header,
            value=text,
            en=f"'{text}' is not a known {word_en}: {kept}. Map it in "
            f"data/vocab/{vocabulary.name}_aliases.csv"
            + (" or accept the suggestion." if suggestion else "."),
            fr=f"« {text} » n'est pas un(e) {word_fr} connu(e) : {kept_fr}. Associez-le dans "
            f"data/vocab/{vocabulary.name}_aliases.csv"
            + (" ou acceptez la suggestion." if suggestion else "."),
            severity=Severity.WARNING,
            suggestion=suggestion,
        )
    frame[column] = frame[column].map(coded).fillna("")


def _organisation_keys(
    frame: pd.DataFrame,
    aliases: AliasTable,
    header: str,
    log: ProblemLog,
    *,
    accept_suggestions: bool,
) -> None:
    """ORG_KEY: one key per organisation (aliases, then case, accents and spacing ignored)."""

    def key_of(name: object) -> str:
        match = aliases.lookup(name)
        return norm_text(match.code if match is not None else name)

    frame[s.ORG_KEY] = _map_unique(frame[s.ORG_NAME], key_of)
    counts = {
        str(k): int(v)
        for k, v in frame.loc[frame[s.ORG_KEY] != "", s.ORG_KEY].value_counts().items()
    }
    if len(counts) < 2 or len(counts) > ORG_FUZZY_MAX:
        return
    keys = [k for k in counts if len(k) >= ORG_FUZZY_MIN_LENGTH]
    if len(keys) < 2:
        return
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=ORG_FUZZY_CUTOFF)
    np.fill_diagonal(scores, 0)
    if not scores.any():
        return
    sizes = frame.groupby([s.ORG_KEY, s.ORG_NAME], sort=False).size().sort_values(ascending=False)
    commonest = sizes.reset_index().drop_duplicates(s.ORG_KEY)
    spelling = dict(zip(commonest[s.ORG_KEY], commonest[s.ORG_NAME], strict=True))
    replace: dict[str, str] = {}
    positions = frame.groupby(s.ORG_KEY, sort=False).indices  # key -> row positions, once
    row_numbers = frame[s.ROW].to_numpy()
    for i, j in zip(*np.nonzero(scores), strict=True):
        rare, common = keys[int(i)], keys[int(j)]
        if i == j or counts[rare] > counts[common] or (counts[rare] == counts[common] and i < j):
            continue  # suggest the rarer spelling -> the commoner one, once per pair
        if rare in replace:
            continue
        rows = row_numbers[positions[rare]].tolist()
        was, near = str(spelling[rare]), str(spelling[common])
        suggestion = f"{was} → {near} ?"
        if accept_suggestions:
            replace[rare] = common
            log.add(
                rows,
                kind="org.fuzzy",
                column=header,
                value=was,
                en=f"'{was}' merged with '{near}' (close spelling, suggestion accepted).",
                fr=f"« {was} » fusionné avec « {near} » (orthographe proche, suggestion acceptée).",
                severity=Severity.INFO,
                suggestion=suggestion,
            )
        else:
            replace.setdefault(rare, rare)
            log.add(
                rows,
                kind="org.suggestion",
                column=header,
                value=was,
                en=f"'{was}' looks like '{near}': kept apart. Accept the suggestion, or add "
                "'alias,name' to an organisation alias file to settle it.",
                fr=f"« {was} » ressemble à « {near} » : gardés distincts. Acceptez la "
                "suggestion, ou ajoutez « alias,nom » à un fichier d'alias d'organisations.",
                severity=Severity.WARNING,
                suggestion=suggestion,
            )
    merged = {rare: common for rare, common in replace.items() if rare != common}
    if merged:
        frame[s.ORG_KEY] = frame[s.ORG_KEY].replace(merged)


def _report_spellings(frame: pd.DataFrame, header: str, log: ProblemLog) -> dict[str, str]:
    """The display name of each organisation (its commonest spelling); variants reported."""
    pairs = frame.groupby([s.ORG_KEY, s.ORG_NAME], sort=False)[s.ROW].agg(list)
    by_key: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
    pair_list: list[tuple[object, object]] = pairs.index.to_list()
    for (key, name), rows in zip(pair_list, pairs.to_list(), strict=True):
        by_key[str(key)].append((str(name), list(rows)))
    display: dict[str, str] = {}
    for key, spellings in by_key.items():
        spellings.sort(key=lambda item: -len(item[1]))
        display[key] = spellings[0][0]
        if len(spellings) > 1:
            main = spellings[0][0]
            for name, rows in spellings[1:]:
                log.add(
                    rows,
                    kind="org.variant",
                    column=header,
                    value=name,
                    en=f"'{name}' is counted as the same organisation as '{main}'.",
                    fr=f"« {name} » est comptée comme la même organisation que « {main} ».",
                    severity=Severity.INFO,
                )
    return display


def _report_types(
    frame: pd.DataFrame, header: str, log: ProblemLog, display: dict[str, str]
) -> None:
    if s.ORG_TYPE not in frame:
        return
    typed = frame.loc[frame[s.ORG_TYPE] != "", [s.ORG_KEY, s.ORG_TYPE, s.ROW]]
    several = typed.groupby(s.ORG_KEY, sort=False)[s.ORG_TYPE].nunique()
    typed = typed.loc[typed[s.ORG_KEY].isin(several.index[several > 1])]
    for key, group in typed.groupby(s.ORG_KEY, sort=False):
        types = group[s.ORG_TYPE].value_counts()
        if len(types) < 2:
            continue
        name = display.get(str(key), str(key))
        listed = ", ".join(f"{t} ({n})" for t, n in types.items())
        rare = group.loc[group[s.ORG_TYPE] != types.index[0], s.ROW]
        log.add(
            rare,
            kind="org.types",
            column=header,
            value=name,
            en=f"{name} is given {len(types)} types: {listed}. Settle it in the file.",
            fr=f"{name} a {len(types)} types : {listed}. Corrigez-le dans le fichier.",
            severity=Severity.WARNING,
            suggestion=f"{s.ORG_TYPE} = {types.index[0]}",
        )


def _locate_points(
    frame: pd.DataFrame, boundaries: Boundaries, log: ProblemLog, header: Callable[[str], str]
) -> pd.Series:
    """Records with no area from codes or names but with coordinates: point in polygon.

    Looks in the finest level of the boundaries (spatial index); the area found is the
    record's area (rule "point"). Points outside every area, and coordinates that are not
    numbers in range, are reported. Returns the mask of the rows placed by their point.
    """
    placed = pd.Series(False, index=frame.index)
    if s.LAT not in frame or s.LON not in frame:
        return placed
    given = (frame[s.LAT].astype(str).str.strip() != "") & (
        frame[s.LON].astype(str).str.strip() != ""
    )
    candidates = given & frame[s.AREA_CODE].isna() & ~frame[s.NATIONAL]
    if not candidates.any():
        return placed
    level = boundaries.levels[-1]
    rows = frame.loc[candidates]
    found = locate_points(boundaries.level_areas(level), rows[s.LON].tolist(), rows[s.LAT].tolist())
    found.index = rows.index
    x = pd.to_numeric(rows[s.LON], errors="coerce")
    y = pd.to_numeric(rows[s.LAT], errors="coerce")
    valid = x.between(-180, 180) & y.between(-90, 90)
    inside = found.notna()
    frame.loc[inside[inside].index, s.AREA_CODE] = found[inside]
    frame.loc[inside[inside].index, s.AREA_LEVEL] = level
    frame.loc[inside[inside].index, s.AREA_RULE] = "point"
    placed.loc[inside[inside].index] = True
    if (~valid).any():
        log.add(
            rows.loc[~valid, s.ROW],
            kind="point.invalid",
            column=header(s.LAT),
            value=None,
            en="Latitude/longitude are not numbers in range (-90..90, -180..180): row left "
            "out. Write decimal degrees, e.g. 14.49 and -4.19.",
            fr="Latitude/longitude hors limites ou non numériques (-90..90, -180..180) : "
            "ligne écartée. Écrivez des degrés décimaux, par ex. 14.49 et -4.19.",
            severity=Severity.ERROR,
        )
    outside = valid & ~inside
    if outside.any():
        log.add(
            rows.loc[outside, s.ROW],
            kind="point.outside",
            column=header(s.LAT),
            value=None,
            en=f"The point is outside every area of the boundaries ({boundaries.source}): "
            "row left out. Check the coordinates (latitude and longitude swapped?).",
            fr=f"Le point est hors de toutes les zones des limites ({boundaries.source}) : "
            "ligne écartée. Vérifiez les coordonnées (latitude et longitude inversées ?).",
            severity=Severity.ERROR,
        )
    return placed


def clean_records(
    mapped: pd.DataFrame,
    boundaries: Boundaries,
    *,
    source: str,
    headers: dict[str, str],
    accept_suggestions: bool = False,
    org_aliases: AliasTable | None = None,
    progress: Progress | None = None,
    log: ProblemLog | None = None,
) -> tuple[pd.DataFrame, ImportReport]:
    """Turn rows already renamed to canonical fields into records, and account for every row.

    ``mapped`` holds canonical columns (see schema) and ``s.ROW``; ``headers`` maps each
    field back to the user's column header, for the report. ``log`` may already hold the
    reader's problems (formula errors...).
    """

    def step(fraction: float, what: str) -> None:
        if progress is not None:
            progress(fraction, what)

    report = ImportReport(source=source, rows_read=len(mapped))
    log = log or ProblemLog()
    frame = mapped.copy()
    for column in frame.columns:
        if column != s.ROW:
            frame[column] = _map_unique(frame[column], clean_text)

    def header(field_name: str) -> str:
        return headers.get(field_name, field_name)

    step(0.55, "organisations")
    if s.ORG_NAME not in frame and s.ORG_ACRONYM in frame:
        frame[s.ORG_NAME] = frame[s.ORG_ACRONYM]
    if s.ORG_NAME not in frame:
        frame[s.ORG_NAME] = ""
    elif s.ORG_ACRONYM in frame:  # a row with only the acronym is still an organisation
        frame[s.ORG_NAME] = frame[s.ORG_NAME].mask(frame[s.ORG_NAME] == "", frame[s.ORG_ACRONYM])
    org_header = header(s.ORG_NAME) if s.ORG_NAME in headers else header(s.ORG_ACRONYM)
    _organisation_keys(
        frame,
        org_aliases if org_aliases is not None else vocab.organisation_aliases(),
        org_header,
        log,
        accept_suggestions=accept_suggestions,
    )

    step(0.65, "sectors")
    if s.SECTOR in frame:
        frame[s.SECTOR_RAW] = frame[s.SECTOR]
    _code_column(
        frame,
        s.SECTOR,
        vocab.sectors(),
        header(s.SECTOR),
        log,
        unknown_prefix=OTHER_SECTOR_PREFIX,
        accept_suggestions=accept_suggestions,
    )
    _code_column(frame, s.ORG_TYPE, vocab.org_types(), header(s.ORG_TYPE), log)
    _code_column(frame, s.PRESENCE, vocab.presence_modes(), header(s.PRESENCE), log)
    if s.SECTOR not in frame:
        frame[s.SECTOR] = ""
        log.add(
            [],
            kind="sector.missing",
            column=None,
            value=None,
            en="The file has no sector column: records are counted without a sector.",
            fr="Le fichier n'a pas de colonne de secteur : les lignes sont comptées sans secteur.",
        )

    step(0.75, "areas")
    frame, decisions = assign_areas(frame, boundaries, accept_suggestions=accept_suggestions)
    by_point = _locate_points(frame, boundaries, log, header)
    rows_by_decision = frame.loc[~by_point].groupby("_area", sort=False)[s.ROW].agg(list)
    for index, rows in rows_by_decision.items():
        for note in decisions[int(str(index))].notes:
            log.add(
                rows,
                kind=note.kind,
                column=header(note.field) if note.field else None,
                value=note.value,
                en=note.en,
                fr=note.fr,
                severity=note.severity,
                suggestion=note.suggestion,
            )
    frame = frame.drop(columns="_area")

    step(0.85, "duplicates")
    no_org = frame[s.ORG_KEY] == ""
    if no_org.any():
        log.add(
            frame.loc[no_org, s.ROW],
            kind="org.missing",
            column=org_header if s.ORG_NAME in headers or s.ORG_ACRONYM in headers else None,
            value=None,
            en="No organisation name: row left out.",
            fr="Pas de nom d'organisation : ligne écartée.",
            severity=Severity.ERROR,
        )
    no_area = frame[s.AREA_CODE].isna() & ~frame[s.NATIONAL]
    rejected = no_org | no_area
    report.rows_rejected = int(rejected.sum())
    kept = frame.loc[~rejected]

    # Duplicates: the same record once normalised (organisation key, sector and area codes,
    # other fields ignoring case, accents and spacing) is merged and counted.
    spelling = {s.ORG_NAME, s.ORG_ACRONYM, s.SECTOR_RAW, s.ROW, s.ORG_KEY, s.AREA_RULE}
    spelling |= {s.AREA_LEVEL} | {f for pair in s.ADMIN_LEVELS.values() for f in pair}
    record_cols = [s.ORG_KEY, s.SECTOR, s.AREA_CODE, s.NATIONAL]
    keys = kept[record_cols].astype(str)
    for column in kept.columns:
        if column not in spelling and column not in record_cols:
            keys[f"_key_{column}"] = _map_unique(kept[column], norm_text)
    group = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup()
    duplicated = group.duplicated(keep="first")
    if duplicated.any():
        first_row = kept[s.ROW].groupby(group).transform("first")
        dup_rows = kept.loc[duplicated, s.ROW].groupby(first_row[duplicated]).agg(list)
        for first_key, rows in dup_rows.items():
            first = int(str(first_key))
            log.add(
                rows,
                kind="row.duplicate",
                column=None,
                value=None,
                en=f"Same record as row {first}: merged with it.",
                fr=f"Même enregistrement que la ligne {first} : fusionné avec elle.",
                severity=Severity.INFO,
            )
    report.rows_duplicate = int(duplicated.sum())
    records = kept.loc[~duplicated].reset_index(drop=True)
    report.rows_kept = len(records)

    display = _report_spellings(frame.loc[~no_org], org_header, log)
    _report_types(frame.loc[~no_org], header(s.ORG_TYPE), log, display)
    records[s.ORG_NAME] = records[s.ORG_KEY].map(display)
    report.organisations = records[s.ORG_KEY].nunique()
    report.problems = log.problems()
    step(0.95, "report")
    return records, report
