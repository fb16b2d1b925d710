"""The public directory: every listed organisation with its public fields, sectors and areas.

Read from the registry as the public feed reads it (``feed.snapshot``, every row through
``accounts.visible``), so staff-only contacts and notes cannot reach it; the records for
the directory's map and charts come from ``state.records``, which carries no staff field.
Only what a validator approved or an editor imported is in the registry: pending requests
are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import pandas as pd
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap import vocab
from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import sector_label, t
from ngomap.normalise import norm_text
from ngomap.registry import feed, state
from ngomap.registry.accounts import PUBLIC, visible_columns

# The directory's columns, in order (the profile's public fields, then where and in what).
COLUMNS: Final = (
    "name",
    "acronym",
    "org_type",
    "country",
    "website",
    "contacts_public",
    "sectors",
    "areas",
)
# Hashtags of the exported table (https://hxlstandard.org), as the feed's CSV has them.
HXL: Final[dict[str, str]] = {
    **{k: v for k, v in feed.HXL.items() if k in COLUMNS},
    "sectors": "#sector",
    "areas": "#loc+name",
}
_SEPARATOR: Final = "; "


@dataclass(frozen=True)
class Directory:
    """The directory at one changeset: one row per organisation, and the records behind it."""

    changeset: int
    updated: datetime
    table: pd.DataFrame  # COLUMNS (codes: org_type, sectors), plus "id"
    records: pd.DataFrame  # the registry's presences as records, for maps and charts


def _contacts(value: Any) -> str:
    """Public contacts as one line: "Awa Diallo, awa@ngo.example, +223 ...; ..."."""
    if not isinstance(value, list):
        return "" if value is None else str(value)
    parts = []
    for item in value:
        if isinstance(item, Mapping):
            parts.append(", ".join(str(v).strip() for v in item.values() if str(v or "").strip()))
        elif str(item or "").strip():
            parts.append(str(item).strip())
    return _SEPARATOR.join(p for p in parts if p)


def _area_of(presence: Mapping[str, Any], boundaries: Boundaries | None) -> str:
    """The presence's area in words: the boundaries' name for its code (as the map shows
    it), else the finest name it was given, else its code."""
    if presence.get("national"):
        return ""  # said in words by ``labelled``
    code = str(presence.get("area_code") or "")
    if boundaries is not None and code and boundaries.level_of(code) is not None:
        return boundaries.display_name(code)
    for level in ("adm3", "adm2", "adm1"):
        name = presence.get(f"{level}_name") or ""
        if name:
            return str(name)
    return str(presence.get("area_code") or "")


def build(engine: Engine, *, role: str = PUBLIC, boundaries: Boundaries | None = None) -> Directory:
    """The directory as ``role`` may see it (the public by default); areas named as
    ``boundaries`` name them, when given."""
    snap = feed.snapshot(engine, role=role)
    sectors: dict[int, list[str]] = {}
    areas: dict[int, list[str]] = {}
    nationwide: set[int] = set()
    for presence in snap.presences:
        owner = int(presence["organisation_id"])
        code = str(presence.get("sector") or "")
        if code and code not in sectors.setdefault(owner, []):
            sectors[owner].append(code)
        if presence.get("national"):
            nationwide.add(owner)
        area = _area_of(presence, boundaries)
        if area and area not in areas.setdefault(owner, []):
            areas[owner].append(area)
    rows: list[dict[str, Any]] = []
    for org in snap.organisations:
        number = int(org["id"])
        row: dict[str, Any] = {c: org.get(c, "") for c in COLUMNS if c in org}
        row["id"] = number
        row["contacts_public"] = _contacts(org.get("contacts_public"))
        row["sectors"] = sorted(sectors.get(number, []))
        row["areas"] = sorted(areas.get(number, []), key=norm_text)
        row["nationwide"] = number in nationwide
        rows.append(row)
    shown = ["id", *visible_columns(COLUMNS, role), "nationwide"]
    table = pd.DataFrame(rows, columns=shown)
    table = table.sort_values("name", key=lambda names: names.map(norm_text), kind="stable")
    return Directory(
        changeset=snap.changeset,
        updated=snap.updated,
        table=table.reset_index(drop=True),
        records=state.records(engine),
    )


def search(
    table: pd.DataFrame,
    text: str = "",
    *,
    org_types: tuple[str, ...] = (),
    sectors: tuple[str, ...] = (),
    lang: str = "fr",
) -> pd.DataFrame:
    """The rows matching every word of ``text`` (in a name, acronym, country, website,
    sector code or label, or area; case and accents ignored), of one of ``org_types`` and
    working in one of ``sectors`` (empty: any)."""
    kept = table
    if org_types:
        kept = kept[kept["org_type"].isin(org_types)]
    if sectors:
        wanted = set(sectors)
        kept = kept[kept["sectors"].map(lambda codes: bool(wanted & set(codes)))]
    words = norm_text(text).split()
    if not words or kept.empty:
        return kept
    types = vocab.org_types()

    def haystack(row: Any) -> str:
        parts = [str(row[c] or "") for c in ("name", "acronym", "country", "website")]
        parts.append(types.label(str(row["org_type"] or ""), lang) if row["org_type"] else "")
        parts += [f"{c} {sector_label(c, lang)}" for c in row["sectors"]]
        parts += list(row["areas"])
        return norm_text(" ".join(parts))

    texts = kept.apply(haystack, axis=1)
    return kept[texts.map(lambda hay: all(word in hay for word in words))]


def labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table as people read it: labels for types and sectors, areas in words, headers
    in ``lang``; no internal id."""
    types = vocab.org_types()
    nationwide = t("directory_nationwide", lang)
    out = pd.DataFrame(
        {
            "name": table["name"],
            "acronym": table["acronym"],
            "org_type": [types.label(str(c), lang) if c else "" for c in table["org_type"]],
            "country": table["country"],
            "website": table["website"],
            "contacts_public": table["contacts_public"],
            "sectors": [
                _SEPARATOR.join(sector_label(c, lang) for c in codes) for codes in table["sectors"]
            ],
            "areas": [
                _SEPARATOR.join(([nationwide] if national else []) + list(names))
                for names, national in zip(table["areas"], table["nationwide"], strict=True)
            ],
        },
        index=table.index,
    )
    return out.rename(columns={c: t(f"directory_col_{c}", lang) for c in COLUMNS})


def records_of(directory: Directory, table: pd.DataFrame) -> pd.DataFrame:
    """The directory's records of the organisations in ``table`` (a search's rows)."""
    names = set(table["name"])
    return directory.records[directory.records[s.ORG_NAME].isin(names)]
