"""The main sheet's data rows written straight into xlsxwriter's constant-memory row file.

xlsxwriter spends ~5 µs of Python per cell (a method call, a cell tuple, then an XML writer
call per cell); a 100,000 x 60 export spent ~30 s there. This module writes the very same
``<row>``/``<c>`` XML that xlsxwriter's ``constant_memory`` mode would, one string per row,
into the temp file xlsxwriter later copies into the sheet, and then tells the worksheet which
rows and columns now hold data. Everything else (header, formats, autofilter, frozen panes,
conditional formats, the other sheets, zipping, errors) stays xlsxwriter's own work.

It relies on xlsxwriter internals (``row_data_fh``, ``previous_row``, ``dim_*``,
``_write_single_row``); :func:`can_stream` checks for them and the caller falls back to the
per-cell path when they are missing. ``tests/export/test_xlsx_rows.py`` checks that both
paths produce byte-identical sheet XML, so an xlsxwriter upgrade that changes its output is
caught by the suite.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from ping_desktop.export.cells import EXCEL_EXACT_INT, EXCEL_MAX_STRING, result_scalar
from ping_desktop.export.model import ProblemRow

# What xlsxwriter treats specially in inline strings (see its XMLwriter and worksheet code):
# control characters and literal "_xHHHH_" (escaped), & < > (entities), leading/trailing
# whitespace (xml:space="preserve"), U+FFFE/U+FFFF, and text over 16,383 characters (the
# UTF-16 length check). Text matching none of these is written as it is.
_SPECIAL = re.compile(r'[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$')
_CONTROL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING = re.compile(r"^\s")
_TRAILING = re.compile(r"\s$")
_UTF16_SAFE = EXCEL_MAX_STRING // 2
# Excel's serial day 0 is 1899-12-31; day 60 is the 1900-02-29 Excel believes in.
_EPOCH_ORDINAL = dt.date(1899, 12, 31).toordinal()
_FLUSH_ROWS = 512


def can_stream(worksheet: Any) -> bool:
    """True when ``worksheet`` is an xlsxwriter constant-memory sheet this module can feed."""
    return (
        bool(getattr(worksheet, "constant_memory", False))
        and getattr(worksheet, "excel_version", None) == 2007
        and getattr(worksheet, "row_data_fh", None) is not None
        and all(
            hasattr(worksheet, name)
            for name in ("previous_row", "table", "row_info", "dim_rowmax", "dim_colmax",
                         "_write_single_row", "_convert_date_time", "fh")
        )
    )


def _inline_text(text: str) -> str:
    """The ``<is>`` body for ``text`` exactly as xlsxwriter writes it in constant-memory mode."""
    text = _CONTROL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = _LEADING.search(text) or _TRAILING.search(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<t xml:space="preserve">{text}</t>' if preserve else f"<t>{text}</t>"


def _utf16_cut(text: str) -> str:
    """Cut to Excel's limit counted in UTF-16 units (characters above U+FFFF count twice)."""
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > EXCEL_MAX_STRING:
            return text[:i]
    return text


class RowStreamer:
    """Writes data rows for one worksheet; call :meth:`write_rows` once, after the header."""

    def __init__(self, worksheet: Any, formats: dict[str, Any]) -> None:
        self._ws = worksheet
        self._formats = formats  # "date", "datetime", "time", "duration" -> xlsxwriter Format
        self._style: dict[str, str] = {}
        self._letters: list[str] = []
        self.notes: list[ProblemRow] = []

    def _letter(self, col: int) -> str:
        while len(self._letters) <= col:
            self._letters.append(xl_col_to_name(len(self._letters)))
        return self._letters[col]

    def _s(self, kind: str) -> str:
        # The format's index is fixed on first use, as xlsxwriter does when a cell uses it, so
        # styles.xml lists the same formats in the same order as the per-cell path.
        style = self._style.get(kind)
        if style is None:
            style = self._style[kind] = f' s="{self._formats[kind]._get_xf_index()}"'
        return style

    def _string(self, ref: str, row: int, col: int, text: str) -> str:
        if not text:
            return ""
        if len(text) > EXCEL_MAX_STRING:
            self.notes.append(ProblemRow(
                row + 1, None,
                f"Column {col + 1}: text of {len(text):,} characters was cut to Excel's "
                f"limit of {EXCEL_MAX_STRING:,} (the CSV export keeps it whole).",
            ))
            text = text[:EXCEL_MAX_STRING]
        if len(text) > _UTF16_SAFE:
            text = _utf16_cut(text)
        if _SPECIAL.search(text) is None:
            return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
        return f'<c r="{ref}" t="inlineStr"><is>{_inline_text(text)}</is></c>'

    def _datetime(self, ref: str, value: Any, kind: str) -> str:
        serial = self._ws._convert_date_time(value)
        return f'<c r="{ref}"{self._s(kind)}><v>{serial:.16G}</v></c>'

    def cell(self, row: int, col: int, value: Any) -> str:
        """One cell's XML (empty for None and empty text), typed like :class:`_CellWriter`."""
        ref = f"{self._letter(col)}{row + 1}"
        kind = type(value)
        if kind is str:
            return self._string(ref, row, col, value)
        if kind is float:
            if math.isfinite(value):
                return f'<c r="{ref}"><v>{value:.16G}</v></c>'
            return self._string(ref, row, col, str(value))
        if kind is int:
            if -EXCEL_EXACT_INT < value < EXCEL_EXACT_INT:
                return f'<c r="{ref}"><v>{value:.16G}</v></c>'
            return self._string(ref, row, col, str(value))
        if kind is bool:
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if kind is dt.date:
            serial = value.toordinal() - _EPOCH_ORDINAL
            serial += 1 if serial > 59 else 0
            return f'<c r="{ref}"{self._s("date")}><v>{float(serial):.16G}</v></c>'
        if value is None:
            return ""
        return self._other(ref, row, col, value)

    def _other(self, ref: str, row: int, col: int, value: Any) -> str:
        # Subclasses and rarer types, in the order _CellWriter's isinstance fallback uses.
        if isinstance(value, str):
            # The characters themselves, as xlsxwriter's f-strings write them (str() of a
            # str-mixin Enum would give its name instead).
            return self._string(ref, row, col, str.__str__(value))
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return self.cell(row, col, int(value))
        if isinstance(value, float | Decimal):
            return self.cell(row, col, float(value))
        if isinstance(value, dt.datetime):
            return self._datetime(ref, value, "datetime")
        if isinstance(value, dt.date):
            return self._datetime(ref, value, "date")
        if isinstance(value, dt.time):
            return self._datetime(ref, value, "time")
        if isinstance(value, dt.timedelta):
            return self._datetime(ref, value, "duration")
        return self._string(ref, row, col, str(result_scalar(value)))

    def _row_cells(self, row: int, values: Sequence[Any]) -> str:
        """The cells of one row. The common cases (plain text, finite numbers) are inlined:
        this runs for every cell of the sheet (~6 million at 100k rows)."""
        r = row + 1
        letters = self._letters
        cell = self.cell
        parts: list[str] = []
        add = parts.append
        for col, v in enumerate(values):
            if v is None:
                continue
            kind = type(v)
            if kind is str:
                if not v:
                    continue
                # Plain text needs no escape: printable (no control characters, U+FFFE/FFFF
                # or other spaces than " ", which is checked at the edges), no & < >, no
                # literal "_x". Anything else takes the exact path (_string); a few C-level
                # checks are cheaper than one regex search per cell.
                if (v.isprintable() and v[0] != " " and v[-1] != " " and "&" not in v
                        and "<" not in v and ">" not in v and "_x" not in v
                        and len(v) <= _UTF16_SAFE):
                    add(f'<c r="{letters[col]}{r}" t="inlineStr"><is><t>{v}</t></is></c>')
                    continue
            elif kind is float:
                if v - v == 0.0:  # finite (inf - inf and nan - nan are nan)
                    add(f'<c r="{letters[col]}{r}"><v>{v:.16G}</v></c>')
                    continue
            elif kind is int and -EXCEL_EXACT_INT < v < EXCEL_EXACT_INT:
                add(f'<c r="{letters[col]}{r}"><v>{v:.16G}</v></c>')
                continue
            add(cell(row, col, v))
        return "".join(parts)

    def write_rows(
        self,
        first_row: int,
        rows: Iterable[tuple[Sequence[Any], Sequence[Any]]],
        n_orig: int,
        n_results: int,
        check: Callable[[int, Sequence[Any]], None],
    ) -> int:
        """Write ``rows`` from sheet row ``first_row`` on; returns the last row number used.

        ``check(row, originals)`` runs first for every row and may raise to stop the export.
        """
        ws = self._ws
        out = ws.fh
        self._letter(n_orig + n_results)  # fills the column-letter table
        row_cells = self._row_cells
        buffer: list[str] = []
        pad = [None] * n_orig
        row = first_row - 1
        last_filled = None
        for originals, results in rows:
            row += 1
            check(row, originals)
            if row == first_row:
                # Flush the header the way xlsxwriter does when a later row is first written
                # (it also fixes the header formats' style indexes at this point).
                ws._write_single_row(first_row)
            values = list(originals[:n_orig])
            if len(values) < n_orig:
                values += pad[len(values):]
            values += results[:n_results]
            body = row_cells(row, values)
            if body:
                buffer.append(f'<row r="{row + 1}">{body}</row>')
                last_filled = row
                if len(buffer) >= _FLUSH_ROWS:
                    out.write("".join(buffer))
                    buffer.clear()
        out.write("".join(buffer))
        if last_filled is not None:
            # What _check_dimensions would have recorded cell by cell; the header row already
            # spans every column, so only the rows change.
            ws.dim_rowmax = max(ws.dim_rowmax or 0, last_filled)
            if ws.dim_rowmin is None:
                ws.dim_rowmin = first_row
        if row >= first_row:
            ws.previous_row = row
        return row
