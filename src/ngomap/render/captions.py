"""The words of a view, for the page and every export: title, filters, legend, details."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from ngomap import analysis as a
from ngomap import schema as s
from ngomap import vocab
from ngomap.i18n import sector_label, t
from ngomap.render.webmap import MapLabels


def title(options: a.ViewOptions, lang: str, organisations: Mapping[str, str]) -> str:
    """The map's title: the view, then the filters it obeys."""
    filters = describe_filters(options.filters, lang, organisations)
    return f"{headline(options, lang, organisations)} — {filters}"


def headline(options: a.ViewOptions, lang: str, organisations: Mapping[str, str]) -> str:
    """The view in words, without the filters."""
    if options.view == "overlap":
        return t("title_overlap", lang, n=options.min_overlap)
    if options.view == "gaps":
        return t("title_gaps", lang, n=options.max_gap)
    if options.view == "zones":
        names = ", ".join(organisations.get(k, k) for k in options.zone_orgs) or "—"
        return t("title_zones", lang, names=names)
    if options.per_capita:
        return t("title_density_per_capita", lang)
    return t("title_density", lang)


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
        parts.append(", ".join(organisations.get(k, k) for k in filters.organisations))
    if filters.statuses:
        parts.append(", ".join(filters.statuses))
    if filters.period:
        first, last = filters.period
        parts.append(f"{first or '…'} → {last or '…'}")
    return " · ".join(parts)


def map_labels(options: a.ViewOptions, lang: str, boundaries_credit: str) -> MapLabels:
    """The map's words for this view."""
    legend = {
        "overlap": t("legend_overlap", lang),
        "zones": t("legend_zones", lang),
    }.get(options.view, t("legend_title", lang))
    if options.rates:
        legend = t("legend_per_capita", lang)
    return MapLabels(
        area=t("area", lang),
        count=legend,
        organisations=t("organisations", lang),
        legend_title=legend,
        zero=t("zero", lang),
        boundaries_credit=boundaries_credit,
        more=t("more", lang),
        details=t("overlap_details", lang) if options.view == "overlap" else t("details", lang),
        no_data=t("no_data", lang),
    )


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


def with_details_text(table: pd.DataFrame, view: str, lang: str) -> pd.DataFrame:
    """The view table with DETAILS in words (sector labels, organisations' details)."""
    if a.DETAILS not in table:
        return table
    table = table.copy()
    if view == "overlap":
        table[a.DETAILS] = table[a.DETAILS].map(
            lambda codes: ", ".join(sector_label(c, lang) for c in codes)
        )
    elif view == "zones":
        table[a.DETAILS] = table[a.DETAILS].map(lambda items: zone_text(items, lang))
    return table


def data_date(updated: date | None, lang: str) -> str:
    """The data's date as a subtitle states it."""
    if updated is None:
        return t("data_date_unknown", lang)
    return t("data_date", lang, date=updated.isoformat())
