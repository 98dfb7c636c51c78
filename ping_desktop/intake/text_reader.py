"""Delimited text files (.csv/.tsv/.txt): encoding and delimiter detection."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from ping_desktop.intake import limits
from ping_desktop.intake.model import IntakeError

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SAMPLE_ROWS = 60


@dataclass(frozen=True)
class DecodedText:
    """A text file's content with how it was decoded and split."""

    text: str
    encoding: str
    delimiter: str
    skip_first_line: bool  # Excel's "sep=;" hint line


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: BOMs first, then strict UTF-8, then Windows-1252/Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", "UTF-8 with BOM"), "UTF-8 with BOM"
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        return _decode(data, "utf-32", "UTF-32"), "UTF-32"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _decode(data, "utf-16", "UTF-16"), "UTF-16"
    if _looks_utf16_without_bom(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return _decode(data, enc, "UTF-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
        return data.decode("latin-1"), "Latin-1"


def _decode(data: bytes, encoding: str, label: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IntakeError(
            f"The file says it is {label} text but part of it is not valid {label}. "
            "Open it in Excel and save it again as CSV UTF-8, or save it as .xlsx."
        ) from exc


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:4000]
    if len(sample) < 8:
        return False
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    return max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half


def detect_delimiter(text: str, preferred: str = ",", anchor_row: int | None = None) -> str:
    """The delimiter that splits the first rows most consistently into more than one field.

    ``anchor_row`` (0-based) is the header row when the caller knows it: its field count must
    match the rows below, which keeps delimiters inside data cells from winning.
    """
    multi: list[tuple[float, int, int, str]] = []
    split: list[tuple[float, int, str]] = []
    single: list[tuple[float, int, str]] = []
    order = [preferred] + [d for d in DELIMITERS if d != preferred]
    for rank, delim in enumerate(order):
        counts = _field_counts(text, delim)
        if not counts:
            continue
        if anchor_row is not None and anchor_row < len(counts):
            target = counts[anchor_row]
        else:
            target = max(set(counts), key=lambda c: (counts.count(c), c))
        consistency = sum(1 for c in counts if c == target) / len(counts)
        if target >= 2 and (anchor_row is not None or consistency >= 0.5):
            multi.append((consistency, target, -rank, delim))
        split.append((sum(1 for c in counts if c >= 2) / len(counts), -rank, delim))
        single.append((consistency, -rank, delim))
    if multi:
        return max(multi)[3]
    if anchor_row is None and split and max(split)[0] >= 0.5:
        return max(split)[2]  # ragged rows, but most of them split on this delimiter
    # One column: the delimiter that splits no row keeps every cell whole.
    return max(single)[2] if single else preferred


def _field_counts(text: str, delim: str) -> list[int]:
    counts: list[int] = []
    reader = csv.reader(io.StringIO(text[:200_000], newline=""), delimiter=delim)
    try:
        for row in reader:
            if len(row) > 1 or (row and row[0].strip()):  # ",," still shows the delimiter
                counts.append(len(row))
            if len(counts) >= _SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted field; the rows read so far still count
    return counts


def open_text(data: bytes, suffix: str, header_row: int | None) -> DecodedText:
    """Decode a delimited file and choose its delimiter."""
    if not data.strip():
        raise IntakeError("The file is empty. Choose a file that has a header row and data rows.")
    text, encoding = decode_bytes(data)
    skip_first = False
    first_line = text.split("\n", 1)[0].strip().strip('"')
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        return DecodedText(text, encoding, first_line[4], True)
    preferred = "\t" if suffix == ".tsv" else ","
    anchor = header_row - 1 if header_row else None
    return DecodedText(text, encoding, detect_delimiter(text, preferred, anchor), skip_first)


def iter_text_rows(decoded: DecodedText, where: str = "The file") -> Iterator[list[str]]:
    """Rows of a decoded file, quoted fields with embedded newlines kept whole.

    Yields one list per *sheet row*: a quoted cell spanning lines is still one row, so the row
    counter follows csv records (what Excel shows) rather than physical lines. A row wider than
    Excel's column limit, more rows than Excel's row limit or more cells than the cell budget
    end the read with an IntakeError before the rows use up memory.
    """
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=decoded.delimiter)
    cells = 0
    try:
        if decoded.skip_first_line:
            next(reader, None)
        for number, row in enumerate(reader, start=1):
            width = len(row)
            if width > limits.MAX_COLUMNS:
                raise limits.too_many_columns(where, number, width)
            cells += width
            if cells > limits.MAX_CELLS:
                raise limits.too_many_cells(where, number, width)
            if number > limits.MAX_ROWS:
                raise limits.too_many_rows(where)
            yield row
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise limits.cell_too_long(where) from exc
        raise IntakeError(
            f"The text file could not be split into rows ({exc}). "
            "Open it in Excel and save it again as .xlsx or CSV."
        ) from exc


def delimiter_name(delim: str) -> str:
    """Plain name of a delimiter for notes."""
    return _DELIMITER_NAMES.get(delim, repr(delim))
