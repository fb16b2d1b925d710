"""Labels of the page in French (the default) and English, read from data/i18n/<lang>.toml.

Messages of problems and errors are in ``ngomap.messages`` (keyed by ``Msg``)."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Final

from ngomap import vocab
from ngomap._paths import I18N_DIR
from ngomap.schema import OTHER_SECTOR_PREFIX

LANGUAGES: Final = ("fr", "en")
DEFAULT_LANGUAGE: Final = "fr"
LANGUAGE_NAMES: Final = {"fr": "Français", "en": "English"}


@cache
def labels(lang: str) -> dict[str, str]:
    """Every label of ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {LANGUAGES}")
    with (I18N_DIR / f"{lang}.toml").open("rb") as handle:
        return {str(k): str(v) for k, v in tomllib.load(handle).items()}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The label ``key`` in ``lang``, with ``{params}`` filled in."""
    text = labels(lang)[key]
    return text.format(**params) if params else text


def sector_label(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A sector's label; "other: X" values and the empty sector get words of their own."""
    if not code:
        return t("unspecified_sector", lang)
    if code.startswith(OTHER_SECTOR_PREFIX):
        return t("other_sector", lang, value=code.removeprefix(OTHER_SECTOR_PREFIX))
    return vocab.sectors().label(code, lang)
