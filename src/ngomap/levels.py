"""What each country calls its administrative levels: Mali's cercles are Nigeria's LGAs.

The words are in ``data/vocab/admin_levels.csv`` (one row per country and level, with its
sources in the header comment). A country is named by the ISO 3166 alpha-2 code its P-codes
start with (COD-AB: ``ML0101``, ``NG001001``, ``BF4601``); a country the file does not list,
or no country at all, gets neutral words ("Zone de niveau 2", "Admin 2 area").
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Final

import pycountry

from ngomap._paths import VOCAB_DIR
from ngomap.messages import Msg, text

LEVELS_FILE: Final = VOCAB_DIR / "admin_levels.csv"
ANY: Final = "*"  # the neutral words' rows
_PREFIX = re.compile(r"^([A-Za-z]{2}).")
_VOWELS: Final = frozenset("aeiouyàâäéèêëîïôöùûü")


@dataclass(frozen=True)
class LevelWords:
    """One level's words: one area and several, in French and English."""

    fr_one: str
    fr_many: str
    en_one: str
    en_many: str

    def one(self, lang: str) -> str:
        """One area of the level ("Cercle", "LGA"), capitalised as in a heading."""
        return self.fr_one if lang == "fr" else self.en_one

    def many(self, lang: str) -> str:
        """The areas of the level ("Cercles", "LGAs"), capitalised as in a heading."""
        return self.fr_many if lang == "fr" else self.en_many


@cache
def _table() -> dict[tuple[str, str], LevelWords]:
    """{(ISO2 or "*", level): words}, read once."""
    with LEVELS_FILE.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    table: dict[tuple[str, str], LevelWords] = {}
    for row in csv.DictReader(lines):
        words = LevelWords(
            fr_one=row["fr_one"].strip(),
            fr_many=row["fr_many"].strip(),
            en_one=row["en_one"].strip(),
            en_many=row["en_many"].strip(),
        )
        table[(row["iso2"].strip().upper(), row["level"].strip())] = words
    return table


def countries() -> list[str]:
    """The ISO2 codes of the countries whose words are known."""
    return sorted({iso for iso, _level in _table() if iso != ANY})


def words(level: str, country: str = "") -> LevelWords:
    """The words of ``level`` ("adm1".."adm3") in ``country`` (ISO2), neutral if unknown.

    A level the file does not have at all (not adm1..adm3) is named by its own code.
    """
    table = _table()
    found = table.get((country.upper(), level)) or table.get((ANY, level))
    if found is None:
        return LevelWords(level, level, level, level)
    return found


def in_sentence(word: str) -> str:
    """A level's word inside a sentence: lower case, acronyms kept ("zones (LGA)", "LGAs")."""
    return " ".join(
        part if sum(ch.isupper() for ch in part) >= 2 else part.lower() for part in word.split(" ")
    )


def one_in_sentence(level: str, country: str = "") -> Callable[[str], str]:
    """One area of ``level`` inside a sentence, in the language asked (a message parameter)."""
    return lambda lang: in_sentence(words(level, country).one(lang))


def many_in_sentence(level: str, country: str = "") -> Callable[[str], str]:
    """The areas of ``level`` inside a sentence, in the language asked (a message parameter)."""
    return lambda lang: in_sentence(words(level, country).many(lang))


def of_one(level: str, country: str = "") -> Callable[[str], str]:
    """One area of ``level`` after "of", in the language asked: French elides before a
    vowel ("le code d'état", "le code de cercle"); English says the word ("the LGA code")."""

    def said(lang: str) -> str:
        word = in_sentence(words(level, country).one(lang))
        kind = Msg.LEVEL_OF_VOWEL if word[:1].lower() in _VOWELS else Msg.LEVEL_OF_CONSONANT
        return text(kind, lang, word=word)

    return said


def country_of(codes: Iterable[object]) -> str:
    """The ISO2 country of a set of P-codes ("NG" for NG001, NG001001...), "" if none.

    Of the three two-letter prefixes most codes start with, the first that is a country
    (ISO 3166-1; "XX" is not one); COD-AB P-codes start with their country's ADM0_PCODE.
    """
    prefixes: Counter[str] = Counter()
    for code in codes:
        found = _PREFIX.match(str(code).strip())
        if found is not None:
            prefixes[found.group(1).upper()] += 1
    for head, _count in prefixes.most_common(3):
        if pycountry.countries.get(alpha_2=head) is not None:
            return head
    return ""
