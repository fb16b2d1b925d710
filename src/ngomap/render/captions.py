"""Words shared by the views: the filters in words, an organisation's details in an area.

The words proper to each view (its title, legend, tooltips) are in ``ngomap.views``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ngomap import analysis as a
from ngomap import levels, vocab
from ngomap import schema as s
from ngomap.i18n import sector_label, t


def area_word(level: str, lang: str, *, country: str) -> str:
    """One area of ``level`` in ``country``'s words: "Cercle" in Mali, "LGA" in Nigeria."""
    return levels.words(level, country).one(lang)


def areas_word(level: str, lang: str, *, country: str) -> str:
    """The areas of ``level`` in ``country``'s words: "Cercles" in Mali, "LGAs" in Nigeria."""
    return levels.words(level, country).many(lang)


def levels_in_words(levels_present: list[str], lang: str, *, country: str) -> str:
    """The levels of a set of boundaries in a sentence: "régions, cercles, communes"."""
    return ", ".join(
        levels.in_sentence(areas_word(level, lang, country=country)) for level in levels_present
    )


def presences_sentence(found: a.Presences, lang: str, *, country: str) -> str:
    """How records become presences at one level, in one sentence (the page, ``summary``)."""
    return t(
        "presences_at_level",
        lang,
        level=levels.in_sentence(areas_word(found.level, lang, country=country)),
        records=found.records,
        presences=found.presences,
        merged=found.merged,
        area_wide=found.area_wide,
        national=found.national,
    )


def describe_filters(filters: a.Filters, lang: str, organisations: Mapping[str, str]) -> str:
    """The filters in words, for titles and exports."""
    sectors = filters.sectors
    if sectors is None:
        parts = [t("all_sectors", lang)]
    elif len(sectors) <= 3:
        parts = [", ".join(sector_label(c, lang) for c in sectors)]
    else:
        parts = [t("n_sectors", lang, n=len(sectors))]
    if filters.org_types:
        parts.append(", ".join(vocab.org_types().label(c, lang) for c in filters.org_types))
    if filters.presence:
        parts.append(", ".join(vocab.presence_modes().label(c, lang) for c in filters.presence))
    if filters.organisations:
        parts.append(_names([organisations.get(k, k) for k in filters.organisations], lang))
    if filters.statuses:
        parts.append(", ".join(filters.statuses))
    if filters.period:
        first, last = filters.period
        parts.append(f"{first or '…'} → {last or '…'}")
    if filters.origins:
        names = ", ".join(o or t("origin_unknown", lang) for o in filters.origins)
        parts.append(t("filter_origins", lang, names=names))
    if filters.lists:
        parts.append(t("filter_lists", lang, names=", ".join(filters.lists)))
    return " · ".join(parts)


TITLE_NAMES = 5  # organisations named in a title; the others are counted


def _names(names: Iterable[str], lang: str) -> str:
    """At most ``TITLE_NAMES`` names, then "+ N autres": a title stays one or two lines."""
    listed = list(names)
    shown = ", ".join(listed[:TITLE_NAMES])
    if len(listed) > TITLE_NAMES:
        shown += " " + t("more", lang, n=len(listed) - TITLE_NAMES)
    return shown


def zone_text(items: list[dict[str, Any]], lang: str) -> str:
    """One organisation's sectors, presence and partners in an area, per organisation."""
    parts = []
    for item in items:
        sectors = ", ".join(sector_label(c, lang) for c in item[a.SECTORS])
        presence = ", ".join(vocab.presence_modes().label(p, lang) for p in item[s.PRESENCE])
        partners = ", ".join(item[s.PARTNER])
        text = f"{item['organisation']}: {sectors}"
        if presence:
            text += f" ({presence})"
        if partners:
            text += f" — {t('partners', lang)}: {partners}"
        parts.append(text)
    return " · ".join(parts)
