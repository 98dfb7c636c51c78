"""Plain words for the run store's SQLite failures: disk full, locked, read-only, damaged.

SQLite says "database or disk is full" or "attempt to write a readonly database"; the user
needs to know what that means for their runs and what to do. :func:`classify` turns an
``sqlite3.Error`` into a :class:`StoreProblem`, which is both a
:class:`~ping_desktop.storage.runstore_db.RunStoreError` (``message`` in plain words) and an
``sqlite3.OperationalError`` (code that catches SQLite errors keeps working); the original
error is kept as its ``__cause__`` (``raise ... from exc``) and in ``original``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from ping_desktop.storage.runstore_db import RunStoreError

Kind = Literal["full", "locked", "read-only", "damaged", "unavailable", "other"]

_BY_NAME: dict[str, Kind] = {
    "SQLITE_FULL": "full",
    "SQLITE_IOERR_WRITE": "full",
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_BUSY_SNAPSHOT": "locked",
    "SQLITE_CORRUPT": "damaged",
    "SQLITE_NOTADB": "damaged",
    "SQLITE_CANTOPEN": "unavailable",
}

_BY_TEXT: tuple[tuple[str, Kind], ...] = (
    ("disk is full", "full"),
    ("database is locked", "locked"),
    ("readonly database", "read-only"),
    ("read-only", "read-only"),
    ("malformed", "damaged"),
    ("not a database", "damaged"),
    ("unable to open", "unavailable"),
)


class StoreProblem(RunStoreError, sqlite3.OperationalError):
    """A store failure in plain words; ``kind`` says which, ``original`` is SQLite's error."""

    def __init__(self, message: str, kind: Kind, original: sqlite3.Error) -> None:
        super().__init__(message)
        self.kind = kind
        self.original = original


def kind_of(exc: sqlite3.Error) -> Kind:
    """Which kind of failure ``exc`` is."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith("SQLITE_READONLY"):
        return "read-only"
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith("SQLITE_CORRUPT"):
        return "damaged"
    text = str(exc).lower()
    for words, kind in _BY_TEXT:
        if words in text:
            return kind
    return "other"


def describe(kind: Kind, path: Path, original: sqlite3.Error) -> str:
    """What happened and what to do, for a store at ``path``."""
    where = path.parent
    if kind == "full":
        return (f"The disk holding the run history ({where}) is full, so the last change was "
                "not saved (nothing saved before is lost). Free some space, then resume the run.")
    if kind == "locked":
        return ("The run history is busy: another Ping Desktop window or command is writing to "
                "it and did not finish in time. Wait for it to finish (or close it), then try "
                "again.")
    if kind == "read-only":
        return (f"The run history at {path} cannot be written (the file or its folder is "
                "read-only, or belongs to another user). Make it writable, or set "
                "PING_DESKTOP_HOME to a folder you can write, then try again.")
    if kind == "damaged":
        return (f"The run history at {path} is damaged ({original}). Close Ping Desktop, move "
                "the file aside (with its -wal and -shm files) to start a fresh history; your "
                "input files are unaffected.")
    if kind == "unavailable":
        return (f"The run history at {path} cannot be opened (the folder is missing or not "
                "accessible). Check that the drive is connected and the folder exists.")
    return f"The run history at {path} could not be used ({original}). Try again."


def classify(exc: sqlite3.Error, path: Path) -> StoreProblem:
    """A :class:`StoreProblem` for ``exc`` (raise it ``from exc`` to keep the original)."""
    if isinstance(exc, StoreProblem):
        return exc
    kind = kind_of(exc)
    return StoreProblem(describe(kind, path, exc), kind, exc)
