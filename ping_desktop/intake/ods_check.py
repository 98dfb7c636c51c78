"""The used area of an OpenDocument spreadsheet, measured before calamine builds its grid.

OpenDocument writes runs of empty rows and cells as one element with a repeat count, so a
small file can put a value a million rows down and sixteen thousand columns right; calamine
then builds the whole grid. Rows without repeat counts (nearly all of them) are measured with
a few C-level counts each; rows with repeats, and everything between rows, are walked tag by
tag with the same state, so the two ways agree.
"""

from __future__ import annotations

import re
import zipfile

from ping_desktop.intake import limits
from ping_desktop.intake.zip_stream import bounded_chunks

_ROW = b"<table:table-row"
_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
                  rb"((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*?)(/?)>")  # ">" may sit in a value
_PAIR = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
#: A row longer than this is walked as it arrives instead of gathered whole (16,384 cells of
#: ordinary size take about 2 MB).
_MAX_GATHER = 8 << 20


class _Extent:
    """Where the walk is, and the furthest valued cell of the current sheet."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.row = self.col = self.max_row = self.max_col = 0
        self.row_span = 1
        self.earlier_sheets = 0  # cells the sheets before this one span

    def _grow(self, row: int, col: int) -> None:
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
        if (self.max_col > limits.MAX_COLUMNS or self.max_row > limits.MAX_ROWS
                or self.max_row * self.max_col > limits.MAX_CELLS):
            raise limits.area_error(self.where, self.max_row, self.max_col)
        total = self.earlier_sheets + self.max_row * self.max_col
        if total > limits.MAX_WORKBOOK_CELLS:
            raise limits.workbook_too_big(self.where, total)

    def walk(self, data: bytes) -> None:
        """Tag by tag (any part of the content, cut between tags)."""
        for tag, attrs, empty in _TAG.findall(data):
            if tag == b"table":  # a new sheet: its own extent
                self.earlier_sheets += self.max_row * self.max_col
                self.row = self.col = self.max_row = self.max_col = 0
                self.row_span = 1
            elif tag == b"table-row":
                self.row += self.row_span
                self.col = 0
                self.row_span = _repeat(attrs, b"number-rows-repeated")
            else:
                self.col += _repeat(attrs, b"number-columns-repeated")
                if empty and b"value-type" not in attrs:
                    continue  # blanks (repeated or not): calamine leaves them out
                self._grow(self.row + self.row_span - 1, self.col)

    def row_piece(self, piece: bytes) -> None:
        """One whole row element (and what follows it up to the next row)."""
        if b"repeated" in piece or b"<table:table " in piece or b"<table:table>" in piece:
            self.walk(piece)
            return
        self.row += self.row_span
        self.row_span = 1
        cells = piece.count(b"<table:table-cell") + piece.count(b"<table:covered-table-cell")
        self.col = cells
        if cells and (b"value-type" in piece or b"<text:" in piece):
            self._grow(self.row, cells)  # trailing blanks counted too: an upper bound


def _repeat(attrs: bytes, name: bytes) -> int:
    """A repeat count (1 without one); attributes read as pairs, so text inside another
    attribute's value cannot pose as one. A count that is not a number: ValueError."""
    for key, double, single in _PAIR.findall(attrs):
        if key == name or key.endswith(b":" + name):
            return max(int(double or single), 1)
    return 1


def check_ods(zf: zipfile.ZipFile, where: str) -> None:
    """Raise IntakeError if a sheet of ``content.xml`` spans more than the limits allow."""
    extent = _Extent(where)
    carry = b""
    for chunk in bounded_chunks(zf, "content.xml", where):
        data = carry + chunk
        cut = data.rfind(_ROW)
        if cut <= 0:
            if len(data) > _MAX_GATHER:
                extent.walk(data)  # chunks end between tags, so the walk resumes cleanly
                data = b""
            carry = data
            continue
        _pieces(extent, data[:cut])
        carry = data[cut:]
    if carry:
        _pieces(extent, carry)


def _pieces(extent: _Extent, data: bytes) -> None:
    head, *rows = data.split(_ROW)
    if head:
        extent.walk(head)
    for body in rows:
        piece = _ROW + body
        if body[:1] in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
            extent.row_piece(piece)
        else:
            extent.walk(piece)  # table-row-group, table-rows: no row of their own
