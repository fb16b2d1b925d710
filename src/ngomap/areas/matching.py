"""Area matching: each record's admin codes and names to one area, every decision explained."""

from __future__ import annotations

import csv
import gettext
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pycountry
from rapidfuzz import fuzz, process

from ngomap import messages
from ngomap import schema as s
from ngomap._paths import VOCAB_DIR
from ngomap.areas.boundaries import ISO_CODE, LEVEL, LEVELS, NAME_EN, NAME_FR, PARENT, Boundaries
from ngomap.coded import Coded, group
from ngomap.levels import many_in_sentence, of_one, one_in_sentence
from ngomap.messages import Msg, Text, capitalised, pair
from ngomap.normalise import clean_text, is_blank, is_iso_subdivision, norm_pcode, norm_text
from ngomap.schema import Severity
from ngomap.vocab import without_affixes

FUZZY_CUTOFF: Final = 80.0  # rapidfuzz ratio (0-100) from which a name is suggested

_ROMAN: Final = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
    "xi": "11",
    "xii": "12",
}
_TOKEN: Final = re.compile(r"[a-z0-9]+")


def area_key(name: object) -> str:
    """A key for comparing area names: norm_text, and Roman numerals as digits.

    >>> area_key("Commune - I") == area_key("COMMUNE 1") == area_key("Commune I")
    True
    """
    return " ".join(_ROMAN.get(token, token) for token in _TOKEN.findall(norm_text(name)))


COUNTRY_SLOT: Final = "{country}"  # in nationwide.csv: the boundaries' country, by name


@cache
def _nationwide_phrases() -> tuple[frozenset[str], tuple[str, ...]]:
    """The phrases of data/vocab/nationwide.csv: plain ones, and those naming the country."""
    with (VOCAB_DIR / "nationwide.csv").open(encoding="utf-8", newline="") as handle:
        aliases = [row["alias"].strip() for row in csv.DictReader(handle)]
    plain = frozenset(norm_text(a) for a in aliases if COUNTRY_SLOT not in a) - {""}
    return plain, tuple(a for a in aliases if COUNTRY_SLOT in a)


@cache
def country_names(alpha2: str) -> tuple[str, ...]:
    """A country's names in English and French ("Mali"; "Nigeria", "Nigéria"), none if unknown."""
    country = pycountry.countries.get(alpha_2=alpha2.upper())
    if country is None:
        return ()
    names = [country.name]
    names += [getattr(country, attribute, "") for attribute in ("common_name", "official_name")]
    try:
        french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
        names.append(french.gettext(country.name))
    except OSError:  # pycountry without its translations
        pass
    return tuple(dict.fromkeys(n for n in names if n))


@cache
def nationwide_keys(alpha2: str | None = None) -> frozenset[str]:
    """Normalised nationwide phrases; with a country, its names and "Tout le <name>" too."""
    plain, templates = _nationwide_phrases()
    if not alpha2:
        return plain
    keys = set(plain)
    for name in country_names(alpha2):
        keys.update(norm_text(t.replace(COUNTRY_SLOT, name)) for t in templates)
    return frozenset(keys - {""})


def is_nationwide(value: object, country: str | None = None) -> bool:
    """True for "Ensemble du territoire", "National"; with ``country`` ("ML"), "Tout le Mali".

    Prefer ``AreaMatcher.is_nationwide``: it never takes an area's own name (Nigeria's Niger
    State) for the country.
    """
    key = norm_text(value)
    return bool(key) and key in nationwide_keys(country)


def boundaries_country(boundaries: Boundaries) -> str | None:
    """The ISO alpha-2 code of the boundaries' country, from their P-codes (ML01 -> "ML")."""
    return boundaries.country or None


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
class _Evidence:
    """One code or name of a row, and the known areas it may mean."""

    field: str
    value: str
    level: str  # the level of the column it was read from
    by_code: bool
    options: tuple[str, ...]
    rule: str


@dataclass(frozen=True, slots=True)
class _Agreement:
    """The area the evidence agrees on (None: none), the rule that gives it, the notes."""

    code: str | None
    rule: str
    notes: tuple[AreaNote, ...]
    split: bool = False


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

    Each code is read by, in order: exact code; code after format normalisation (MLI05 ->
    ML05); ISO 3166-2 code; the boundaries' crosswalk; a finer code rolled up to the known
    area it starts with ("prefix"). Each name is looked up at its level, exact then
    normalised (case, accents, spacing, Roman numerals), everywhere: a name may mean
    several areas. The row's area is then the one its evidence supports as a whole (see
    ``match``); fuzzy name matches are suggestions, applied with ``accept_suggestions``.
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
    _nationwide: frozenset[str] = field(default=frozenset(), repr=False)
    country: str | None = field(default=None, init=False)

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
        self.country = boundaries_country(self.boundaries)
        area_names = {norm_text(name) for _level, name in self._exact}
        area_names |= {key for _level, key in self._keys}
        self._nationwide = nationwide_keys(self.country) - area_names

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
        """The area of a record given its codes and names by level ({"adm1": "MLI05"}).

        Every code and every name is a piece of evidence: the areas it may mean (a name can
        mean several). Level by level, coarsest first, the area all evidence agrees on is
        kept; a lone piece of evidence against at least two that agree is overruled and
        reported; when the evidence is split, the row stays at the finest level on which all
        of it agrees (left out when that is none), and the alternatives are reported.
        """
        notes: list[AreaNote] = []
        evidence: list[_Evidence] = []
        unknown_codes: list[tuple[str, str]] = []  # (field, value)
        unnamed: list[tuple[str, str, str]] = []  # names found nowhere: (level, field, text)
        national = False
        present = self._present

        for level in LEVELS:
            raw = codes.get(level)
            if is_blank(raw):
                continue
            code_field = s.ADMIN_LEVELS[level][0]
            text = clean_text(raw)
            if self.is_nationwide(text):
                national = True
                continue
            found = self._match_code(text, level, code_field, notes)
            if found is None:
                unknown_codes.append((code_field, text))
            else:
                evidence.append(_Evidence(code_field, text, level, True, (found.code,), found.rule))

        for level in LEVELS:
            raw = names.get(level)
            if is_blank(raw):
                continue
            name_field = s.ADMIN_LEVELS[level][1]
            text = clean_text(raw)
            if self.is_nationwide(text):
                national = True
                continue
            if level not in present:
                continue  # finer than the boundaries: nothing to check it against
            options, rule = self._name_options(text, level)
            if options:
                evidence.append(_Evidence(name_field, text, level, False, tuple(options), rule))
            else:
                unnamed.append((level, name_field, text))

        agreed = self._agree(evidence)
        for level, name_field, text in unnamed:
            guessed = self._unknown_name(text, level, name_field, agreed.code, notes)
            if guessed is not None:
                evidence.append(guessed)
                agreed = self._agree(evidence)
        notes.extend(agreed.notes)

        if agreed.code is None:
            if national and not agreed.split:
                return AreaDecision(None, national=True, rule="nationwide", notes=tuple(notes))
            for code_field, value in unknown_codes:
                notes.append(
                    AreaNote(
                        "area.unknown",
                        Severity.ERROR,
                        code_field,
                        value,
                        *pair(
                            Msg.MATCHING_CODE_UNKNOWN_ROW_LEFT_OUT,
                            value=value,
                            source=self.boundaries.source,
                        ),
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
                            *pair(
                                Msg.MATCHING_AREA_NOT_BOUNDARIES,
                                given=", ".join(given),
                                source=self.boundaries.source,
                            ),
                        )
                    )
                else:
                    notes.append(
                        AreaNote(
                            "area.missing",
                            Severity.ERROR,
                            None,
                            "",
                            *pair(Msg.MATCHING_NO_ADMIN_AREA),
                        )
                    )
            return AreaDecision(None, notes=tuple(notes))

        best = agreed.code
        for code_field, value in unknown_codes:
            notes.append(
                AreaNote(
                    "area.unknown_code",
                    Severity.WARNING,
                    code_field,
                    value,
                    *pair(
                        Msg.MATCHING_CODE_UNKNOWN_PLACED_BY_OTHERS,
                        value=value,
                        source=self.boundaries.source,
                        best=self._label(best),
                    ),
                )
            )
        return AreaDecision(best, level=self._levels[best], rule=agreed.rule, notes=tuple(notes))

    def is_nationwide(self, value: object) -> bool:
        """A nationwide phrase, or the boundaries' own country, never an area's own name."""
        key = norm_text(value)
        return bool(key) and key in self._nationwide

    @property
    def levels_present(self) -> frozenset[str]:
        """The levels of the boundaries."""
        return self._present

    def name_checker(self, level: str) -> Callable[[str], bool]:
        """A test: is this text the name of an area of ``level`` (or nationwide)?"""

        def known(text: str) -> bool:
            clean = clean_text(text)
            return bool(self._name_options(clean, level)[0]) or self.is_nationwide(clean)

        return known

    def _name_options(self, text: str, level: str) -> tuple[list[str], str]:
        """The areas of ``level`` named ``text`` anywhere (exact spelling first)."""
        exact = self._exact.get((level, text), [])
        if exact:
            return list(exact), "exact"
        found = self._keys.get((level, area_key(text)), [])
        if found:
            return list(found), "normalised"
        inner = without_affixes(text, "areas")  # "Région de Mopti", "Cercle de Bankass"
        return list(self._keys.get((level, area_key(inner)), [])) if inner else [], "words"

    def _unknown_name(
        self, text: str, level: str, name_field: str, within: str | None, notes: list[AreaNote]
    ) -> _Evidence | None:
        """A name found at no area of its level: the crosswalk, else a spelling suggestion."""
        entry = next(
            (e for e in self.boundaries.crosswalk if e.name and area_key(e.name) == area_key(text)),
            None,
        )
        if entry is not None and entry.target in self._known:
            notes.append(
                AreaNote(
                    "area.moved", Severity.WARNING, name_field, text, entry.note_en, entry.note_fr
                )
            )
            return _Evidence(name_field, text, level, False, (entry.target,), "crosswalk")
        parent = None
        if within is not None and LEVELS.index(self._levels[within]) < LEVELS.index(level):
            parent = _Candidate(self._levels[within], within, "", "", True)
        found = self._suggest(text, level, name_field, parent, notes)
        if found is None:
            return None
        return _Evidence(name_field, text, level, False, (found.code,), "fuzzy")

    def _agree(self, evidence: list[_Evidence]) -> _Agreement:
        """The finest area all the evidence agrees on (see ``match``), with its notes."""
        notes: list[AreaNote] = []
        chosen: str | None = None
        alive = list(evidence)
        for level in LEVELS:
            if chosen is not None:
                kept = []
                for item in alive:
                    options = tuple(o for o in item.options if self._under(o, chosen))
                    if options:
                        kept.append(replace(item, options=options))
                    elif not any(self._under(chosen, o) for o in item.options):
                        notes.append(self._left_aside(item, chosen))
                    # else: a coarser area holding the chosen one, nothing more to say
                alive = kept
            sets: dict[int, set[str]] = {}
            for index, item in enumerate(alive):
                found = {a for o in item.options if (a := self.ancestor(o, level)) is not None}
                if found:
                    sets[index] = found
            if not sets:
                break
            everyone = set.intersection(*sets.values())
            if len(everyone) == 1:
                chosen = next(iter(everyone))
                continue
            votes = {i: next(iter(found)) for i, found in sets.items() if len(found) == 1}
            if everyone or not votes:
                notes.extend(self._ambiguous(alive, sets, chosen))
                break
            ranked = Counter(votes.values()).most_common()
            best, count = ranked[0]
            against = [i for i, area in votes.items() if area != best]
            tie = len(ranked) > 1 and ranked[1][1] == count
            if not tie and (not against or (count >= 2 and count >= 2 * len(against))):
                for i in against:
                    notes.append(self._overruled(alive[i], votes[i], best, count))
                alive = [item for i, item in enumerate(alive) if i not in against]
                chosen = best
                continue
            notes.append(self._split(alive, sets, chosen))
            return _Agreement(chosen, self._rule(alive, chosen), tuple(notes), split=True)
        return _Agreement(chosen, self._rule(alive, chosen), tuple(notes))

    def _under(self, code: str, area: str) -> bool:
        """True when ``code`` is ``area`` or lies within it."""
        return self.ancestor(code, self._levels[area]) == area

    def _rule(self, evidence: list[_Evidence], chosen: str | None) -> str:
        """The rule of the finest evidence that gives the chosen area itself (codes first)."""
        if chosen is None:
            return ""
        exact = [e for e in evidence if chosen in e.options]
        ranked = sorted(exact or evidence, key=lambda e: (not e.by_code, -LEVELS.index(e.level)))
        return ranked[0].rule if ranked else ""

    def _one(self, level: str) -> Callable[[str], str]:
        """One area of ``level`` in the boundaries' country's words, in a sentence."""
        return one_in_sentence(level, self.country or "")

    def _many(self, level: str) -> Callable[[str], str]:
        """The areas of ``level`` in the boundaries' country's words, in a sentence."""
        return many_in_sentence(level, self.country or "")

    def _said(self, item: _Evidence) -> Text:
        """'the region code ML05' / 'le code de région ML05', as the user reads the row."""
        kind = Msg.MATCHING_SAID_CODE if item.by_code else Msg.MATCHING_SAID_NAME
        return Text(kind, {"of_level": of_one(item.level, self.country or ""), "value": item.value})

    def _left_aside(self, item: _Evidence, chosen: str) -> AreaNote:
        where = ", ".join(self._label(o) for o in item.options[:4])
        return AreaNote(
            "area.conflict",
            Severity.WARNING,
            item.field,
            item.value,
            *pair(
                Msg.MATCHING_NOT_WHERE_ROW_PLACES,
                said=capitalised(self._said(item)),
                chosen=self._label(chosen),
                where=where,
            ),
        )

    def _overruled(self, item: _Evidence, area: str, best: str, count: int) -> AreaNote:
        return AreaNote(
            "area.conflict",
            Severity.WARNING,
            item.field,
            item.value,
            *pair(
                Msg.MATCHING_POINTS_TO_OTHER,
                said=capitalised(self._said(item)),
                area=self._label(area),
                count=count,
                best_label=self._label(best),
                best=best,
            ),
            suggestion=f"{item.field} → {best} ?",
        )

    def _alternatives(self, alive: list[_Evidence], sets: dict[int, set[str]], lang: str) -> str:
        by_area: dict[str, list[str]] = {}
        for i, found in sets.items():
            for area in sorted(found):
                by_area.setdefault(area, []).append(self._said(alive[i])(lang))
        return "; ".join(
            messages.text(Msg.MATCHING_SAID_BY, lang, area=self._label(area), said=", ".join(said))
            for area, said in by_area.items()
        )

    def _split(
        self, alive: list[_Evidence], sets: dict[int, set[str]], chosen: str | None
    ) -> AreaNote:
        def alternatives(lang: str) -> str:
            return self._alternatives(alive, sets, lang)

        value = ", ".join(alive[i].value for i in sets)
        if chosen is None:
            return AreaNote(
                "area.split",
                Severity.ERROR,
                None,
                value,
                *pair(Msg.AREA_SPLIT_ROW_LEFT_OUT, alternatives=alternatives),
            )
        return AreaNote(
            "area.split",
            Severity.WARNING,
            None,
            value,
            *pair(
                Msg.AREA_SPLIT_COUNTED_IN_PARENT,
                chosen=self._label(chosen),
                alternatives=alternatives,
            ),
        )

    def _ambiguous(
        self, alive: list[_Evidence], sets: dict[int, set[str]], chosen: str | None
    ) -> list[AreaNote]:
        notes = []
        for i, found in sets.items():
            if len(found) < 2:
                continue
            item = alive[i]
            listed = ", ".join(self._label(c) for c in item.options)
            notes.append(
                AreaNote(
                    "area.ambiguous",
                    Severity.WARNING,
                    item.field,
                    item.value,
                    *pair(Msg.MATCHING_NAME_SEVERAL_AREAS, item_value=item.value, listed=listed),
                )
            )
        return notes

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
                    AreaNote(
                        "area.moved",
                        Severity.WARNING,
                        code_field,
                        text,
                        entry.note_en,
                        entry.note_fr,
                    )
                )
                return _Candidate(
                    self._levels[entry.target], entry.target, "crosswalk", code_field, True
                )
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
                        *pair(
                            Msg.MATCHING_CODE_COUNTED_IN_PREFIX,
                            text=text,
                            levels=self._many(level),
                            parent=self._label(parent),
                        ),
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
                    *pair(
                        Msg.AREA_WRONG_COLUMN_CODE_OF_OTHER_LEVEL,
                        text=text,
                        level=self._one(level),
                        actuals=self._many(actual),
                        code=self._label(code),
                    ),
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
        if best is None:
            notes.append(
                AreaNote(
                    "area.unknown_name",
                    Severity.WARNING,
                    name_field,
                    text,
                    *pair(
                        Msg.AREA_UNKNOWN_NAME_NOT_IN_BOUNDARIES,
                        text=text,
                        levels=self._many(level),
                        source=self.boundaries.source,
                    ),
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
                    *pair(Msg.MATCHING_READ_CLOSE_SPELLING, text=text, name=name),
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
                *pair(
                    Msg.AREA_SUGGESTION_DID_YOU_MEAN, text=text, levels=self._many(level), name=name
                ),
                suggestion,
            )
        )
        return None


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
