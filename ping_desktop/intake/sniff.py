"""What a file really is, from its first bytes (extensions lie: HTML saved as .xls, etc.)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from ping_desktop.intake.magic import refuse_non_spreadsheet
from ping_desktop.intake.model import IntakeError

Kind = Literal["xlsx", "xlsb", "ods", "xls", "text", "encrypted", "html"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES + TEXT_SUFFIXES
SUPPORTED_TEXT = (
    "Excel (.xlsx, .xlsm, .xls, .xlsb), OpenDocument (.ods) and text (.csv, .tsv, .txt)"
)

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Password-protected xlsx/xlsm/xlsb files are OLE compound files holding these streams.
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_CHUNK = 1 << 20


def check_suffix(path: Path) -> str:
    """The lower-case suffix, or IntakeError naming the formats that work."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        what = f'"{path.suffix}" files' if path.suffix else "files without an extension"
        raise IntakeError(
            f"{what.capitalize()} cannot be read. Use {SUPPORTED_TEXT}; "
            "in Excel, File > Save As can convert most spreadsheets to .xlsx."
        )
    return suffix


def sniff(path: Path) -> Kind:
    """Classify a file by content; raises IntakeError for empty or unreadable files."""
    head = read_head(path, 8)
    if not head:
        raise IntakeError(
            f"{path.name} is empty (0 bytes). Choose the saved spreadsheet, not a new or "
            "still-downloading file."
        )
    if head.startswith(b"PK"):
        return _zip_kind(path)
    if head.startswith(CFB_SIGNATURE):
        return "encrypted" if _has_encryption_stream(path) else "xls"
    first = read_head(path, 4096)
    # An image, a PDF, an archive or random bytes renamed .xlsx/.csv: say what it is, rather
    # than read it as Latin-1 text and show a garbage preview.
    refuse_non_spreadsheet(path.name, first)
    start = first[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        return "html"
    return "text"


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes; OS errors become plain IntakeErrors."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise os_error(path, exc) from exc


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise corrupt(path) from exc
    except OSError as exc:
        raise os_error(path, exc) from exc
    if "mimetype" in names or "content.xml" in names:
        return "ods"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise IntakeError(
        f"{path.name} is a zip archive but not a spreadsheet. Open it, take the spreadsheet out "
        f"and use that; {SUPPORTED_TEXT} work."
    )


def _has_encryption_stream(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            tail = b""
            while chunk := fh.read(_CHUNK):
                block = tail + chunk
                if any(name in block for name in _ENCRYPTION_STREAMS):
                    return True
                tail = block[-64:]
    except OSError as exc:
        raise os_error(path, exc) from exc
    return False


def corrupt(path: Path) -> IntakeError:
    """The message for a damaged or truncated workbook."""
    return IntakeError(
        f"{path.name} is damaged or incomplete (it may not have finished downloading or "
        "copying). Open it in Excel to repair it and save a new copy, or ask the sender again."
    )


def encrypted(path: Path) -> IntakeError:
    """The message for a password-protected workbook."""
    return IntakeError(
        f"{path.name} is protected with a password. Open it in Excel, remove the password "
        "(File > Info > Protect Workbook > Encrypt with Password, then clear it), save, and "
        "try again."
    )


def os_error(path: Path, exc: OSError) -> IntakeError:
    """Plain messages for missing, locked or unreadable files."""
    if isinstance(exc, FileNotFoundError):
        return IntakeError(f"{path} does not exist. Check the file name and folder.")
    if isinstance(exc, IsADirectoryError):
        return IntakeError(f"{path} is a folder. Choose a spreadsheet file inside it.")
    if isinstance(exc, PermissionError):
        return IntakeError(
            f"{path.name} cannot be opened: it is locked or you do not have permission to read "
            "it. If it is open in Excel or another program, close it there and try again."
        )
    return IntakeError(f"{path.name} could not be read ({exc.strerror or exc}). Try again.")
