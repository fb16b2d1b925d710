"""The vocabularies (sectors, organisation types, presence modes), read from data/vocab."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from rapidfuzz import fuzz, process

from ngomap._paths import VOCAB_DIR
from ngomap.errors import InputFileError
from ngomap.messages import Msg, Text, pair
from ngomap.normalise import AliasMatch, AliasTable, clean_text, norm_text

SUGGESTION_CUTOFF: Final = 85.0  # rapidfuzz ratio (0-100) from which a spelling is suggested


@dataclass(frozen=True)
class Vocabulary:
    """Codes with French and English labels, and the aliases real files use for them."""

    name: str
    labels: dict[str, tuple[str, str]]  # code -> (French, English), in file order
    aliases: AliasTable

    @property
    def codes(self) -> list[str]:
        """Every code, in the vocabulary file's order."""
        return list(self.labels)

    def find(self, value: object) -> AliasMatch | None:
        """The code of ``value``: an alias, else an alias once the words written around it
        are set aside ("PROTECTION_OP", "Operational Presence: Protection")."""
        found = self.aliases.lookup(value)
        if found is not None:
            return found
        inner = without_affixes(value, self.name)
        return self.aliases.lookup(inner) if inner else None

    def suggest(self, value: object) -> tuple[str, str, float] | None:
        """A code for a value no alias names, as (code, alias, score), or None.

        The vocabulary's own aliases first: the longest alias written whole inside the value
        ("Cluster Protection (national)" -> PRO; never a sub-sector whose own words are
        absent); only then a close spelling, scored by rapidfuzz's ratio from
        ``SUGGESTION_CUTOFF``. Two different codes found equally: no suggestion.
        """
        words = norm_text(value).split()
        if not words:
            return None
        inner = " " + " ".join(words) + " "
        whole: dict[str, tuple[int, str]] = {}
        for alias in self.aliases.aliases():
            key = norm_text(alias)
            if len(key) >= 3 and f" {key} " in inner:
                code = self.aliases.lookup(alias)
                if code is not None:
                    size = len(key.split())
                    if code.code not in whole or whole[code.code][0] < size:
                        whole[code.code] = (size, alias)
        if whole:
            longest = max(size for size, _alias in whole.values())
            codes = [c for c, (size, _alias) in whole.items() if size == longest]
            if len(codes) > 1:
                return None
            return codes[0], whole[codes[0]][1], 100.0
        keys = {norm_text(alias): alias for alias in self.aliases.aliases()}
        best = process.extractOne(
            " ".join(words), list(keys), scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF
        )
        if best is None:
            return None
        near = self.aliases.lookup(keys[best[0]])
        return None if near is None else (near.code, keys[best[0]], float(best[1]))

    def label(self, code: str, lang: str) -> str:
        """The code's label in ``lang``; an unknown code is shown as it is."""
        if code not in self.labels:
            return code
        french, english = self.labels[code]
        return french if lang == "fr" else english


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: clean_text(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def load_vocabulary(name: str, directory: Path = VOCAB_DIR) -> Vocabulary:
    """Read ``<name>.csv`` (code, label_fr, label_en) and ``<name>_aliases.csv`` (alias, code).

    Codes and labels are aliases too, so a file may use any of them.
    """
    rows = _read_csv(directory / f"{name}.csv")
    labels = {row["code"]: (row["label_fr"], row["label_en"]) for row in rows}
    pairs: list[tuple[str, str]] = []
    for code, (french, english) in labels.items():
        pairs += [(code, code), (french, code), (english, code)]
    alias_path = directory / f"{name}_aliases.csv"
    pairs += [(row["alias"], row["code"]) for row in _read_csv(alias_path)]
    unknown = sorted({code for _, code in pairs if code not in labels})
    if unknown:
        raise ValueError(f"{alias_path.name} maps to codes missing from {name}.csv: {unknown}")
    return Vocabulary(name=name, labels=labels, aliases=AliasTable(pairs))


@cache
def sectors() -> Vocabulary:
    """The sector vocabulary (cluster codes plus development sectors)."""
    return load_vocabulary("sectors")


@cache
def org_types() -> Vocabulary:
    """Organisation types (international NGO, national NGO, ...)."""
    return load_vocabulary("org_types")


@cache
def presence_modes() -> Vocabulary:
    """Presence modes (direct, through local partners, operator, occasional)."""
    return load_vocabulary("presence")


ORG_ALIASES_FILE = VOCAB_DIR / "organisations_aliases.csv"
_ALIAS_COLUMNS: Final = {"alias": "alias", "name": "name", "nom": "name", "code": "name"}
_ALIAS_EXAMPLE: Final = "Wold Vision,World Vision"


def _alias_error(name: str, en: str, fr: str) -> InputFileError:
    return InputFileError(f"{name}: {en}", f"{name} : {fr}")


def _alias_text(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise _alias_error(
            name,
            *pair(Msg.VOCAB_NOT_CSV_TEXT),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_organisation_aliases(data: bytes, name: str) -> list[tuple[str, str]]:
    """(alias, name) pairs from a user's alias file (bytes), or an error naming the file.

    The file is CSV (comma, semicolon or tab; UTF-8 or Windows) with the columns
    ``alias,name`` (``alias,nom`` too): each row counts a spelling under the name given.
    """
    from ngomap.limits import check_bytes  # numpy: loaded only when a file is read

    check_bytes(len(data), name)
    lines = [line for line in _alias_text(data, name).splitlines() if line.strip()]
    header = lines[0] if lines else ""
    separator = max((",", ";", "\t"), key=header.count)
    try:
        rows = list(csv.reader(lines, delimiter=separator))
    except csv.Error as exc:  # a NUL byte, a cell longer than the csv module reads
        raise _alias_error(
            name,
            *pair(Msg.VOCAB_NOT_CSV_FILE, exc=exc, alias_example=_ALIAS_EXAMPLE),
        ) from exc
    columns = [_ALIAS_COLUMNS.get(clean_text(c).lower(), "") for c in rows[0]] if rows else []
    if "alias" not in columns or "name" not in columns:
        raise _alias_error(
            name,
            *pair(Msg.VOCAB_NO_ALIAS_NAME, alias_example=_ALIAS_EXAMPLE),
        )
    at_alias, at_name = columns.index("alias"), columns.index("name")
    cells = [row + [""] * (len(columns) - len(row)) for row in rows[1:]]
    pairs = [(clean_text(row[at_alias]), clean_text(row[at_name])) for row in cells]
    pairs = [(alias or to, to) for alias, to in pairs if to]  # a name alone is its own alias
    if not pairs:
        raise _alias_error(
            name,
            *pair(Msg.VOCAB_FILE_NO_ALIAS, alias_example=_ALIAS_EXAMPLE),
        )
    return pairs


AliasFile = Path | tuple[str, bytes]  # a path, or an uploaded file's (name, content)


def _file_bytes(file: AliasFile, what: Text | str) -> tuple[str, bytes]:
    if isinstance(file, tuple):
        return file
    if not file.is_file():
        raise _alias_error(
            str(file),
            *pair(Msg.VOCAB_ALIAS_FILE_NOT_FOUND, what=what),
        )
    return file.name, file.read_bytes()


_VOCABULARY_WORDS: Final = {
    "sectors": Msg.VOCAB_ALIAS_WORD_SECTORS,
    "org_types": Msg.VOCAB_ALIAS_WORD_ORG_TYPES,
    "presence": Msg.VOCAB_ALIAS_WORD_PRESENCE,
}


def with_aliases(vocabulary: Vocabulary, *extra: AliasFile) -> Vocabulary:
    """``vocabulary`` with the user's alias files (CSV ``alias,code``) read first.

    A target may be a code or anything the vocabulary already knows ("Santé"); a target
    it does not know raises an InputFileError naming the file, the value and the codes.
    """
    if not extra:
        return vocabulary
    kind = _VOCABULARY_WORDS.get(vocabulary.name)
    what = Text(kind) if kind is not None else vocabulary.name
    pairs: list[tuple[str, str]] = []
    for file in extra:
        name, data = _file_bytes(file, what)
        for alias, target in read_organisation_aliases(data, name):
            match = vocabulary.find(target)
            if match is None:
                codes = ", ".join(vocabulary.codes)
                raise _alias_error(
                    name,
                    *pair(
                        Msg.VOCAB_ALIAS_TARGET_UNKNOWN,
                        target=target,
                        alias=alias,
                        what=what,
                        codes=codes,
                    ),
                )
            pairs.append((alias, match.code))
    for alias in vocabulary.aliases.aliases():
        found = vocabulary.aliases.lookup(alias)
        if found is not None:
            pairs.append((alias, found.code))
    return Vocabulary(name=vocabulary.name, labels=vocabulary.labels, aliases=AliasTable(pairs))


def organisation_aliases(*extra: AliasFile) -> AliasTable:
    """Organisation aliases (alias -> the name to use), the user's files then ngomap's.

    Each file has the columns ``alias,name``; a user's file is a path or, uploaded, its
    (name, content). A user's file comes first and wins over ngomap's, so a planner can
    settle a case for good ("Wold Vision,World Vision"). A user's file that is missing,
    not CSV, without those columns or without any alias raises an InputFileError saying
    what to do, naming the file.
    """
    pairs: list[tuple[str, str]] = []
    for file in (*extra, ORG_ALIASES_FILE):  # the first alias read wins
        if isinstance(file, tuple):
            name, data = file
        elif not file.is_file():
            raise _alias_error(
                str(file),
                *pair(Msg.VOCAB_ORGANISATION_ALIAS_FILE),
            )
        else:
            name, data = file.name, file.read_bytes()
        found = read_organisation_aliases(data, name)
        pairs += found + [(to, to) for _, to in found]
    return AliasTable(pairs)


AFFIXES_FILE = VOCAB_DIR / "affixes.csv"


@cache
def affixes(vocabulary: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words written around a value of ``vocabulary`` ("sectors", "areas"), normalised:
    (prefixes, suffixes), longest first. Read from data/vocab/affixes.csv."""
    prefixes: list[str] = []
    suffixes: list[str] = []
    for row in _read_csv(AFFIXES_FILE):
        if row["vocabulary"] == vocabulary:
            words = norm_text(row["text"])
            if words:
                (prefixes if row["position"] == "prefix" else suffixes).append(words)
    return (
        tuple(sorted(set(prefixes), key=len, reverse=True)),
        tuple(sorted(set(suffixes), key=len, reverse=True)),
    )


def without_affixes(value: object, vocabulary: str) -> str:
    """The normalised value without the words written around it ("Région de Mopti" ->
    "mopti", "PROTECTION_OP" -> "protection"); "" when nothing was around it."""
    key = norm_text(value)
    prefixes, suffixes = affixes(vocabulary)
    stripped = key
    for prefix in prefixes:
        if stripped.startswith(prefix + " "):
            stripped = stripped[len(prefix) + 1 :]
            break
    for suffix in suffixes:
        if stripped.endswith(" " + suffix):
            stripped = stripped[: -len(suffix) - 1]
            break
    return stripped if stripped != key else ""
