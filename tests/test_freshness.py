"""The freshness view: per area, the organisations not confirmed for more than N months (the
calls to make), through the same view spec as every view: map, legend, tooltip, tables,
exports; and a plain file, without confirmation dates, is told why it cannot have it."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from ngomap import analysis as a
from ngomap import freshness as fr
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import InputFileError
from ngomap.export import formats as ex
from ngomap.importer.threew import Dataset
from ngomap.importer.validate import ImportReport
from ngomap.messages import Msg, text
from ngomap.views import build_view, unavailable

TODAY = date(2026, 6, 30)


def _records(*rows: tuple[str, str, str, str | None], confirmed: bool = True) -> pd.DataFrame:
    """(organisation, sector, region code, last confirmed ISO date or None) rows."""
    frame = pd.DataFrame(
        {
            s.ORG_NAME: [r[0] for r in rows],
            s.ORG_KEY: [r[0].casefold() for r in rows],
            s.SECTOR: [r[1] for r in rows],
            s.ADM1_CODE: [r[2] for r in rows],
            s.AREA_CODE: [r[2] for r in rows],
            s.AREA_LEVEL: ["adm1"] * len(rows),
            s.NATIONAL: [False] * len(rows),
        }
    )
    if confirmed:
        frame[s.CONFIRMED] = pd.to_datetime(pd.Series([r[3] for r in rows], dtype=object))
    return frame


ROWS = (
    ("Aide Sahel", "HEA", "ML01", "2026-05-01"),  # fresh
    ("Aide Sahel", "EDU", "ML02", "2026-05-01"),
    ("Eau Pour Tous", "WSH", "ML01", "2024-01-15"),  # stale: 29 months
    ("Eau Pour Tous", "WSH", "ML03", "2024-01-15"),
    ("Jardins", "AGR", "ML01", None),  # never confirmed
    ("Récent", "HEA", "ML03", "2025-07-01"),  # 12 months minus a day: fresh at 12, stale at 6
)


def _row(table: pd.DataFrame, code: str) -> pd.Series:
    found = table.loc[table[s.AREA_CODE] == code]
    assert len(found) == 1
    return found.iloc[0]


def test_stale_organisations_are_counted_per_area(regions: Boundaries) -> None:
    table = fr.freshness_by_area(
        _records(*ROWS), regions, months=12, reference=TODAY, level="adm1", lang="en"
    )
    ml01 = _row(table, "ML01")
    assert ml01[a.VALUE] == 2  # Eau Pour Tous and Jardins: two calls to make
    assert ml01[a.ACTORS] == 3
    assert ml01[fr.SHARE] == pytest.approx(66.7)
    assert ml01[fr.OLDEST] == "never"  # one was never confirmed
    assert sorted(ml01[a.ORGANISATIONS]) == ["Eau Pour Tous", "Jardins"]
    assert dict(ml01[a.DETAILS]) == {"Eau Pour Tous": "2024-01-15", "Jardins": fr.NEVER}
    assert _row(table, "ML02")[a.VALUE] == 0  # Aide Sahel confirmed in May
    ml03 = _row(table, "ML03")
    assert (ml03[a.VALUE], ml03[a.ACTORS], ml03[fr.OLDEST]) == (1, 2, "2024-01-15")
    assert _row(table, "ML05")[a.ACTORS] == 0  # nobody there: nothing to call
    # Six months: the organisation confirmed a year ago is to be called again too.
    six = fr.freshness_by_area(_records(*ROWS), regions, months=6, reference=TODAY)
    assert _row(six, "ML03")[a.VALUE] == 2


def test_the_reference_date_is_the_registry_s_as_of_date(regions: Boundaries) -> None:
    """As of a past date, what was fresh then counts as fresh."""
    then = fr.freshness_by_area(
        _records(*ROWS), regions, months=12, reference=date(2024, 6, 30), level="adm1"
    )
    assert _row(then, "ML01")[a.VALUE] == 1  # only Jardins, never confirmed
    assert fr.cutoff(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_filters_apply_to_the_stale_count(regions: Boundaries) -> None:
    table = fr.freshness_by_area(
        _records(*ROWS),
        regions,
        months=12,
        reference=TODAY,
        filters=a.Filters(sectors=("WSH",)),
    )
    ml01 = _row(table, "ML01")
    assert (ml01[a.VALUE], ml01[a.ACTORS]) == (1, 1)


def test_the_view_says_it_in_both_languages(regions: Boundaries) -> None:
    options = a.ViewOptions(view="freshness", stale_months=12, reference=TODAY)
    fr_view = build_view(_records(*ROWS), regions, options, lang="fr", today=TODAY)
    en_view = build_view(_records(*ROWS), regions, options, lang="en", today=TODAY)
    assert fr_view.labels.legend_title == "Organisations à reconfirmer (plus de 12 mois)"
    assert en_view.labels.legend_title == "Organisations to confirm again (over 12 months)"
    assert fr_view.headline == "Organisations non confirmées depuis plus de 12 mois, par région"
    details = _row(fr_view.table, "ML01")[a.DETAILS]
    assert "Eau Pour Tous (confirmée le 15/01/2024)" in details
    assert "Jardins (jamais confirmée)" in details
    assert "Jardins (never confirmed)" in _row(en_view.table, "ML01")[a.DETAILS]
    assert fr_view.classes.bounds[-1][1] >= 2


def test_a_file_without_confirmation_dates_is_told_why(regions: Boundaries) -> None:
    records = _records(*ROWS, confirmed=False)
    options = a.ViewOptions(view="freshness")
    why = unavailable(records, options, "fr")
    assert why == text(Msg.VIEWS_FRESHNESS_UNAVAILABLE, "fr")
    assert "registre" in why
    assert unavailable(_records(*ROWS), options, "fr") is None
    assert unavailable(records, a.ViewOptions(view="density"), "fr") is None
    with pytest.raises(InputFileError) as raised:
        build_view(records, regions, options, lang="en")
    assert "only the registry knows" in str(raised.value)


def _dataset(records: pd.DataFrame) -> Dataset:
    report = ImportReport(source="test", rows_read=len(records))
    titles = {"fr": "Registre", "en": "Registry"}
    return Dataset(records=records, report=report, titles=titles, sources=titles, updated=TODAY)


def test_exports_list_the_areas_to_call_first(regions: Boundaries) -> None:
    options = a.ViewOptions(view="freshness", stale_months=12, reference=TODAY)
    snap = ex.Snapshot.of(_dataset(_records(*ROWS)), regions, options, "fr")
    table = ex.view_data(snap)
    assert list(table.columns) == [
        "Région",
        "P-code",
        "À reconfirmer",
        "Organisations présentes",
        "Part à reconfirmer (%)",
        "Plus ancienne confirmation",
        "Organisations à reconfirmer, dernière confirmation",
    ]
    assert list(table["À reconfirmer"]) == [2, 1, 0]  # ML01, ML03, then ML02: ranked
    assert table.iloc[0, 1] == "ML01"
    assert list(table["Plus ancienne confirmation"]) == ["jamais", "2024-01-15", ""]
    assert "Jardins (jamais confirmée)" in str(table.iloc[0, -1])
    csv = ex.export(snap, "csv", table="view").decode("utf-8-sig")
    assert "Part à reconfirmer (%)" in csv
    assert "66.7" in csv
    book = load_workbook(io.BytesIO(ex.export(snap, "xlsx")))
    sheet = book["Fraîcheur des informations"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "À reconfirmer"
    assert [r[2] for r in rows[1:]] == [2, 1, 0]
