"""Where a 3W comes from and what period it covers, as the file itself says it.

Read, in this order, from: HXL ``#meta`` rows above the header (``#meta+source | OCHA``)
and ``#meta`` columns; the workbook's title rows above the header ("3W Mali - Avril
2023"); month and year columns (``#date+month``, ``#date+year``) or a reference period
(HDX's ``reference_period_start``); the sheet's name ("NGA_3Ws_Apr_Jun_2023"). Never a
file's modification or save time. What the user states (``--source``, ``--date``, the
page's fields) wins over all of these.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Final

from ngomap._paths import VOCAB_DIR
from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text, norm_text

_YEAR: Final = re.compile(r"^(19[89]\d|20\d\d)$")
_QUARTER: Final = re.compile(r"^[tq]([1-4])$")
_ISO_DAY: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH: Final = re.compile(r"^(\d{4})-(\d{2})$")
_TOKEN: Final = re.compile(r"\b[tq][1-4]\b|[a-z]+|\d+")
_SOURCE_TAGS: Final = frozenset({"source", "provider", "org", "publisher"})
_PERIOD_TAGS: Final = frozenset({"date", "period", "reported", "month", "year"})
# Column headers of HDX's normalised output (HAPI) that say who published the data and when.
_SOURCE_FR: Final = "source des données"
_SOURCE_HEADERS: Final = ("dataset_hdx_provider_name", _SOURCE_FR, "data source")
_PERIOD_HEADERS: Final = ("reference_period_start", "reference_period_end")
_MONTH_HEADERS: Final = ("month", "mois")
_YEAR_HEADERS: Final = ("year", "annee")


@cache
def _months() -> dict[str, int]:
    """data/vocab/months.csv: French and English month names and abbreviations."""
    with (VOCAB_DIR / "months.csv").open(encoding="utf-8", newline="") as handle:
        return {norm_text(row["name"]): int(row["month"]) for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class Period:
    """The first and last day a 3W covers."""

    start: date
    end: date

    def label(self, lang: str) -> str:
        """ "avril–juin 2023", "April 2023", "2023-04-30"."""
        if self.start == self.end:
            return self.end.isoformat()
        whole_months = self.start.day == 1 and self.end == _month_end(self.end.year, self.end.month)
        if not whole_months:
            return f"{self.start.isoformat()} – {self.end.isoformat()}"
        names = _MONTH_NAMES[lang]
        first, last = names[self.start.month - 1], names[self.end.month - 1]
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{first} {self.end.year}"
        if self.start.year == self.end.year:
            return f"{first}–{last} {self.end.year}"
        return f"{first} {self.start.year} – {last} {self.end.year}"


_MONTH_NAMES: Final = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": list(calendar.month_name)[1:],
}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _span(periods: Iterable[Period]) -> Period | None:
    found = list(periods)
    if not found:
        return None
    return Period(min(p.start for p in found), max(p.end for p in found))


def parse_period(text: object) -> Period | None:
    """The period a piece of text names, if any: "Avril 2023", "Apr_Jun_2023", "T2 2023",
    "2023-06-30", "2023-04", "janvier à mars 2022"; a year alone is the whole year."""
    value = clean_text(text)
    if not value:
        return None
    day = _ISO_DAY.search(value)
    if day is not None:
        try:
            found = date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
        except ValueError:
            return None
        return Period(found, found)
    tokens = _TOKEN.findall(norm_text(value).replace("_", " "))
    month = _ISO_MONTH.match(value.strip())
    if month is not None and 1 <= int(month.group(2)) <= 12:
        year, number = int(month.group(1)), int(month.group(2))
        return Period(date(year, number, 1), _month_end(year, number))
    years = [int(t) for t in tokens if _YEAR.match(t)]
    if len(set(years)) > 1 or not years:
        return None if not years else _span(_year(y) for y in years)
    year = years[0]
    months = [_months()[t] for t in tokens if t in _months()]
    quarters = [int(m.group(1)) for t in tokens if (m := _QUARTER.match(t))]
    if months:
        first, last = months[0], months[-1]
        if last < first:
            first, last = last, first
        return Period(date(year, first, 1), _month_end(year, last))
    if quarters:
        return Period(date(year, 3 * min(quarters) - 2, 1), _month_end(year, 3 * max(quarters)))
    return _year(year)


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Provenance:
    """What the file says of itself; each part None when it does not say it."""

    source: str | None = None
    period: Period | None = None
    title: str | None = None
    found_in: tuple[str, ...] = ()  # where each part was read, in words ("row 1", "Month")


def _tagged(hashtags: Sequence[str] | None, wanted: frozenset[str]) -> list[int]:
    """Positions of ``#meta`` columns whose attributes include one of ``wanted``."""
    out = []
    for position, tag in enumerate(hashtags or []):
        text = clean_text(tag).lower().replace(" ", "")
        head, *attributes = text.split("+")
        if head == "#meta" and wanted & set(attributes):
            out.append(position)
    return out


def _by_header(headers: Sequence[str], names: Sequence[str]) -> list[int]:
    wanted = {norm_text(n) for n in names}
    return [p for p, h in enumerate(headers) if norm_text(h) in wanted]


def _by_tag(hashtags: Sequence[str] | None, tag: str) -> list[int]:
    return [
        p for p, h in enumerate(hashtags or []) if clean_text(h).lower().replace(" ", "") == tag
    ]


def _commonest(values: Iterable[str]) -> str | None:
    """The first value (columns give theirs the commonest first)."""
    return next((v for v in values if v), None)


def _above(rows_above: Sequence[Sequence[str]]) -> tuple[str | None, str | None, str | None]:
    """(source, period text, title) from the rows above the header."""
    source = period = title = None
    for row in rows_above:
        cells = [clean_text(c) for c in row if clean_text(c)]
        if not cells:
            continue
        tag = cells[0].lower().replace(" ", "")
        if tag.startswith("#meta"):
            attributes = set(tag.split("+")[1:])
            value = cells[1] if len(cells) > 1 else ""
            if attributes & _SOURCE_TAGS and value:
                source = source or value
            elif attributes & _PERIOD_TAGS and value:
                period = period or value
            continue
        if cells[0].startswith("#"):
            continue  # another HXL row
        if title is None and len(cells) <= 2:
            title = " ".join(cells)
    return source, period, title


def read_provenance(
    *,
    rows_above: Sequence[Sequence[str]],
    headers: Sequence[str],
    hashtags: Sequence[str] | None,
    column: Callable[[int], Sequence[str]],
    sheet: str | None,
) -> Provenance:
    """What a table says of its source, period and title.

    ``rows_above``: the rows above the header, as text; ``column(position)`` gives one
    column's distinct non-empty values (text), the commonest first; ``sheet``: the
    sheet's name, if any.
    """
    take = column
    found: list[str] = []
    source, period_text, title = _above(rows_above)
    if source:
        found.append("#meta")
    if source is None:
        for positions, where in (
            (_tagged(hashtags, _SOURCE_TAGS), "#meta"),
            (_by_header(headers, _SOURCE_HEADERS), None),
        ):
            if positions:
                source = _commonest(v for p in positions for v in take(p))
                if source:
                    found.append(where or headers[positions[0]])
                    break
    period = parse_period(period_text) if period_text else None
    if period is not None:
        found.append("#meta")
    if period is None:
        for positions in (_tagged(hashtags, _PERIOD_TAGS), _by_header(headers, _PERIOD_HEADERS)):
            period = _span(p for pos in positions for v in take(pos) if (p := parse_period(v)))
            if period is not None:
                found.append(headers[positions[0]])
                break
    if period is None and title:
        period = parse_period(title)
        if period is not None:
            found.append(title)
    if period is None:
        period = _months_and_years(headers, hashtags, take, found)
    if period is None and sheet:
        period = parse_period(sheet)
        if period is not None:
            found.append(sheet)
    return Provenance(source=source, period=period, title=title, found_in=tuple(found))


def _months_and_years(
    headers: Sequence[str],
    hashtags: Sequence[str] | None,
    take: Callable[[int], Sequence[str]],
    found: list[str],
) -> Period | None:
    """A period from a month column and a year column (the Nigeria 3W: April..June, 2023):
    from the first month of the first year to the last month of the last year."""
    months = _by_tag(hashtags, "#date+month") or _by_header(headers, _MONTH_HEADERS)
    years = _by_tag(hashtags, "#date+year") or _by_header(headers, _YEAR_HEADERS)
    if not months or not years:
        return None
    year_values = sorted({int(v) for v in take(years[0]) if _YEAR.match(str(v))})
    month_values = sorted(
        {_months()[norm_text(v)] for v in take(months[0]) if norm_text(v) in _months()}
        | {int(v) for v in take(months[0]) if str(v).isdigit() and 1 <= int(v) <= 12}
    )
    if not year_values or not month_values:
        return None
    found.append(f"{headers[months[0]]}, {headers[years[0]]}")
    first, last = year_values[0], year_values[-1]
    return Period(date(first, month_values[0], 1), _month_end(last, month_values[-1]))


def provenance_dict(found: Provenance | None, lang: str = "en") -> dict[str, object] | None:
    """The provenance as ``ngomap validate --json`` prints it."""
    if found is None:
        return None
    return {
        "source": found.source,
        "title": found.title,
        "period_start": found.period.start.isoformat() if found.period else None,
        "period_end": found.period.end.isoformat() if found.period else None,
        "period": found.period.label(lang) if found.period else None,
        "found_in": list(found.found_in),
    }


def provenance_sentence(found: Provenance) -> tuple[str, str] | None:
    """What the file says of itself, in one sentence (English, French), or None."""
    where = ", ".join(found.found_in)
    period = found.period
    if found.source and period:
        return pair(
            Msg.FILE_PROVENANCE_SOURCE_AND_PERIOD,
            source=found.source,
            period=period.label,
            where=where,
        )
    if found.source:
        return pair(Msg.FILE_PROVENANCE_SOURCE_ONLY, source=found.source, where=where)
    if period:
        return pair(Msg.FILE_PROVENANCE_PERIOD_ONLY, period=period.label, where=where)
    return None
