"""Small hostile files built in the tests: workbooks with far cells or long shared strings."""

from __future__ import annotations

import io
import zipfile

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def workbook(rows_xml: str, shared: list[str] | None = None, dimension: str = "") -> bytes:
    """An .xlsx of one sheet "Data" whose <sheetData> is ``rows_xml``."""
    shared_part = (
        f'<sst xmlns="{_MAIN}" count="{len(shared)}" uniqueCount="{len(shared)}">'
        + "".join(f"<si><t>{text}</t></si>" for text in shared)
        + "</sst>"
        if shared is not None
        else None
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{_TYPES}"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{_CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" '
                f'ContentType="{_CT}.sharedStrings+xml"/>'
                if shared_part
                else ""
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="Data" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared_part
                else ""
            )
            + "</Relationships>",
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>{rows_xml}</sheetData></worksheet>',
        )
        if shared_part:
            archive.writestr("xl/sharedStrings.xml", shared_part)
    return buffer.getvalue()


def inline_row(row: int, cells: list[str]) -> str:
    """A row of inline text cells, A, B, C..."""
    return (
        f'<row r="{row}">'
        + "".join(
            f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
            for i, text in enumerate(cells)
        )
        + "</row>"
    )


HEADER = inline_row(1, ["Organisation", "Secteur", "Région"]) + inline_row(
    2, ["#org+name", "#sector", "#adm1+name"]
)


def far_cell_workbook(ref: str = "XFD1048576") -> bytes:
    """A 3W workbook with one cell far away: a reader laying out the grid allocates it all."""
    row = "".join(ch for ch in ref if ch.isdigit())
    return workbook(
        HEADER
        + inline_row(3, ["ONG A", "Santé", "Kayes"])
        + f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'
    )


def shared_string_bomb(size: int = 2_000_000, cells: int = 12_000) -> bytes:
    """A small workbook whose one long shared string is used by many cells."""
    rows = "".join(
        f'<row r="{i + 3}"><c r="A{i + 3}" t="s"><v>0</v></c></row>' for i in range(cells)
    )
    return workbook(HEADER + rows, shared=["L" * size])
