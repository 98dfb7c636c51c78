"""Writers the intake tests use to make spreadsheets on the fly (xlsx, ods, delimited text)."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: Mapping[str, Rows]) -> Path:
    """An .xlsx with openpyxl; ``None`` cells are left empty."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        v = "true" if value else "false"
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{v}"/>'
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, datetime.date):
        return (f'<table:table-cell office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{value}</text:p>'
                "</table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")


def write_ods(path: Path, sheets: Mapping[str, Rows]) -> Path:
    """A minimal OpenDocument spreadsheet (a zip of XML, as LibreOffice writes it)."""
    tables = []
    for name, rows in sheets.items():
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            if any(v is not None for v in row)
            else '<table:table-row><table:table-cell/></table:table-row>'
            for row in rows
        )
        tables.append(f'<table:table table:name="{escape(name)}">{body}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>" + "".join(tables) +
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_text(path: Path, rows: Rows, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """Delimited text written by the csv module in the given encoding."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


SOV_HEADER = ["Loc #", "Street Address", "City", "State", "Zip", "Latitude", "Longitude",
              "Year Built", "Building Value"]
SOV_ROWS: list[list[Any]] = [
    [1, "1 Main St", "Boston", "MA", 2134, 42.35, -71.06, 1990, 1000000],
    [2, "5 Elm St", "Austin", "TX", 78701, 30.27, -97.74, 2001, 250000],
    [3, "9 Oak Ave", "Newark", "NJ", "07102", None, None, 1975, 300000],
]
