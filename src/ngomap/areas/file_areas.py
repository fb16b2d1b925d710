"""Areas from a 3W's own codes and names: its country, and tables without boundary files.

A 3W with P-codes and names can be counted without any boundary file: each level's areas
are the file's own (code, name) pairs, each area's parent the coarser code found on the
same rows. Only the map needs geometry. The P-codes also tell the file's country (NG036
is Nigeria's), so a file read against another country's boundaries is said in one
sentence instead of every row being rejected one by one.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry

from ngomap import schema as s
from ngomap.areas.boundaries import ISO_CODE, LEVEL, LEVELS, NAME_EN, NAME_FR, PARENT, Boundaries
from ngomap.areas.matching import boundaries_country, country_names
from ngomap.coded import Coded, group
from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text, norm_pcode

OWN_AREAS_SOURCE = "codes and names of the file"


def _prefix(code: str) -> str | None:
    head = code[:2]
    if len(code) > 2 and head.isalpha() and head.isupper() and code[2:3].isdigit():
        return head
    return None


def _of_length(value: object, *, length: int) -> str:
    return str(value) if len(str(value)) == length else ""


def codes_country(columns: Mapping[str, Coded]) -> tuple[str, int] | None:
    """The country (ISO alpha-2) whose P-codes fill most rows of the admin code columns.

    Returns it with the number of cells that carry it, or None when no code column holds
    a P-code of a known country.
    """
    found: Counter[str] = Counter()
    for level in LEVELS:
        field = s.ADMIN_LEVELS[level][0]
        if field not in columns:
            continue
        column = columns[field]
        counts = column.counts()
        for value, count in zip(column.values, counts, strict=True):
            head = _prefix(norm_pcode(value))
            if head is not None and count:
                found[head] += int(count)
    for head, count in found.most_common():
        if pycountry.countries.get(alpha_2=head) is not None:
            return head, count
    return None


def country_label(alpha2: str) -> str:
    """A country's common name ("Nigeria"), or its code when unknown."""
    names = country_names(alpha2)
    return names[0] if names else alpha2


def other_country(columns: Mapping[str, Coded], boundaries: Boundaries) -> tuple[str, str] | None:
    """(the boundaries' country, the file's) when the file's codes are another country's."""
    found = codes_country(columns)
    theirs = boundaries_country(boundaries)
    if found is None or theirs is None or found[0] == theirs:
        return None
    return theirs, found[0]


def other_country_sentence(theirs: str, file_country: str) -> tuple[str, str]:
    """The one sentence said when a file's codes are not the boundaries' country's."""
    b, f = country_label(theirs), country_label(file_country)
    return pair(Msg.AREA_OTHER_COUNTRY_SENTENCE, theirs=b, ours=f, file_country=file_country)


def areas_from_columns(
    columns: Mapping[str, Coded], *, source: str = OWN_AREAS_SOURCE
) -> Boundaries | None:
    """Boundaries without geometry from the file's own (P-code, name) pairs, every level.

    Each code's name is its commonest spelling in the file (the code itself when the file
    has no name column for its level); its parent is the commonest code of the next
    coarser level on the same rows. None when the file has no code column.
    """
    rows: list[dict[str, object]] = []
    coarser: Coded | None = None
    for level in LEVELS:
        code_field, name_field = s.ADMIN_LEVELS[level]
        if code_field not in columns:
            continue
        codes = columns[code_field].map(lambda v: norm_pcode(clean_text(v)))
        lengths: Counter[int] = Counter()
        for value, count in zip(codes.values, codes.counts(), strict=True):
            if value:
                lengths[len(str(value))] += int(count)
        if not lengths:
            continue
        usual = lengths.most_common(1)[0][0]  # a cercle code in the region column is not a region
        codes = codes.map(functools.partial(_of_length, length=usual))
        names = columns.get(name_field, codes).map(clean_text)
        parents = coarser if coarser is not None else Coded.constant("", len(codes))
        ids, first = group([codes, names, parents])
        sizes = np.bincount(ids, minlength=len(first))
        name_votes: dict[str, Counter[str]] = {}
        parent_votes: dict[str, Counter[str]] = {}
        for index, position in enumerate(first):
            code = str(codes.values[codes.codes[position]])
            if not code:
                continue
            name = str(names.values[names.codes[position]]) or code
            parent = str(parents.values[parents.codes[position]])
            name_votes.setdefault(code, Counter())[name] += int(sizes[index])
            if parent:
                parent_votes.setdefault(code, Counter())[parent] += int(sizes[index])
        for code, votes in name_votes.items():
            name = votes.most_common(1)[0][0]
            parents_seen = parent_votes.get(code)
            rows.append(
                {
                    s.AREA_CODE: code,
                    LEVEL: level,
                    NAME_FR: name,
                    NAME_EN: name,
                    ISO_CODE: None,
                    PARENT: parents_seen.most_common(1)[0][0] if parents_seen else None,
                }
            )
        coarser = codes
    if not rows:
        return None
    frame = pd.DataFrame(rows).drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)
    known = set(frame.index)
    frame[PARENT] = [p if p in known else None for p in frame[PARENT]]
    areas = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=4326)
    present = [lvl for lvl in LEVELS if lvl in set(frame[LEVEL])]
    return Boundaries(areas=areas, level=present[-1], source=source, version="no geometry")
