"""Hostile files for the bounded-intake tests, written byte by byte (small on disk).

Each writer makes the smallest file that shows one attack: a value in the sheet's last cell,
a huge shared string, a zip bomb, a very wide row. They use zipfile directly so the XML is
exactly what an attacker (or a broken exporter) would write, not what openpyxl would.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OOXML}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    _XML + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_DOC_RELS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
SOV_HEADER = ("Address", "City", "State", "ZIP")
SOV_ROW = ("1 Main St", "Boston", "MA", "02134")


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sov_rows_xml(rows: int = 3) -> str:
    """A header and ``rows`` data rows as sheetData rows (inline strings), from A1."""
    out = ["<row r=\"1\">" + "".join(_inline(f"{_col(c)}1", v)
                                      for c, v in enumerate(SOV_HEADER)) + "</row>"]
    for r in range(2, rows + 2):
        out.append(f'<row r="{r}">' + "".join(_inline(f"{_col(c)}{r}", v)
                                              for c, v in enumerate(SOV_ROW)) + "</row>")
    return "".join(out)


def write_raw_xlsx(
    path: Path,
    sheet_data: str | Iterable[bytes],
    shared_strings: Sequence[str] | Iterable[bytes] = (),
    dimension: str | None = None,
) -> Path:
    """An .xlsx whose sheet1 body (``<sheetData>`` content) and shared strings are given.

    Iterables of bytes are streamed into the zip, so a part of gigabytes costs no memory.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write((_SHEET_HEAD + dim + "<sheetData>").encode())
            if isinstance(sheet_data, str):
                fh.write(sheet_data.encode())
            else:
                for chunk in sheet_data:
                    fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if isinstance(shared_strings, Sequence) and all(
                    isinstance(s, str) for s in shared_strings):
                for s in shared_strings:
                    fh.write(f"<si><t>{s}</t></si>".encode())
            else:
                for chunk in shared_strings:
                    fh.write(chunk)  # type: ignore[arg-type]
            fh.write(b"</sst>")
    return path


def far_cell_xlsx(path: Path, ref: str = "XFD1048576", dimension: str | None = None) -> Path:
    """A small SOV plus one value in a far cell: calamine's dense range would be huge."""
    return write_raw_xlsx(path, sov_rows_xml() + f'<row r="{_row_of(ref)}">'
                          f'<c r="{ref}"><v>1</v></c></row>', dimension=dimension)


def _row_of(ref: str) -> str:
    return ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_text(text: str) -> str:
    return (f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
            "</table:table-cell>")


def write_raw_ods(path: Path, body: str) -> Path:
    """An .ods whose one table holds a small SOV followed by ``body`` (raw table XML)."""
    rows = "".join("<table:table-row>" + "".join(_ods_text(v) for v in row) + "</table:table-row>"
                   for row in (SOV_HEADER, SOV_ROW, SOV_ROW))
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Sheet1">{rows}{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def far_cell_ods(path: Path) -> Path:
    """Empty rows and cells repeated out to the last row and column, then one value there."""
    body = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell/>'
            "</table:table-row><table:table-row>"
            '<table:table-cell table:number-columns-repeated="16383"/>'
            '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
            "</table:table-cell></table:table-row>")
    return write_raw_ods(path, body)
