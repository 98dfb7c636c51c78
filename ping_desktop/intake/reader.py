"""read_table / list_sheets: any supported file -> one SheetTable below its header row."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ping_desktop.intake import limits, text_reader, workbook
from ping_desktop.intake.header import SCAN_ROWS, column_names, find_header
from ping_desktop.intake.model import CellValue, IntakeError, SheetTable
from ping_desktop.intake.sniff import EXCEL_SUFFIXES, check_suffix, os_error, sniff
from ping_desktop.intake.values import gc_paused, normalise_text

_TOP_ROWS = SCAN_ROWS + 30
#: Rows above a header further down than this (only a user's choice can put it there) are not
#: kept for the export: a header on row 100,000 is a mistake, not a title block.
MAX_PREAMBLE_ROWS = 1000
Normaliser = Callable[[Sequence[Any]], list[CellValue]]


def list_sheets(path: Path | str) -> list[str]:
    """Names of the sheets a file offers ([""] for a text file)."""
    path = Path(path)
    suffix = check_suffix(path)
    kind = sniff(path)
    if kind == "text":
        return [""]
    with workbook.open_workbook(path, kind, suffix) as wb:
        return list(workbook.worksheet_names(wb))


def read_table(
    path: Path | str, sheet: str | None = None, header_row: int | None = None
) -> SheetTable:
    """Read one sheet below its header row; raises IntakeError with a plain message."""
    with gc_paused():
        return _read_table(Path(path), sheet, header_row)


def _read_table(path: Path, sheet: str | None, header_row: int | None) -> SheetTable:
    if header_row is not None and header_row < 1:
        raise IntakeError("The header row number must be 1 or more.")
    suffix = check_suffix(path)
    kind = sniff(path)
    if kind == "html":
        raise IntakeError(
            f"{path.name} is a web page (HTML) saved with a spreadsheet name. Open it in Excel "
            "and save it as .xlsx, then use that file."
        )
    if kind == "text":
        notes: list[str] = []
        if suffix in EXCEL_SUFFIXES:
            notes.append(f"The {suffix} file is really plain text; read it as delimited text.")
        return _read_text(path, suffix, sheet, header_row, notes)
    return workbook.read_workbook(path, kind, suffix, sheet, header_row, build_table)


def _read_text(
    path: Path, suffix: str, sheet: str | None, header_row: int | None, notes: list[str]
) -> SheetTable:
    if sheet:
        raise IntakeError(f"{path.name} is a text file with no sheets; leave the sheet empty.")
    try:
        data = limits.read_bounded(path)
    except OSError as exc:
        raise os_error(path, exc) from exc
    decoded = text_reader.open_text(data, suffix, header_row)
    del data  # the decoded text holds it all; do not keep two copies while splitting rows
    notes.append(f"Encoding: {decoded.encoding}")
    notes.append(f"Delimiter: {text_reader.delimiter_name(decoded.delimiter)}")
    rows = text_reader.iter_text_rows(decoded, path.name)
    return build_table(path, "", ("",), rows, normalise_text, header_row, 0, notes)


def build_table(
    path: Path,
    sheet: str,
    sheets: tuple[str, ...],
    raw_rows: Iterable[Sequence[Any]],
    normalise: Normaliser,
    header_row: int | None,
    first_column: int,
    notes: list[str],
) -> SheetTable:
    """Find the header among the first rows, then collect every non-blank row below it."""
    where = f'sheet "{sheet}"' if sheet else path.name
    it: Iterator[Sequence[Any]] = iter(raw_rows)
    top_size = max(_TOP_ROWS, (header_row or 0) + 30)
    top = [normalise(r) for r in itertools.islice(it, top_size)]
    if not any(v is not None for row in top for v in row):
        raise IntakeError(f"{where} is empty. Choose the sheet or file that holds the locations.")
    if header_row is not None:
        index = header_row - 1
        if index >= len(top) or all(v is None for v in top[index]):
            raise IntakeError(
                f"Row {header_row} of {where} is empty; choose the row with the column names."
            )
        notes.insert(0, f"Header on row {header_row} (chosen)")
    else:
        found = find_header(top)
        if found is None:
            raise IntakeError(
                f"No header row found in {where}: none of the first {SCAN_ROWS} rows looks like "
                "column names (Address, City, State, ZIP...). Add a header row, or choose the "
                "header row yourself."
            )
        index = found[0]
        notes.insert(0, f"Header found on row {index + 1}")
    header = top[index]
    header_width = max((i + 1 for i, v in enumerate(header) if v is not None), default=0)
    first_number = index + 2
    every = [tuple(r) for r in top[index + 1 :]]
    every.extend(map(tuple, map(normalise, it)))
    rows, numbers, interior_blank, repeated = _drop_blank_rows(every, tuple(header), first_number)
    width = _used_width(rows, header_width)
    if width == 0:
        raise IntakeError(f"{where} has no column names in row {index + 1}.")
    if interior_blank:
        notes.append(f"{interior_blank} blank row(s) between data rows skipped")
    if repeated:
        notes.append(f"{repeated} repeated header row(s) skipped")
    columns = column_names(header, width, first_column)
    preamble = _preamble(top[:index])
    if index and not preamble:
        notes.append(f"The {index:,} rows above the header are not copied into the export "
                     f"(more than {MAX_PREAMBLE_ROWS:,}).")
    return SheetTable(
        path=path,
        sheet=sheet,
        sheets=sheets,
        header_row=index + 1,
        columns=columns,
        rows=_fixed_width(rows, width),
        row_numbers=numbers,
        notes=tuple(notes),
        preamble=preamble,
    )


def _preamble(above: list[list[CellValue]]) -> tuple[tuple[CellValue, ...], ...]:
    """The rows above the header, each without its trailing empty cells (workbook rows are as
    wide as the sheet); blank rows stay as ``()`` so the header keeps its row number."""
    if len(above) > MAX_PREAMBLE_ROWS:
        return ()
    out: list[tuple[CellValue, ...]] = []
    for row in above:
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        out.append(tuple(row[:end]))
    return tuple(out)


def _drop_blank_rows(
    every: list[tuple[CellValue, ...]], header: tuple[CellValue, ...], first_number: int
) -> tuple[list[tuple[CellValue, ...]], list[int], int, int]:
    """Rows without blank lines and repeated header lines (reports printed page by page
    repeat it), their sheet row numbers, and how many blank lines sat between data rows."""
    numbers = range(first_number, first_number + len(every))
    widths = set(map(len, every))
    if len(widths) == 1:
        # Workbooks: every row is as wide as the sheet, so C-level comparisons find the
        # rows to drop and the common case (none) costs no per-row bytecode.
        blank = (None,) * widths.pop()
        if blank not in every and header not in every:
            return every, list(numbers), 0, 0
        drop = [r in (blank, header) for r in every]
    else:
        drop = [r.count(None) == len(r) or r == header for r in every]
    repeated = sum(1 for r, d in zip(every, drop, strict=True) if d and r == header)
    kept = [not d for d in drop]
    last = max((i for i, k in enumerate(kept) if k), default=-1)
    interior_blank = sum(1 for r, d in zip(every[:last], drop[:last], strict=True)
                         if d and r != header)
    return (list(itertools.compress(every, kept)), list(itertools.compress(numbers, kept)),
            interior_blank, repeated)


def _used_width(rows: list[tuple[CellValue, ...]], header_width: int) -> int:
    """Header width, widened for data under unnamed columns; phantom empty columns dropped."""
    longest = max(map(len, rows), default=0)
    for c in range(longest - 1, header_width - 1, -1):
        if any(len(r) > c and r[c] is not None for r in rows):
            return c + 1
    return header_width


def _fixed_width(rows: list[tuple[CellValue, ...]], width: int) -> list[tuple[CellValue, ...]]:
    if not rows or set(map(len, rows)) == {width}:
        return rows
    pad: tuple[CellValue, ...] = (None,) * width
    return [r[:width] if len(r) >= width else r + pad[: width - len(r)] for r in rows]
