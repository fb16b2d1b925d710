"""User text never comes back as a live spreadsheet formula, and round-trips as written."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from ngomap import analysis as a
from ngomap import schema as s
from ngomap._paths import SAMPLE_FILE
from ngomap.areas.boundaries import embedded_regions
from ngomap.cells import TRIGGERS, inert, inert_frame, revive
from ngomap.export import formats as e
from ngomap.importer.report import report_csv, report_xlsx
from ngomap.importer.threew import Dataset, read_3w

PAYLOADS = [
    '=HYPERLINK("http://127.0.0.1:9/?"&A3,"Cliquez")',
    "+33 1 23 45",
    "-2+3 ONG",
    "@SUM(A1:A9)",
    "=1+1",
]  # (a leading tab or CR is trimmed by the importer, as any surrounding space: see below)


def _hostile_sample() -> tuple[bytes, list[str]]:
    """The sample 3W with its first organisations renamed to formula payloads."""
    lines = SAMPLE_FILE.read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines))
    for row, payload in zip(rows[2:], PAYLOADS, strict=False):
        row[0] = payload
        row[5] = payload  # the funder too
    rows[4][6] = '=HYPERLINK("http://127.0.0.1:9/")'  # an unknown sector: in the report
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8"), PAYLOADS


def _dataset() -> Dataset:
    data, _ = _hostile_sample()
    records, report = read_3w(data, name="hostile.csv", boundaries=embedded_regions())
    return Dataset(records, report, {"fr": "x"}, {"fr": "x"}, None)


def _snap(lang: str = "fr") -> e.Snapshot:
    return e.Snapshot.of(
        _dataset(), embedded_regions(), a.ViewOptions(), lang, today=date(2026, 12, 3)
    )


def _live_formulas(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _csv_triggers(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    return [c for c in cells if c.startswith(TRIGGERS) and inert(c) != c]


def test_payloads_are_read_as_written() -> None:
    records = _dataset().records
    assert set(PAYLOADS) <= set(records[s.ORG_NAME])


@pytest.mark.parametrize("fmt", ["xlsx", "records_csv", "summary_csv"])
def test_exports_hold_no_live_formula(fmt: str) -> None:
    snap = _snap()
    build = {"xlsx": e.workbook, "records_csv": e.records_csv, "summary_csv": e.summary_csv}
    data = build[fmt](snap)
    if fmt == "xlsx":
        assert _live_formulas(data) == []
        book = load_workbook(io.BytesIO(data))
        texts = {c.value for row in book.worksheets[0].iter_rows() for c in row}
        assert set(PAYLOADS) <= texts  # shown as written, as text
    else:
        assert _csv_triggers(data) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_through_ngomaps_importer_gives_the_original_text(fmt: str) -> None:
    snap = _snap()
    back, _ = read_3w(e.export(snap, fmt), name=f"back.{fmt}", boundaries=embedded_regions())
    assert set(PAYLOADS) <= set(back[s.ORG_NAME])
    assert sorted(back[s.ORG_NAME]) == sorted(snap.records[s.ORG_NAME])


def test_the_import_report_holds_no_live_formula() -> None:
    report = _dataset().report
    assert any("HYPERLINK" in str(p.value) for p in report.problems)
    for lang in ("fr", "en"):
        assert _live_formulas(report_xlsx(report, lang)) == []
        assert _csv_triggers(report_csv(report, lang)) == []


@pytest.mark.parametrize("value", [*PAYLOADS, "\tTab", "\rCR", "ONG", "-12.5", "+3", "", "'=x"])
def test_inert_then_revive_is_the_identity_and_numbers_stay_numbers(value: str) -> None:
    marked = inert(value)
    assert isinstance(marked, str)
    assert revive(marked) == value or value.startswith("'")
    if value in ("-12.5", "+3", "ONG", ""):
        assert marked == value


def test_inert_frame_marks_headers_and_text_cells_only() -> None:
    frame = pd.DataFrame({"=h": ["=x", "ok"], "n": [-1, 2]})
    out = inert_frame(frame)
    assert list(out.columns) == ["'=h", "n"]
    assert out["'=h"].tolist() == ["'=x", "ok"]
    assert out["n"].tolist() == [-1, 2]
