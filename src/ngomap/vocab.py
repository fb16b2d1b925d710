"""The vocabularies (sectors, organisation types, presence modes), read from data/vocab."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from ngomap._paths import VOCAB_DIR
from ngomap.errors import InputFileError
from ngomap.limits import check_bytes
from ngomap.normalise import AliasTable, clean_text


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
_ALIAS_COLUMNS: Final = {"alias": "alias", "name": "name", "nom": "name"}
_ALIAS_EXAMPLE: Final = "Wold Vision,World Vision"


def _alias_error(name: str, en: str, fr: str) -> InputFileError:
    return InputFileError(f"{name}: {en}", f"{name} : {fr}")


def _alias_text(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise _alias_error(
            name,
            "this is not a CSV text file. Save it as CSV with the columns alias,name and try "
            "again.",
            "ce n'est pas un fichier texte CSV. Enregistrez-le en CSV avec les colonnes "
            "alias,nom et réessayez.",
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
    check_bytes(len(data), name)
    lines = [line for line in _alias_text(data, name).splitlines() if line.strip()]
    header = lines[0] if lines else ""
    separator = max((",", ";", "\t"), key=header.count)
    try:
        rows = list(csv.reader(lines, delimiter=separator))
    except csv.Error as exc:  # a NUL byte, a cell longer than the csv module reads
        raise _alias_error(
            name,
            f"this is not a CSV file ngomap can read ({exc}). Save it from Excel as CSV, "
            f"with the columns alias,name ({_ALIAS_EXAMPLE}).",
            f"ce n'est pas un fichier CSV lisible par ngomap ({exc}). Enregistrez-le depuis "
            f"Excel en CSV, avec les colonnes alias,nom ({_ALIAS_EXAMPLE}).",
        ) from exc
    columns = [_ALIAS_COLUMNS.get(clean_text(c).lower(), "") for c in rows[0]] if rows else []
    if "alias" not in columns or "name" not in columns:
        raise _alias_error(
            name,
            "no 'alias' and 'name' columns. Put alias,name on the first line, then one row "
            f"per spelling: the spelling, then the name to count it under ({_ALIAS_EXAMPLE}).",
            "pas de colonnes « alias » et « nom ». Mettez alias,nom sur la première ligne, "
            "puis une ligne par orthographe : l'orthographe, puis le nom sous lequel la "
            f"compter ({_ALIAS_EXAMPLE}).",
        )
    at_alias, at_name = columns.index("alias"), columns.index("name")
    cells = [row + [""] * (len(columns) - len(row)) for row in rows[1:]]
    pairs = [(clean_text(row[at_alias]), clean_text(row[at_name])) for row in cells]
    pairs = [(alias or to, to) for alias, to in pairs if to]  # a name alone is its own alias
    if not pairs:
        raise _alias_error(
            name,
            "the file has no alias. Under the alias,name line, add one row per spelling: the "
            f"spelling, then the name to count it under ({_ALIAS_EXAMPLE}).",
            "le fichier ne contient aucun alias. Sous la ligne alias,nom, ajoutez une ligne "
            "par orthographe : l'orthographe, puis le nom sous lequel la compter "
            f"({_ALIAS_EXAMPLE}).",
        )
    return pairs


AliasFile = Path | tuple[str, bytes]  # a path, or an uploaded file's (name, content)


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
                "organisation alias file not found. Check its path.",
                "fichier d'alias d'organisations introuvable. Vérifiez son chemin.",
            )
        else:
            name, data = file.name, file.read_bytes()
        found = read_organisation_aliases(data, name)
        pairs += found + [(to, to) for _, to in found]
    return AliasTable(pairs)
