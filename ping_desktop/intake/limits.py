"""How big a file intake will read, and the plain messages for files beyond that.

The limits follow Excel's own where Excel has one (columns, rows, characters in a cell), so a
file Excel can save is never refused for those. The cell budget and the byte limits are this
app's: together they keep one file's read under about a gigabyte of memory, whatever it holds.
"""

from __future__ import annotations

from pathlib import Path

from ping_desktop.intake.model import IntakeError

#: Excel's widest sheet (column XFD).
MAX_COLUMNS = 16_384
#: Excel's tallest sheet.
MAX_ROWS = 1_048_576
#: Excel's longest cell text.
MAX_CELL_CHARS = 32_767
#: Cells a sheet may span (rows x columns, counted from A1, blanks included): the reader holds
#: every one of them. 5 million is 166,000 rows of 30 columns; the 100,000 x 30 benchmark
#: workbook peaks near 320 MB, so this bounds a read to roughly 600 MB.
MAX_CELLS = 5_000_000
#: Cells all the sheets of a workbook may span together: picking the sheet that looks most
#: like an SOV loads each in turn, so a thousand sheets of a few million cells would take hours.
MAX_WORKBOOK_CELLS = 4 * MAX_CELLS
#: A delimited text file is read whole and decoded, then split into cells: 100 MB of text is
#: about the cell budget at 20 characters a cell.
MAX_TEXT_BYTES = 100_000_000
#: A workbook's parts, unpacked (the 100,000 x 30 benchmark sheet is 120 MB of XML).
MAX_UNPACKED_BYTES = 1_000_000_000
#: Unpacked content this many times the file's size is a zip bomb, not a spreadsheet (real
#: workbooks unpack to 5-15x), once past ``BOMB_FLOOR_BYTES`` (tiny files can unpack to more).
MAX_UNPACK_RATIO = 200
BOMB_FLOOR_BYTES = 50_000_000
#: The text cells of a sheet can expand to (a shared string is copied into every cell that
#: uses it).
MAX_SHEET_TEXT_BYTES = 500_000_000


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def read_bounded(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The file's bytes, or IntakeError (plain) when it is larger than ``limit``.

    Reads at most ``limit + 1`` bytes, so a file that grows while it is read (or lies about its
    size) is refused too. OSError is left to the caller, which has its own messages for it.
    """
    size = path.stat().st_size
    if size > limit:
        raise text_too_big(path, size, limit)
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise text_too_big(path, len(data), limit)
    return data


def text_too_big(path: Path, size: int, limit: int) -> IntakeError:
    """A text file beyond the byte limit."""
    return IntakeError(
        f"{path.name} is {_mb(size)}; Ping Desktop reads text files of up to {_mb(limit)} "
        f"(about {MAX_CELLS:,} cells). Split it into smaller files of whole rows, each with "
        "the header row, and enhance them one by one."
    )


def too_many_columns(where: str, row: int, columns: int) -> IntakeError:
    """A row wider than Excel allows."""
    return IntakeError(
        f"Row {row:,} of {where} has {columns:,} columns; spreadsheets hold at most "
        f"{MAX_COLUMNS:,} (Excel's limit), so this is not a table of locations. Check that the "
        "file is the SOV and that it was saved with one row per line."
    )


def too_many_rows(where: str) -> IntakeError:
    """More rows than Excel allows."""
    return IntakeError(
        f"{where} has more than {MAX_ROWS:,} rows (Excel's limit). Split it into smaller "
        "files of whole rows, each with the header row, and enhance them one by one."
    )


def too_many_cells(where: str, rows: int, columns: int) -> IntakeError:
    """A sheet spanning more cells than the cell budget."""
    return IntakeError(
        f"{where} spans {rows:,} rows x {columns:,} columns ({rows * columns:,} cells); "
        f"Ping Desktop reads sheets of up to {MAX_CELLS:,} cells (166,000 rows of 30 "
        "columns). If a stray value sits far below or right of the table (in Excel, Ctrl+End "
        "jumps to the last used cell), delete those rows and columns and save; otherwise "
        "split the locations into smaller files."
    )


def area_error(where: str, rows: int, cols: int) -> IntakeError:
    """The message for a sheet whose used area passes one of the limits."""
    if cols > MAX_COLUMNS:
        return too_many_columns(where, rows, cols)
    if rows > MAX_ROWS:
        return too_many_rows(where)
    return too_many_cells(where, rows, cols)


def workbook_too_big(name: str, cells: int) -> IntakeError:
    """Sheets that together span more cells than a workbook may."""
    return IntakeError(
        f"The sheets of {name} together span more than {cells:,} cells; Ping Desktop reads "
        f"workbooks of up to {MAX_WORKBOOK_CELLS:,}. Copy the sheet with the locations into "
        "a new workbook, save it, and use that."
    )


def cell_too_long(where: str) -> IntakeError:
    """A cell whose text is longer than Excel allows."""
    return IntakeError(
        f"{where} holds a cell with more than {MAX_CELL_CHARS:,} characters (Excel's limit "
        "for one cell), so it was not saved by Excel and cannot be read safely. Open it in "
        "Excel or LibreOffice, save it as a new .xlsx and use that."
    )


def unpacks_too_big(path: Path, unpacked: int, packed: int) -> IntakeError:
    """A workbook whose content unpacks to far more than a spreadsheet would (a zip bomb)."""
    ratio = f" ({unpacked / max(packed, 1):,.0f} times its size)" if packed else ""
    return IntakeError(
        f"{path.name} unpacks to more than {_mb(unpacked)}{ratio}, far more than a "
        "spreadsheet of locations; it is damaged or built to exhaust memory. Ping Desktop "
        f"reads workbooks that unpack to at most {_mb(MAX_UNPACKED_BYTES)}. Ask the sender "
        "for the SOV saved again from Excel."
    )


def text_expands_too_far(where: str, size: int) -> IntakeError:
    """Shared texts repeated so often that the cells would need too much memory."""
    return IntakeError(
        f"{where} repeats long texts so often that reading it would take more than "
        f"{_mb(size)} of memory (the limit is {_mb(MAX_SHEET_TEXT_BYTES)}). Remove the long "
        "texts (notes, descriptions) that are copied down whole columns, or split the file."
    )
