"""Pure checks: raw 3W rows to clean records, collecting every problem with its row and column."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ngomap import schema as s
from ngomap import vocab
from ngomap.boundaries import Boundaries, assign_areas
from ngomap.normalise import clean_text, is_blank, norm_text
from ngomap.schema import Problem, Severity

OTHER_SECTOR_PREFIX = "other: "


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

    def as_dict(self) -> dict[str, Any]:
        """The report as ngomap validate --json prints it."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_duplicate": self.rows_duplicate,
            "rows_rejected": self.rows_rejected,
            "organisations": self.organisations,
            "columns": self.columns,
            "unmapped_columns": self.unmapped,
            "problems": [p.as_dict() for p in self.problems],
        }

    @property
    def usable(self) -> bool:
        """True when at least one record was kept."""
        return self.rows_kept > 0


def _code_column(
    frame: pd.DataFrame,
    column: str,
    vocabulary: vocab.Vocabulary,
    header: str,
    problems: list[Problem],
    *,
    unknown_prefix: str = "",
) -> None:
    """Replace a column's values by vocabulary codes; report each unknown value once per row."""
    if column not in frame:
        return
    lookups = {value: vocabulary.aliases.lookup(value) for value in frame[column].unique()}
    coded: list[str] = []
    for row, value in zip(frame[s.ROW], frame[column], strict=True):
        match = lookups[value]
        if match is not None:
            coded.append(match.code)
        elif is_blank(value):
            coded.append("")
        else:
            coded.append(unknown_prefix + clean_text(value))
            problems.append(
                Problem(
                    row=int(row),
                    column=header,
                    value=str(value),
                    message_en=f"'{value}' is not in the {vocabulary.name} vocabulary; kept as "
                    "it is. Add it to data/vocab/"
                    f"{vocabulary.name}_aliases.csv to map it.",
                    message_fr=f"« {value} » n'est pas dans le vocabulaire {vocabulary.name} ; "
                    f"conservé tel quel. Ajoutez-le à data/vocab/{vocabulary.name}_aliases.csv.",
                    severity=Severity.WARNING,
                    kind=f"{vocabulary.name}.unknown",
                )
            )
    frame[column] = coded


def _reject(
    frame: pd.DataFrame, mask: pd.Series, header: str | None, en: str, fr: str
) -> list[Problem]:
    return [
        Problem(int(row), header, None, en, fr, Severity.ERROR, kind="row.rejected")
        for row in frame.loc[mask, s.ROW]
    ]


def clean_records(
    mapped: pd.DataFrame,
    boundaries: Boundaries,
    *,
    source: str,
    headers: dict[str, str],
) -> tuple[pd.DataFrame, ImportReport]:
    """Turn rows already renamed to canonical fields into records, and account for every row.

    ``mapped`` holds canonical columns (see schema) and ``s.ROW``; ``headers`` maps each
    field back to the user's column header, for the report.
    """
    report = ImportReport(source=source, rows_read=len(mapped))
    problems = report.problems
    frame = mapped.copy()
    for column in frame.columns:
        if column != s.ROW:
            frame[column] = frame[column].map(clean_text)

    def header(field_name: str) -> str:
        return headers.get(field_name, field_name)

    # Organisations: one key across case, accent and spacing variants.
    if s.ORG_NAME not in frame and s.ORG_ACRONYM in frame:
        frame[s.ORG_NAME] = frame[s.ORG_ACRONYM]
    if s.ORG_NAME not in frame:
        frame[s.ORG_NAME] = ""
    frame[s.ORG_KEY] = frame[s.ORG_NAME].map(norm_text)

    if s.SECTOR in frame:
        frame[s.SECTOR_RAW] = frame[s.SECTOR]
    _code_column(
        frame,
        s.SECTOR,
        vocab.sectors(),
        header(s.SECTOR),
        problems,
        unknown_prefix=OTHER_SECTOR_PREFIX,
    )
    _code_column(frame, s.ORG_TYPE, vocab.org_types(), header(s.ORG_TYPE), problems)
    _code_column(frame, s.PRESENCE, vocab.presence_modes(), header(s.PRESENCE), problems)
    if s.SECTOR not in frame:
        frame[s.SECTOR] = ""
        problems.append(
            Problem(
                None,
                None,
                None,
                "The file has no sector column: records are counted without a sector.",
                "Le fichier n'a pas de colonne de secteur : les lignes sont comptées sans secteur.",
                Severity.WARNING,
                kind="sector.missing",
            )
        )

    frame = assign_areas(frame, boundaries)
    area_header = next(
        (header(f) for f in (s.ADM1_CODE, s.ADM1_NAME, s.ADM2_CODE, s.ADM2_NAME) if f in headers),
        None,
    )
    for row, note, code in zip(frame[s.ROW], frame[s.AREA_NOTE], frame[s.AREA_CODE], strict=True):
        if note is not None:
            problems.append(
                Problem(
                    int(row),
                    area_header,
                    None,
                    note[0],
                    note[1],
                    Severity.WARNING if pd.notna(code) else Severity.ERROR,
                    kind="area.moved" if pd.notna(code) else "area.unknown",
                )
            )

    # Rejected rows: no organisation, or no area at all.
    no_org = frame[s.ORG_KEY] == ""
    problems += _reject(
        frame,
        no_org,
        header(s.ORG_NAME),
        "No organisation name: row left out.",
        "Pas de nom d'organisation : ligne écartée.",
    )
    no_area = ~no_org & frame[s.AREA_CODE].isna() & ~frame[s.NATIONAL]
    rejected = no_org | no_area
    report.rows_rejected = int(rejected.sum())
    kept = frame.loc[~rejected]

    # Duplicates: the same record once normalised (organisation key, sector and area codes,
    # other fields ignoring case, accents and spacing) is merged and counted.
    kept = kept.copy()
    spelling = {s.ORG_NAME, s.ORG_ACRONYM, s.SECTOR_RAW, s.ROW, s.AREA_NOTE, s.ORG_KEY}
    spelling |= {field for pair in s.ADMIN_LEVELS.values() for field in pair}
    record_cols = [s.ORG_KEY, s.SECTOR, s.AREA_CODE, s.NATIONAL]
    for column in kept.columns:
        if column not in spelling and column not in record_cols:
            kept[f"_key_{column}"] = kept[column].map(norm_text)
            record_cols.append(f"_key_{column}")
    duplicated = kept.duplicated(subset=record_cols, keep="first")
    first_row = kept.groupby(record_cols, dropna=False, sort=False)[s.ROW].transform("first")
    for row, first in zip(kept.loc[duplicated, s.ROW], first_row[duplicated], strict=True):
        problems.append(
            Problem(
                int(row),
                None,
                None,
                f"Same record as row {int(first)}: merged with it.",
                f"Même enregistrement que la ligne {int(first)} : fusionné avec elle.",
                Severity.INFO,
                kind="row.duplicate",
            )
        )
    report.rows_duplicate = int(duplicated.sum())
    records = kept.loc[~duplicated].drop(columns=[c for c in kept if str(c).startswith("_key_")])
    records = records.reset_index(drop=True)
    report.rows_kept = len(records)

    # One display name per organisation: its most frequent spelling.
    spellings = Counter(zip(records[s.ORG_KEY], records[s.ORG_NAME], strict=True))
    display: dict[str, str] = {}
    for (key, name), _count in spellings.most_common():
        display.setdefault(key, name)
    records[s.ORG_NAME] = records[s.ORG_KEY].map(display)
    report.organisations = len(display)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return records, report
