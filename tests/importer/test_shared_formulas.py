"""Cells filled by a formula, shared formulas included, give their saved value.

Excel stores a formula filled down a column once, in its first cell (``<f t="shared"
ref="D2:D5" si="0">``); the cells below hold only ``<f t="shared" si="0"/>`` and the value
computed when the file was saved. The workbooks are written here, part by part, as Excel
writes them.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pandas as pd

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.importer.threew import read_3w

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="3W" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)

HEADERS = ["Organisation", "Secteur", "admin2Pcode", "admin1Pcode"]
ROWS = [
    ["Educo", "EDU", "ML0502", "ML05"],
    ["Educo", "WSH", "ML0502", "ML05"],
    ["Puits Bleus", "WSH", "ML0701", "ML07"],
    ["Karité", "HEA", "ML0101", "ML01"],
]


def _text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _workbook(cells: list[list[str]]) -> bytes:
    rows = "".join(f'<row r="{n}">{"".join(row)}</row>' for n, row in enumerate(cells, 1))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def _header() -> list[str]:
    return [_text(f"{letter}1", h) for letter, h in zip("ABCD", HEADERS, strict=True)]


def values_workbook() -> bytes:
    body = [
        [_text(f"{letter}{n}", v) for letter, v in zip("ABCD", row, strict=True)]
        for n, row in enumerate(ROWS, 2)
    ]
    return _workbook([_header(), *body])


def formula_workbook(*, saved: bool = True, error_at: int | None = None) -> bytes:
    """Column D (the region's code) is =LEFT(C2,4) filled down: one shared formula."""
    last = len(ROWS) + 1
    body = []
    for n, row in enumerate(ROWS, 2):
        cells = [_text(f"{letter}{n}", v) for letter, v in zip("ABC", row[:3], strict=True)]
        formula = (
            f'<f t="shared" ref="D2:D{last}" si="0">LEFT(C2,4)</f>'
            if n == 2
            else '<f t="shared" si="0"/>'
        )
        if n == error_at:
            cells.append(f'<c r="D{n}" t="e">{formula}<v>#VALUE!</v></c>')
        elif saved:
            cells.append(f'<c r="D{n}" t="str">{formula}<v>{row[3]}</v></c>')
        else:
            cells.append(f'<c r="D{n}" t="str">{formula}</c>')
        body.append(cells)
    return _workbook([_header(), *body])


_COMPARED = [s.ROW, s.ORG_NAME, s.SECTOR, s.AREA_CODE]


def test_a_column_filled_by_a_shared_formula_reads_as_its_values(regions: Boundaries) -> None:
    plain, plain_report = read_3w(values_workbook(), name="values.xlsx", boundaries=regions)
    filled, filled_report = read_3w(formula_workbook(), name="formulas.xlsx", boundaries=regions)
    assert len(plain) == len(ROWS)
    assert plain[s.AREA_CODE].tolist() == ["ML05", "ML05", "ML07", "ML01"]
    pd.testing.assert_frame_equal(filled[_COMPARED], plain[_COMPARED])
    assert filled_report.rows_kept == plain_report.rows_kept == len(ROWS)
    assert not filled_report.by_kind("cell.formula_uncomputed")


def test_an_error_in_a_filled_down_formula_is_reported(regions: Boundaries) -> None:
    _records, report = read_3w(
        formula_workbook(error_at=4), name="formulas.xlsx", boundaries=regions
    )
    (error,) = report.by_kind("cell.formula_error")
    assert (error.row, error.column, error.value) == (4, "admin1Pcode", "#VALUE!")


def test_formulas_saved_without_values_are_reported_cell_by_cell(regions: Boundaries) -> None:
    """A file written by a program that does not compute: each cell said, none silent."""
    records, report = read_3w(
        formula_workbook(saved=False), name="formulas.xlsx", boundaries=regions
    )
    found = report.by_kind("cell.formula_uncomputed")
    assert sorted(r for p in found for r in p.rows) == [2, 3, 4, 5]
    assert all(p.column == "admin1Pcode" for p in found)
    assert "LEFT(C2,4)" in str(found[0].value)
    # the cercle code still places every row
    assert records[s.AREA_CODE].tolist() == ["ML05", "ML05", "ML07", "ML01"]
