"""Area matching: each record's admin codes and names to one area, every decision explained."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pycountry
from rapidfuzz import fuzz, process

from ngomap import schema as s
from ngomap._paths import VOCAB_DIR
from ngomap.areas.boundaries import ISO_CODE, LEVEL, LEVELS, NAME_EN, NAME_FR, PARENT, Boundaries
from ngomap.coded import Coded, group
from ngomap.normalise import clean_text, is_blank, is_iso_subdivision, norm_pcode, norm_text
from ngomap.schema import Severity

FUZZY_CUTOFF: Final = 80.0  # rapidfuzz ratio (0-100) from which a name is suggested

LEVEL_WORDS: Final[dict[str, tuple[str, str]]] = {  # (English, French)
    "adm1": ("region", "région"),
    "adm2": ("cercle/district", "cercle/district"),
    "adm3": ("commune", "commune"),
}

_ROMAN: Final = {
    "i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
    "viii": "8", "ix": "9", "x": "10", "xi": "11", "xii": "12",
}  # fmt: skip
_TOKEN: Final = re.compile(r"[a-z0-9]+")


def area_key(name: object) -> str:
    """A key for comparing area names: norm_text, and Roman numerals as digits.

    >>> area_key("Commune - I") == area_key("COMMUNE 1") == area_key("Commune I")
    True
    """
    return " ".join(_ROMAN.get(token, token) for token in _TOKEN.findall(norm_text(name)))


@cache
def _nationwide_keys() -> frozenset[str]:
    with (VOCAB_DIR / "nationwide.csv").open(encoding="utf-8", newline="") as handle:
        names = {norm_text(row["alias"]) for row in csv.DictReader(handle)}
    for country in pycountry.countries:
        names.add(norm_text(country.name))
        names.add(norm_text(getattr(country, "common_name", "")))
    names.update({"tout le mali", "ensemble du mali", "ensemble du territoire"})
    return frozenset(n for n in names if n)


def is_nationwide(value: object) -> bool:
    """True for "Tout le Mali", "Ensemble du territoire", "National", a country's name."""
    key = norm_text(value)
    return bool(key) and key in _nationwide_keys()


@dataclass(frozen=True, slots=True)
class AreaNote:
    """One decision worth telling the user about, for one record's area."""

    kind: str
    severity: Severity
    field: str | None  # the canonical column (adm1_code, adm2_name, ...) it is about
    value: str
    en: str
    fr: str
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class AreaDecision:
    """Where a record goes (an area, nationwide, or nowhere), by which rule, and why."""

    code: str | None
    level: str | None = None
    national: bool = False
    rule: str = ""
    notes: tuple[AreaNote, ...] = ()


@dataclass(frozen=True, slots=True)
class _Candidate:
    level: str
    code: str
    rule: str
    field: str
    by_code: bool


@dataclass
class AreaMatcher:
    """Matches codes and names against one set of boundaries (built once, used per combo).

    Rules, in order: exact code; code after format normalisation (MLI05 -> ML05); ISO
    3166-2 code; the boundaries' crosswalk; a finer code rolled up to the known area it
    starts with ("prefix"); then names, exact, then normalised (case, accents, spacing,
    Roman numerals), within the parent found so far; fuzzy name matches only as
    suggestions, applied when ``accept_suggestions`` is set. The finest area wins; codes
    win over names at the same level; every disagreement is reported.
    """

    boundaries: Boundaries
    accept_suggestions: bool = False
    _exact: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)
    _keys: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)
    _choices: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _known: frozenset[str] = field(default=frozenset(), repr=False)
    _levels: dict[str, str] = field(default_factory=dict, repr=False)
    _parents: dict[str, str | None] = field(default_factory=dict, repr=False)
    _iso: dict[str, str] = field(default_factory=dict, repr=False)
    _present: frozenset[str] = field(default=frozenset(), repr=False)

    def __post_init__(self) -> None:
        areas = self.boundaries.areas
        for code, level, french, english, parent, iso in zip(
            areas.index.astype(str),
            areas[LEVEL].astype(str),
            areas[NAME_FR],
            areas[NAME_EN],
            areas[PARENT] if PARENT in areas else [None] * len(areas),
            areas[ISO_CODE] if ISO_CODE in areas else [None] * len(areas),
            strict=True,
        ):
            self._levels[code] = level
            self._parents[code] = None if is_blank(parent) else str(parent)
            if not is_blank(iso):
                self._iso.setdefault(str(iso), code)
            for name in {clean_text(french), clean_text(english)} - {""}:
                self._exact.setdefault((level, name), []).append(code)
                key = area_key(name)
                codes = self._keys.setdefault((level, key), [])
                if code not in codes:
                    codes.append(code)
                self._choices.setdefault(level, {})[key] = name
        self._known = frozenset(self._levels)
        self._present = frozenset(self._levels.values())

    # --- the hierarchy -------------------------------------------------------------
    def level_of(self, code: str) -> str | None:
        """The level of a known code."""
        return self._levels.get(code)

    def ancestor(self, code: str, level: str) -> str | None:
        """The area of ``level`` holding ``code`` (itself at that level), when known."""
        current: str | None = code
        while current is not None:
            current_level = self._levels.get(current)
            if current_level == level:
                return current
            if current_level is None or LEVELS.index(current_level) < LEVELS.index(level):
                return None
            current = self._parents.get(current)
        return None

    def _label(self, code: str) -> str:
        name = self.boundaries.name(code, "fr")
        parent = self._parents.get(code)
        if parent:
            return f"{name} ({code}, {self.boundaries.name(parent, 'fr')})"
        return f"{name} ({code})"

    # --- one combination of codes and names ------------------------------------------
    def match(self, codes: Mapping[str, object], names: Mapping[str, object]) -> AreaDecision:
        """The area of a record given its codes and names by level ({"adm1": "MLI05"})."""
        notes: list[AreaNote] = []
        candidates: list[_Candidate] = []
        unknown_codes: list[tuple[str, str]] = []  # (field, value)
        national = False
        present = self._present

        for level in LEVELS:
            raw = codes.get(level)
            if is_blank(raw):
                continue
            code_field = s.ADMIN_LEVELS[level][0]
            text = clean_text(raw)
            if is_nationwide(text):
                national = True
                continue
            found = self._match_code(text, level, code_field, notes)
            if found is None:
                unknown_codes.append((code_field, text))
            else:
                candidates.append(found)

        for level in LEVELS:
            raw = names.get(level)
            if is_blank(raw):
                continue
            name_field = s.ADMIN_LEVELS[level][1]
            text = clean_text(raw)
            if is_nationwide(text):
                national = True
                continue
            if level not in present:
                continue  # finer than the boundaries: nothing to check it against
            parent = _finest(c for c in candidates if LEVELS.index(c.level) < LEVELS.index(level))
            same_level = next((c for c in candidates if c.level == level and c.by_code), None)
            found_name = self._match_name(text, level, name_field, parent, same_level, notes)
            if found_name is not None:
                candidates.append(found_name)

        best = _finest(candidates)
        if best is None:
            if national:
                return AreaDecision(None, national=True, rule="nationwide", notes=tuple(notes))
            for code_field, value in unknown_codes:
                notes.append(
                    AreaNote(
                        "area.unknown",
                        Severity.ERROR,
                        code_field,
                        value,
                        f"Code '{value}' is not in the boundaries ({self.boundaries.source}) "
                        "and nothing else on the row places it: row left out. Check the code.",
                        f"Le code « {value} » est absent des limites ({self.boundaries.source}) "
                        "et rien d'autre sur la ligne ne la situe : ligne écartée. "
                        "Vérifiez le code.",
                    )
                )
            if not any(n.severity is Severity.ERROR for n in notes):
                given = [clean_text(v) for v in (*codes.values(), *names.values()) if clean_text(v)]
                if given:
                    notes.append(
                        AreaNote(
                            "area.unknown",
                            Severity.ERROR,
                            None,
                            ", ".join(given),
                            f"Area '{', '.join(given)}' is not in the boundaries "
                            f"({self.boundaries.source}): row left out. Check the code or name.",
                            f"Zone « {', '.join(given)} » absente des limites "
                            f"({self.boundaries.source}) : ligne écartée. Vérifiez le code "
                            "ou le nom.",
                        )
                    )
                else:
                    notes.append(
                        AreaNote(
                            "area.missing",
                            Severity.ERROR,
                            None,
                            "",
                            "No admin area given: row left out. Fill in a region name or "
                            "P-code (or 'National').",
                            "Aucune zone indiquée : ligne écartée. Renseignez un nom ou un "
                            "P-code de région (ou « National »).",
                        )
                    )
            return AreaDecision(None, notes=tuple(notes))

        # Coarser codes that disagree with the finest area: trust the finer one, say so.
        for other in candidates:
            if other is best or not other.by_code or other.level == best.level:
                continue
            if self.ancestor(best.code, other.level) not in (None, other.code):
                notes.append(
                    AreaNote(
                        "area.conflict",
                        Severity.WARNING,
                        other.field,
                        other.code,
                        f"{other.code} does not contain {self._label(best.code)}: "
                        f"the finer {best.code} is kept.",
                        f"{other.code} ne contient pas {self._label(best.code)} : "
                        f"le code plus fin {best.code} est retenu.",
                    )
                )
        for code_field, value in unknown_codes:
            notes.append(
                AreaNote(
                    "area.unknown_code",
                    Severity.WARNING,
                    code_field,
                    value,
                    f"Code '{value}' is not in the boundaries ({self.boundaries.source}); "
                    f"the row is placed by its other columns in {self._label(best.code)}.",
                    f"Le code « {value} » est absent des limites ({self.boundaries.source}) ; "
                    f"la ligne est placée par ses autres colonnes dans {self._label(best.code)}.",
                )
            )
        return AreaDecision(best.code, level=best.level, rule=best.rule, notes=tuple(notes))

    def _match_code(
        self, text: str, level: str, code_field: str, notes: list[AreaNote]
    ) -> _Candidate | None:
        code = norm_pcode(text)
        rule = "exact" if code == text else "normalised"
        if is_iso_subdivision(code) and code in self._iso:
            code, rule = self._iso[code], "iso"
        elif code not in self._known:
            entry = next(
                (
                    e
                    for e in self.boundaries.crosswalk
                    if e.code and (e.code == code or self._prefix_of(e.code, code))
                ),
                None,
            )
            if entry is not None and entry.target in self._known:
                notes.append(
                    AreaNote("area.moved", Severity.WARNING, code_field, text, entry.note_en,
                             entry.note_fr)
                )  # fmt: skip
                return _Candidate(self._levels[entry.target], entry.target, "crosswalk",
                                  code_field, True)  # fmt: skip
            parent = self._prefix_parent(code)
            if parent is None:
                return None
            parent_level = self._levels[parent]
            if parent_level == level or level in self._present:
                notes.append(
                    AreaNote(
                        "area.unknown_code" if level in self._present else "area.moved",
                        Severity.WARNING,
                        code_field,
                        text,
                        f"Code '{text}' is not a {LEVEL_WORDS[level][0]} of the boundaries; "
                        f"counted in {self._label(parent)}, the area it starts with.",
                        f"Le code « {text} » n'est pas une {LEVEL_WORDS[level][1]} des limites ; "
                        f"compté dans {self._label(parent)}, la zone par laquelle il commence.",
                    )
                )
            return _Candidate(parent_level, parent, "prefix", code_field, True)
        actual = self._levels[code]
        if actual != level:
            notes.append(
                AreaNote(
                    "area.wrong_column",
                    Severity.WARNING,
                    code_field,
                    text,
                    f"'{text}' in the {LEVEL_WORDS[level][0]} column is the code of a "
                    f"{LEVEL_WORDS[actual][0]}, {self._label(code)}: used as such.",
                    f"« {text} » dans la colonne {LEVEL_WORDS[level][1]} est le code d'une "
                    f"{LEVEL_WORDS[actual][1]}, {self._label(code)} : pris comme tel.",
                    suggestion=f"{s.ADMIN_LEVELS[actual][0]} = {code}",
                )
            )
        return _Candidate(actual, code, rule, code_field, True)

    def _prefix_of(self, prefix: str, code: str) -> bool:
        """True when ``code`` is a finer P-code under ``prefix`` (ML1001 under ML10)."""
        return (
            code.startswith(prefix)
            and self._prefix_parent(code) is None
            and not is_iso_subdivision(prefix)
        )

    def _prefix_parent(self, code: str) -> str | None:
        for end in range(len(code) - 1, 1, -1):
            if code[:end] in self._known:
                return code[:end]
        return None

    def _within(self, codes: list[str], parent: _Candidate | None) -> list[str]:
        if parent is None:
            return codes
        return [c for c in codes if self.ancestor(c, parent.level) == parent.code]

    def _match_name(
        self,
        text: str,
        level: str,
        name_field: str,
        parent: _Candidate | None,
        same_level: _Candidate | None,
        notes: list[AreaNote],
    ) -> _Candidate | None:
        rule = "exact"
        everywhere = self._exact.get((level, text), [])
        if not everywhere:
            rule = "normalised"
            everywhere = self._keys.get((level, area_key(text)), [])
        found = self._within(everywhere, parent)
        if same_level is not None:
            if everywhere and same_level.code not in everywhere:
                notes.append(
                    AreaNote(
                        "area.conflict",
                        Severity.WARNING,
                        name_field,
                        text,
                        f"Name '{text}' does not match code {self._label(same_level.code)}: "
                        "the code is kept.",
                        f"Le nom « {text} » ne correspond pas au code "
                        f"{self._label(same_level.code)} : le code est retenu.",
                    )
                )
            return None
        if len(found) == 1:
            return _Candidate(level, found[0], rule, name_field, False)
        if len(found) > 1:
            listed = ", ".join(self._label(c) for c in found)
            notes.append(
                AreaNote(
                    "area.ambiguous",
                    Severity.WARNING,
                    name_field,
                    text,
                    f"'{text}' is the name of several areas ({listed}); give the parent area "
                    "or the P-code.",
                    f"« {text} » est le nom de plusieurs zones ({listed}) ; indiquez la zone "
                    "parente ou le P-code.",
                )
            )
            return None
        if everywhere:  # the name exists, but not under the parent the row gives
            where = ", ".join(self._label(c) for c in everywhere)
            notes.append(
                AreaNote(
                    "area.conflict",
                    Severity.WARNING,
                    name_field,
                    text,
                    f"'{text}' is not in {self._label(parent.code) if parent else '?'} but in "
                    f"{where}: the coarser area is kept.",
                    f"« {text} » n'est pas dans {self._label(parent.code) if parent else '?'} "
                    f"mais dans {where} : la zone plus large est retenue.",
                )
            )
            return None
        entry = next(
            (e for e in self.boundaries.crosswalk if e.name and area_key(e.name) == area_key(text)),
            None,
        )
        if entry is not None and entry.target in self._known:
            notes.append(
                AreaNote("area.moved", Severity.WARNING, name_field, text, entry.note_en,
                         entry.note_fr)
            )  # fmt: skip
            return _Candidate(self._levels[entry.target], entry.target, "crosswalk",
                              name_field, False)  # fmt: skip
        return self._suggest(text, level, name_field, parent, notes)

    def _suggest(
        self,
        text: str,
        level: str,
        name_field: str,
        parent: _Candidate | None,
        notes: list[AreaNote],
    ) -> _Candidate | None:
        choices = self._choices.get(level, {})
        if parent is not None:
            allowed = {
                key: name
                for key, name in choices.items()
                if self._within(self._keys[(level, key)], parent)
            }
        else:
            allowed = choices
        best = process.extractOne(
            area_key(text), list(allowed), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        word_en, word_fr = LEVEL_WORDS[level]
        if best is None:
            notes.append(
                AreaNote(
                    "area.unknown_name",
                    Severity.WARNING,
                    name_field,
                    text,
                    f"'{text}' is not a {word_en} of the boundaries ({self.boundaries.source}).",
                    f"« {text} » n'est pas une {word_fr} des limites ({self.boundaries.source}).",
                )
            )
            return None
        name = allowed[best[0]]
        codes = self._within(self._keys[(level, best[0])], parent)
        suggestion = f"{text} → {name} ?"
        if self.accept_suggestions and len(codes) == 1:
            notes.append(
                AreaNote(
                    "area.fuzzy",
                    Severity.INFO,
                    name_field,
                    text,
                    f"'{text}' read as {name} (close spelling, suggestion accepted).",
                    f"« {text} » lu comme {name} (orthographe proche, suggestion acceptée).",
                    suggestion,
                )
            )
            return _Candidate(level, codes[0], "fuzzy", name_field, False)
        notes.append(
            AreaNote(
                "area.suggestion",
                Severity.WARNING,
                name_field,
                text,
                f"'{text}' is not a {word_en} of the boundaries; did you mean {name}? "
                "Accept the suggestions to use it.",
                f"« {text} » n'est pas une {word_fr} des limites ; vouliez-vous dire {name} ? "
                "Acceptez les suggestions pour l'utiliser.",
                suggestion,
            )
        )
        return None


def _finest(candidates: Iterable[_Candidate]) -> _Candidate | None:
    best: _Candidate | None = None
    for candidate in candidates:
        if best is None:
            best = candidate
            continue
        rank = (LEVELS.index(candidate.level), candidate.by_code)
        if rank > (LEVELS.index(best.level), best.by_code):
            best = candidate
    return best


def match_areas(
    columns: Mapping[str, Coded],
    length: int,
    boundaries: Boundaries,
    *,
    accept_suggestions: bool = False,
) -> tuple[npt.NDArray[np.int64], list[AreaDecision]]:
    """One decision per distinct combination of the admin codes and names in ``columns``.

    Returns each row's position in the list of decisions, and the decisions (their notes
    are the report's). A million rows cost a few thousand look-ups.
    """
    code_fields = {lvl: pair[0] for lvl, pair in s.ADMIN_LEVELS.items() if pair[0] in columns}
    name_fields = {lvl: pair[1] for lvl, pair in s.ADMIN_LEVELS.items() if pair[1] in columns}
    fields = list(code_fields.values()) + list(name_fields.values())
    matcher = AreaMatcher(boundaries, accept_suggestions=accept_suggestions)
    if not fields:
        return np.zeros(length, dtype=np.int64), [matcher.match({}, {})]
    combo_ids, first = group([columns[f] for f in fields])
    values = {f: columns[f].values[columns[f].codes[first]] for f in fields}
    decisions = [
        matcher.match(
            {lvl: values[f][i] for lvl, f in code_fields.items()},
            {lvl: values[f][i] for lvl, f in name_fields.items()},
        )
        for i in range(len(first))
    ]
    return combo_ids, decisions


def assign_areas(
    records: pd.DataFrame, boundaries: Boundaries, *, accept_suggestions: bool = False
) -> tuple[pd.DataFrame, list[AreaDecision]]:
    """Add AREA_CODE, AREA_LEVEL, AREA_RULE and NATIONAL to each record of a frame.

    Returns the frame, with a private ``_area`` column giving each row's position in the
    returned list of decisions (see ``match_areas``).
    """
    admin = {f for pair in s.ADMIN_LEVELS.values() for f in pair if f in records}
    columns = {f: Coded.of(records[f].fillna("").astype(str).to_numpy()) for f in admin}
    combo_ids, decisions = match_areas(
        columns, len(records), boundaries, accept_suggestions=accept_suggestions
    )
    out = records.copy()
    out["_area"] = combo_ids
    for column, values in decision_columns(decisions, combo_ids).items():
        out[column] = values
    return out, decisions


def decision_columns(
    decisions: list[AreaDecision], combo_ids: npt.NDArray[np.int64]
) -> dict[str, npt.NDArray[Any]]:
    """AREA_CODE, AREA_LEVEL, AREA_RULE and NATIONAL, row by row, from the decisions."""

    def column(values: list[Any], dtype: Any = object) -> npt.NDArray[Any]:
        return np.asarray(values, dtype=dtype)[combo_ids]

    return {
        s.AREA_CODE: column([d.code for d in decisions]),
        s.AREA_LEVEL: column([d.level for d in decisions]),
        s.AREA_RULE: column([d.rule for d in decisions]),
        s.NATIONAL: column([d.national for d in decisions], bool),
    }
