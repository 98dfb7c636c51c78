"""The enriched workbook: the user's sheet untouched plus result columns, Problems and Run sheets.

xlsxwriter in ``constant_memory`` mode writes each row to disk as soon as the next row starts, so
100,000-row exports use a few MB; rows must arrive in order, which :class:`EnrichedTable` promises.
Text is always written with ``write_string``: nothing the user or the API sent becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError, FileSizeError
from xlsxwriter.utility import xl_rowcol_to_cell

from ping_desktop.export.cells import (
    EXCEL_EXACT_INT,
    EXCEL_MAX_COLS,
    EXCEL_MAX_ROWS,
    EXCEL_MAX_STRING,
    result_scalar,
)
from ping_desktop.export.files import atomic_target, friendly_os_error
from ping_desktop.export.model import (
    STATUS_FIELD,
    EnrichedTable,
    ExportError,
    ExportStats,
    ExtraSheet,
    ProblemRow,
)
from ping_desktop.export.xlsx_rows import RowStreamer, can_stream

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    # Excel has no time zones; keep the wall-clock value the user had.
    "remove_timezone": True,
}
PROBLEMS_SHEET = "Problems"
RUN_SHEET = "Run"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_RESULT_HEADER_COLOR = "#DDEBF7"
_MIN_WIDTH, _MAX_WIDTH = 8, 45
#: Panes are frozen below the header only when the header is within this many rows of the top.
FREEZE_MAX_ROWS = 15

Writer = Callable[[int, int, Any], None]


def sanitize_sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """Make ``name`` legal for Excel (31 chars, no ``[]:*?/\\``, no edge quotes) and unique."""
    clean = _BAD_SHEET_CHARS.sub("_", name or "").strip().strip("'").strip()
    if not clean or clean.lower() == "history":  # "History" is reserved by Excel
        clean = "Sheet1" if not clean else f"{clean}_"
    clean = clean[:31]
    used = {t.lower() for t in taken}
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


class _CellWriter:
    """Dispatches values to xlsxwriter's typed writers; collects notes about cut text."""

    def __init__(self, workbook: Any, sheet: Any) -> None:
        self.sheet = sheet
        self.notes: list[ProblemRow] = []
        self.date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_fmt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.time_fmt = workbook.add_format({"num_format": "hh:mm:ss"})
        self.duration_fmt = workbook.add_format({"num_format": "[h]:mm:ss"})
        self.formats = {"date": self.date_fmt, "datetime": self.datetime_fmt,
                        "time": self.time_fmt, "duration": self.duration_fmt}
        ws = sheet
        self.by_type: dict[type, Writer] = {
            str: self._string,
            int: self._int,
            float: self._float,
            bool: ws.write_boolean,
            dt.datetime: lambda r, c, v: ws.write_datetime(r, c, v, self.datetime_fmt),
            dt.date: lambda r, c, v: ws.write_datetime(r, c, v, self.date_fmt),
            dt.time: lambda r, c, v: ws.write_datetime(r, c, v, self.time_fmt),
            dt.timedelta: lambda r, c, v: ws.write_datetime(r, c, v, self.duration_fmt),
            Decimal: lambda r, c, v: self._float(r, c, float(v)),
        }

    def _string(self, row: int, col: int, value: str) -> None:
        if value:
            if len(value) > EXCEL_MAX_STRING:
                self.notes.append(
                    ProblemRow(
                        row + 1,
                        None,
                        f"Column {col + 1}: text of {len(value):,} characters was cut to Excel's "
                        f"limit of {EXCEL_MAX_STRING:,} (the CSV export keeps it whole).",
                    )
                )
                value = value[:EXCEL_MAX_STRING]
            self.sheet.write_string(row, col, value)

    def _int(self, row: int, col: int, value: int) -> None:
        if -EXCEL_EXACT_INT < value < EXCEL_EXACT_INT:
            self.sheet.write_number(row, col, value)
        else:  # long ids would lose digits as numbers
            self.sheet.write_string(row, col, str(value))

    def _float(self, row: int, col: int, value: float) -> None:
        if math.isfinite(value):
            self.sheet.write_number(row, col, value)
        else:
            self.sheet.write_string(row, col, str(value))

    def write(self, row: int, col: int, value: Any) -> None:
        """Write any supported value; unknown types are written as their text."""
        if value is None:
            return
        writer = self.by_type.get(type(value))
        if writer is not None:
            writer(row, col, value)
            return
        # Subclasses (str enums, datetime subclasses); datetime is checked before date.
        for kind, fallback in self.by_type.items():
            if isinstance(value, kind):
                fallback(row, col, value)
                return
        self._string(row, col, str(result_scalar(value)))


def _widths(headers: Sequence[Any]) -> list[float]:
    return [
        float(min(_MAX_WIDTH, max(_MIN_WIDTH, len(str(h)) + 2 if h is not None else 0)))
        for h in headers
    ]


def _write_rows_per_cell(
    cells: _CellWriter,
    first_row: int,
    rows: Iterable[tuple[Sequence[Any], Sequence[Any]]],
    n_orig: int,
    n_results: int,
    check: Callable[[int, Sequence[Any]], None],
) -> int:
    """The data rows through xlsxwriter's own cell writers (the fallback for
    :class:`RowStreamer`); returns the last row number used."""
    # Hot loop (100k rows x 60 cells): dispatch on the exact type inline, fall back for the rest.
    write = cells.write
    by_type = cells.by_type
    row = first_row - 1
    for originals, results in rows:
        row += 1
        check(row, originals)
        for col, value in enumerate(originals[:n_orig]):
            if value is not None:
                writer = by_type.get(type(value))
                if writer is not None:
                    writer(row, col, value)
                else:
                    write(row, col, value)
        for col, value in enumerate(results[:n_results], n_orig):
            if value is not None:
                writer = by_type.get(type(value))
                if writer is not None:
                    writer(row, col, value)
                else:
                    write(row, col, result_scalar(value))
    return max(row, first_row - 1)


def _write_main_sheet(
    workbook: Any, table: EnrichedTable, name: str, fast_rows: bool = True
) -> tuple[Any, int, int, list[ProblemRow]]:
    ws = workbook.add_worksheet(name)
    cells = _CellWriter(workbook, ws)
    n_orig = len(table.columns)
    n_cols = n_orig + len(table.result_columns)
    if n_cols > EXCEL_MAX_COLS:
        raise ExportError(
            f"The results need {n_cols:,} columns, more than Excel's {EXCEL_MAX_COLS:,}. "
            "Choose fewer sources or save as CSV."
        )
    head_fmt = workbook.add_format({"bold": True, "bottom": 1})
    result_fmt = workbook.add_format(
        {"bold": True, "bottom": 1, "bg_color": _RESULT_HEADER_COLOR, "italic": True}
    )
    headers = [*table.columns, *(c.header for c in table.result_columns)]
    for col, width in enumerate(_widths(headers)):
        ws.set_column(col, col, width)

    row = 0
    for above in table.header_row_values:
        # The user's titles above the header, cell for cell, so the header keeps its row.
        for col, value in enumerate(above[:EXCEL_MAX_COLS]):
            cells.write(row, col, value)
        row += 1
    header_row = row
    for col, header in enumerate(table.columns):
        if header is None or header == "":
            ws.write_blank(row, col, None, head_fmt)
        else:
            ws.write_string(row, col, str(header), head_fmt)
    for i, rc in enumerate(table.result_columns):
        ws.write_string(row, n_orig + i, rc.header, result_fmt)

    n_results = len(table.result_columns)

    def check(row: int, originals: Sequence[Any]) -> None:
        if row >= EXCEL_MAX_ROWS:
            raise ExportError(
                f"The sheet has more rows than Excel allows ({EXCEL_MAX_ROWS:,}). Save as CSV."
            )
        if len(originals) > n_orig and any(v not in (None, "") for v in originals[n_orig:]):
            raise ExportError(
                f"Row {row + 1} has values beyond the last column; the export was stopped so "
                "no value is overwritten. Please report this."
            )

    if fast_rows and can_stream(ws):
        streamer = RowStreamer(ws, cells.formats)
        row = streamer.write_rows(row + 1, table.rows, n_orig, n_results, check)
        cells.notes.extend(streamer.notes)
    else:
        row = _write_rows_per_cell(cells, row + 1, table.rows, n_orig, n_results, check)

    data_rows = row - header_row
    last_col = max(n_cols - 1, 0)
    if header_row < FREEZE_MAX_ROWS:
        # Frozen rows always show; a deep title block would leave no room to scroll.
        ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, max(row, header_row), last_col)
    if data_rows:
        bad_fmt = workbook.add_format({"bg_color": "#F8CBAD"})
        for i, rc in enumerate(table.result_columns):
            if rc.field == STATUS_FIELD:
                col = n_orig + i
                first = xl_rowcol_to_cell(header_row + 1, col, row_abs=False, col_abs=True)
                ws.conditional_format(
                    header_row + 1, col, row, col,
                    {"type": "formula", "criteria": f'=AND({first}<>"",{first}<>"OK")',
                     "format": bad_fmt},
                )
    return ws, data_rows, n_cols, cells.notes


def _write_problems(workbook: Any, name: str, problems: Iterable[ProblemRow],
                    fast_rows: bool = True) -> None:
    # Grouped by the check that found them (see intake.address_checks.kind_rank), then by row,
    # so "all ZIPs in another state" read as one block; the Check column names the group.
    from ping_desktop.intake.address_checks import kind_label, kind_rank

    ws = workbook.add_worksheet(name)
    bold = workbook.add_format({"bold": True, "bottom": 1})
    for col, (title, width) in enumerate((("Row", 8), ("Source", 10), ("Check", 28),
                                          ("Message", 90))):
        ws.write_string(0, col, title, bold)
        ws.set_column(col, col, width)
    ordered = sorted(problems, key=lambda p: (kind_rank(p.kind), p.row))
    row = 0
    if fast_rows and can_stream(ws):
        # The same cells through the row streamer: a run with tens of thousands of intake
        # problems spent a second here, cell by cell.
        cells = ((
            [p.row, p.source or None, kind_label(p.kind) if p.kind else None,
             p.message[:EXCEL_MAX_STRING] if p.message else None], ()) for p in ordered)
        row = RowStreamer(ws, {}).write_rows(1, cells, 4, 0, lambda _row, _values: None)
    else:
        for problem in ordered:
            row += 1
            ws.write_number(row, 0, problem.row)
            if problem.source:
                ws.write_string(row, 1, problem.source)
            if problem.kind:
                ws.write_string(row, 2, kind_label(problem.kind))
            if problem.message:
                ws.write_string(row, 3, problem.message[:EXCEL_MAX_STRING])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, row, 3)


def _write_run(workbook: Any, name: str, run_info: Sequence[tuple[str, str]]) -> None:
    ws = workbook.add_worksheet(name)
    bold = workbook.add_format({"bold": True})
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 80)
    for row, (label, value) in enumerate(run_info):
        ws.write_string(row, 0, str(label), bold)
        text = "" if value is None else str(value)
        if text:
            ws.write_string(row, 1, text[:EXCEL_MAX_STRING])


def _write_extra(workbook: Any, name: str, sheet: ExtraSheet) -> None:
    ws = workbook.add_worksheet(name)
    bold = workbook.add_format({"bold": True})
    cells = _CellWriter(workbook, ws)
    for col, width in enumerate(sheet.widths):
        ws.set_column(col, col, width)
    for row, values in enumerate(sheet.rows):
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if row in sheet.bold_rows and isinstance(value, str):
                ws.write_string(row, col, value[:EXCEL_MAX_STRING], bold)
            else:
                cells.write(row, col, value)


def write_xlsx(table: EnrichedTable, dest: Path, *, fast_rows: bool = True,
               on_temp: Callable[[Path], None] | None = None) -> ExportStats:
    """Write ``table`` as an .xlsx at ``dest`` (atomically); raises :class:`ExportError`.

    ``fast_rows=False`` writes the main sheet's data rows through xlsxwriter's per-cell API
    instead of :class:`RowStreamer` (same file; kept to check the two against each other).
    ``on_temp`` is told the temp file beside ``dest`` that becomes it (a long export keeps it
    touched so no one takes it for a killed export's leftover).
    """
    started = time.perf_counter()
    dest = Path(dest)
    with atomic_target(dest) as tmp:
        if on_temp is not None:
            on_temp(tmp)
        workbook = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        try:
            main_name = sanitize_sheet_name(table.sheet_name)
            problems_name = sanitize_sheet_name(PROBLEMS_SHEET, [main_name])
            taken = [main_name, problems_name]
            extra_names = []
            for extra in table.extra_sheets:
                extra_names.append(sanitize_sheet_name(extra.name, taken))
                taken.append(extra_names[-1])
            run_name = sanitize_sheet_name(RUN_SHEET, taken)
            _, rows, cols, notes = _write_main_sheet(workbook, table, main_name, fast_rows)
            if table.after_rows is not None:
                table.after_rows()
            _write_problems(workbook, problems_name, _chain(table.problems, notes), fast_rows)
            for extra, extra_name in zip(table.extra_sheets, extra_names, strict=True):
                _write_extra(workbook, extra_name, extra)
            _write_run(workbook, run_name, table.run_info)
        except BaseException:
            _discard(workbook)
            raise
        try:
            workbook.close()
        except FileCreateError as exc:
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            if inner is None:
                raise
            raise friendly_os_error(inner, dest) from exc
        except FileSizeError:
            raise ExportError(
                f"{dest.name} would be larger than 4 GB. Save as CSV instead."
            ) from None
    return ExportStats(rows=rows, columns=cols, path=dest, seconds=time.perf_counter() - started)


def _discard(workbook: Any) -> None:
    """Release xlsxwriter's row temp files without assembling a workbook."""
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()
        leftover = getattr(sheet, "row_data_filename", None)
        if leftover:
            Path(leftover).unlink(missing_ok=True)
    # Stop xlsxwriter's __del__ from trying to close (and warn about) an abandoned workbook.
    workbook.fileclosed = True


def _chain(problems: Iterable[ProblemRow], notes: list[ProblemRow]) -> Iterable[ProblemRow]:
    yield from problems
    yield from notes
