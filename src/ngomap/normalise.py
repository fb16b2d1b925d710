"""Pure normalisation: names and codes to comparable keys, and alias tables."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")
_ISO3_PCODE: Final = re.compile(r"^([A-Z]{3})(\d+)$")
_ISO2_PCODE: Final = re.compile(r"^([A-Z]{2})(\d+)$")
_ISO_SUBDIVISION: Final = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")

MatchRule = Literal["exact", "normalised", "fuzzy"]


def is_blank(value: object) -> bool:
    """True for None, NaN, and strings of spaces."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return isinstance(value, str) and not value.strip()


def clean_text(value: object) -> str:
    """The value as text with outer spaces removed and inner runs of spaces collapsed."""
    if is_blank(value):
        return ""
    return " ".join(str(value).split())


def norm_text(value: object) -> str:
    """A key for comparing names: no case, no accents, punctuation and spacing collapsed.

    >>> norm_text("  Ségou ") == norm_text("SEGOU")
    True
    >>> norm_text("Abris/AME") == norm_text("Abris / AME")
    True
    """
    if isinstance(value, str):
        return _norm_str(value)
    return _norm_str(clean_text(value))


@lru_cache(maxsize=65536)
def _norm_str(value: str) -> str:
    text = unicodedata.normalize("NFKD", clean_text(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=512)
def _iso3_to_iso2(iso3: str) -> str | None:
    import pycountry  # its import costs more than every label lookup: load it when needed

    country = pycountry.countries.get(alpha_3=iso3)
    return None if country is None else str(country.alpha_2)


def norm_pcode(value: object) -> str:
    """An OCHA P-code in one format: upper case, no spaces, ISO-3 prefix made ISO-2.

    MLI05, ml05 and "ML05 " all give ML05; NGA036 gives NG036. ISO 3166-2 codes (ML-1,
    ML-BKO) keep their hyphen so that they are never taken for P-codes (ISO ML-10 is
    Taoudénit, P-code ML10 is Ménaka).
    """
    code = "".join(clean_text(value).upper().split())
    if code.endswith(".0") and code[:-2].isalnum():  # a code read as a number by Excel
        code = code[:-2]
    match = _ISO3_PCODE.match(code)
    if match:
        iso2 = _iso3_to_iso2(match.group(1))
        if iso2 is not None:
            return iso2 + match.group(2)
    return code


def is_iso_subdivision(code: str) -> bool:
    """True for an ISO 3166-2 code such as ML-1 or ML-BKO (not a P-code)."""
    return bool(_ISO_SUBDIVISION.match(code))


@dataclass(frozen=True, slots=True)
class AliasMatch:
    """The code a value matched, and by which rule."""

    code: str
    rule: MatchRule
    alias: str


class AliasTable:
    """Values to codes: exact first, then normalised (case, accents, spacing)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, str] = {}
        self._normalised: dict[str, tuple[str, str]] = {}
        for alias, code in pairs:
            alias = clean_text(alias)
            if not alias:
                continue
            self._exact.setdefault(alias, code)
            self._normalised.setdefault(norm_text(alias), (code, alias))

    def lookup(self, value: object) -> AliasMatch | None:
        """The code for ``value``, or None when no alias matches."""
        text = clean_text(value)
        if not text:
            return None
        if text in self._exact:
            return AliasMatch(self._exact[text], "exact", text)
        found = self._normalised.get(norm_text(text))
        if found is not None:
            return AliasMatch(found[0], "normalised", found[1])
        return None

    def aliases(self) -> list[str]:
        """Every alias, as written in the table."""
        return list(self._exact)


LIST_SEPARATORS: Final = (";", "|", "\n")  # between names in one partner or funder cell


def split_names(value: object) -> list[str]:
    """Names in one partner or funder cell ("A; B"), cleaned, empty ones left out."""
    text = clean_text(value)
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part for part in (clean_text(p) for p in text.split(LIST_SEPARATORS[0])) if part]
