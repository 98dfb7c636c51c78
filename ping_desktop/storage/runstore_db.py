"""The run store's file, folders and connections: what the read and write parts share.

Durability choices:

* WAL journal: readers (the GUI's tables, an export) never block the engine's writes and a kill
  at any moment leaves the last committed transaction intact.
* ``synchronous=FULL``: every commit is on disk before the call returns, so "the job is marked
  SUBMITTING" or "the server job id is stored" survive a power cut or OS crash too, not only a
  killed process (NORMAL would keep them only across a process kill). Commits are per state
  change, never per row (100k input rows are one transaction), so the cost is a few fsyncs per job.
* One connection per thread (``threading.local``) instead of one shared connection under a lock:
  the engine writes from the event loop's worker threads while the GUI reads from another thread,
  and a streaming ``RunStore.iter_rows`` (its own connection, one read snapshot) must not hold
  a lock that would stall the engine. Writes use ``BEGIN IMMEDIATE`` so two writers queue on
  SQLite's lock (``busy_timeout``) instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Self

from ping_desktop.storage.runstore_codec import now_text
from ping_desktop.storage.runstore_schema import migrate

DB_FILE = "runs.sqlite3"
BUSY_TIMEOUT_MS = 15_000


class RunStoreError(Exception):
    """The store cannot be used; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_store_path() -> Path:
    """``<data dir>/runs.sqlite3`` (honours ``PING_DESKTOP_HOME``)."""
    from ping_desktop.storage.paths import app_paths

    return app_paths().data_dir / DB_FILE


def run_sources(conn: sqlite3.Connection, run_id: int) -> list[str] | None:
    """The run's chosen source codes, in the user's order; None if there is no such run."""
    row = conn.execute("SELECT sources_json FROM runs WHERE id = ?", (run_id,)).fetchone()
    return None if row is None else list(json.loads(row[0]))


def rollback_quietly(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already done so itself.

    On "database or disk is full" (and some I/O errors) SQLite rolls the transaction back on
    its own; a second ROLLBACK then fails with "cannot rollback - no transaction is active",
    which used to replace the error that mattered.
    """
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _is_store_failure(exc: BaseException) -> bool:
    """SQLite errors about the store itself (not a constraint or a misuse, which are bugs)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | RunStoreError)


class ThreadConnections:
    """One SQLite connection per thread, made by ``connect`` on its first use in that thread.

    Used by the store and by the review queries: a connection must not serve two threads at
    once, and giving each thread its own lets the GUI read while the engine writes.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened now if it has none."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def open_now(self) -> list[sqlite3.Connection]:
        """The connections made and not yet closed by :meth:`close_all`."""
        with self._lock:
            return list(self._all)

    def close_all(self) -> None:
        """Close every connection made so far, whichever thread opened it."""
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()


class StoreBase:
    """The store's file and run folders, and one SQLite connection per thread."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.runs_dir = self.path.parent / "runs"
        self._connections = ThreadConnections(self._open)
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self._conn())
        except sqlite3.DatabaseError as exc:
            raise self._problem(exc) from exc
        except RuntimeError as exc:  # SchemaTooNewError
            raise RunStoreError(str(exc)) from exc

    def __repr__(self) -> str:
        return f"RunStore(path={str(self.path)!r})"

    # -- connections -------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise RunStoreError("The run history is closed.")
        return self._connections.get()

    def _one(self, sql: str, args: tuple[object, ...], key: int) -> sqlite3.Row:
        """The single row ``sql`` selects; KeyError(``key``) when there is none."""
        row: sqlite3.Row | None = self._conn().execute(sql, args).fetchone()
        if row is None:
            raise KeyError(key)
        return row

    def _problem(self, exc: sqlite3.Error) -> RunStoreError:
        """``exc`` in plain words (disk full, locked, read-only, damaged); raise it ``from``
        ``exc`` so SQLite's own error stays attached."""
        from ping_desktop.storage.store_errors import classify

        return classify(exc, self.path)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed (and synced) on exit, rolled back on error.

        A store failure (disk full, locked, read-only, damaged) comes out as a
        :class:`~ping_desktop.storage.store_errors.StoreProblem` chained to SQLite's error.
        """
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._problem(exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            rollback_quietly(conn)
            if isinstance(exc, sqlite3.DatabaseError) and _is_store_failure(exc):
                raise self._problem(exc) from exc
            raise

    def close(self) -> None:
        """Close every connection this store opened (any thread)."""
        self._closed = True
        self._connections.close_all()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- run folders -------------------------------------------------------------------------

    def new_run_folder(self) -> Path:
        """Create and return an empty, uniquely named folder for a run that is about to exist."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        stamp = now_text()[:19].replace(":", "").replace("-", "")
        folder = self.runs_dir / f"run-{stamp}-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        return folder

    def run_folder(self, run_id: int) -> Path:
        """The folder holding the run's input copy, mapping and raw outputs."""
        row = self._one("SELECT folder FROM runs WHERE id = ?", (run_id,), run_id)
        return self.runs_dir / str(row["folder"])
