"""Files that are plainly not spreadsheets, known by their first bytes (magic numbers): an
image, a PDF, an archive or a program renamed .xlsx or .csv, or bytes that are no text at all.

Without this, such a file fell through to the text reader and was shown as a garbage preview
decoded as Latin-1.
"""

from __future__ import annotations

from ping_desktop.intake.model import IntakeError

#: Leading bytes -> what the file is, in words.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image (photo)"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image (a scan?)"),
    (b"MM\x00*", "a TIFF image (a scan?)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a compressed (gzip) archive"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed (7-Zip) archive"),
    (b"Rar!\x1a\x07", "a compressed (RAR) archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "a database file"),
)
_NEXT_STEP = (
    "Choose the spreadsheet itself: Excel (.xlsx, .xls), OpenDocument (.ods) or text (.csv)."
)
# Bytes that never appear in text files (tab, line feed, form feed, carriage return and
# Ctrl-Z, which old DOS files end with, are allowed).
_CONTROL = frozenset(set(range(32)) - {9, 10, 12, 13, 26})


def what_it_is(head: bytes) -> str | None:
    """What a file starting with ``head`` is when that is plainly no spreadsheet, else None.
    (RIFF files are named by their form: WebP image, WAV sound, AVI video.)"""
    for magic, words in _SIGNATURES:
        if head.startswith(magic):
            # "BM" and "MZ" are short: a text file could start with them. Real BMP/EXE files
            # have binary bytes soon after.
            if len(magic) <= 2 and not _is_binary(head):
                continue
            return words
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": "a WebP image", b"WAVE": "a sound file",
                b"AVI ": "a video"}.get(head[8:12])
    return None


def _is_binary(head: bytes) -> bool:
    """Whether ``head`` is no text in any encoding the text reader takes (UTF-16 has NULs)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    sample = head[:4096]
    if not sample:
        return False
    if b"\x00" in sample:
        # UTF-16 without a byte order mark: every other byte is NUL for Latin text.
        evens, odds = sample[0::2], sample[1::2]
        return odds.count(0) <= 0.4 * len(odds) and evens.count(0) <= 0.4 * len(evens)
    controls = sum(1 for b in sample if b in _CONTROL)
    return controls > 0.02 * len(sample)


def refuse_non_spreadsheet(name: str, head: bytes) -> None:
    """Raise IntakeError when ``head`` (a file's first bytes, 4 KB is plenty) shows it is no
    spreadsheet: "plan.xlsx is a PNG image, not a spreadsheet. ..."; for bytes that are no
    text, say it is damaged or not a spreadsheet."""
    words = what_it_is(head)
    if words is not None:
        raise IntakeError(f"{name} is {words}, not a spreadsheet. {_NEXT_STEP}")
    if _is_binary(head):
        raise IntakeError(
            f"{name} is damaged or is not a spreadsheet: its content is neither a workbook "
            f"nor text. Open it in Excel to check it, or ask the sender for it again. "
            f"{_NEXT_STEP}")
