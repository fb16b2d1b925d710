"""The vocabularies (sectors, organisation types, presence modes), read from data/vocab."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ngomap._paths import VOCAB_DIR
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


def organisation_aliases(*extra: Path) -> AliasTable:
    """Organisation aliases (alias -> the name to use), ngomap's then the user's files.

    Each file has the columns ``alias,name``. A user's file comes after ngomap's and wins
    over it, so a planner can settle a case for good ("Wold Vision,World Vision").
    """
    pairs: list[tuple[str, str]] = []
    for path in (*extra, ORG_ALIASES_FILE):  # the first alias read wins
        if not path.is_file():
            continue
        rows = _read_csv(path)
        if rows and not {"alias", "name"} <= set(rows[0]):
            raise ValueError(f"{path.name} needs the columns alias,name")
        pairs += [(row["alias"], row["name"]) for row in rows if row["alias"] and row["name"]]
        pairs += [(row["name"], row["name"]) for row in rows if row["name"]]
    return AliasTable(pairs)
