"""The run store's SQLite schema as an ordered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied. Migration *n* (1-based) turns a
version n-1 database into version n; each runs inside one ``BEGIN IMMEDIATE`` transaction
together with the ``user_version`` bump, so a kill in the middle leaves the previous version
intact. Released migrations are never edited: a schema change is a new entry at the end.
"""

from __future__ import annotations

import contextlib
import sqlite3

# Version 1: the first release.
_V1 = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        folder TEXT NOT NULL,
        file_name TEXT NOT NULL,
        input_path TEXT NOT NULL,
        input_copy TEXT,
        sheet TEXT,
        header_row INTEGER,
        columns_json TEXT NOT NULL,
        mapping_json TEXT NOT NULL,
        sources_json TEXT NOT NULL,
        api_origin TEXT NOT NULL,
        phase TEXT NOT NULL,
        rows INTEGER NOT NULL DEFAULT 0,
        unique_locations INTEGER NOT NULL DEFAULT 0,
        rows_with_problems INTEGER NOT NULL DEFAULT 0,
        locations_completed INTEGER NOT NULL DEFAULT 0,
        problems INTEGER NOT NULL DEFAULT 0,
        is_demo INTEGER NOT NULL DEFAULT 0,
        message TEXT,
        finished_at TEXT
    )
    """,
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        server_job_id TEXT,
        phase TEXT NOT NULL,
        requested INTEGER NOT NULL DEFAULT 0,
        completed INTEGER NOT NULL DEFAULT 0,
        problems INTEGER NOT NULL DEFAULT 0,
        location_count INTEGER NOT NULL,
        payload_hash TEXT,
        created_at TEXT NOT NULL,
        submitted_at TEXT,
        finished_at TEXT,
        message TEXT
    )
    """,
    "CREATE INDEX jobs_by_run ON jobs(run_id, number)",
    """
    CREATE TABLE job_locations (
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        location_id TEXT NOT NULL,
        -- Sources for this location in this job when they differ from the run's (a retry of
        -- only the sources that failed); NULL means the run's sources.
        sources_json TEXT,
        PRIMARY KEY (job_id, location_id)
    )
    """,
    """
    CREATE TABLE locations (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        location_id TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        first_row INTEGER NOT NULL,
        PRIMARY KEY (run_id, location_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE row_locations (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        row_number INTEGER NOT NULL,
        location_id TEXT,
        PRIMARY KEY (run_id, row_number)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE input_rows (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        row_number INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        PRIMARY KEY (run_id, row_number)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE row_problems (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        row_number INTEGER,
        field TEXT,
        message TEXT NOT NULL,
        severity TEXT NOT NULL
    )
    """,
    "CREATE INDEX row_problems_by_run ON row_problems(run_id, row_number)",
    """
    CREATE TABLE outputs (
        id INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        filename TEXT NOT NULL,
        url TEXT NOT NULL,
        local_path TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        parsed INTEGER NOT NULL DEFAULT 0,
        downloaded_at TEXT NOT NULL,
        UNIQUE (job_id, filename)
    )
    """,
    """
    CREATE TABLE results (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        location_id TEXT NOT NULL,
        source TEXT NOT NULL,
        is_success INTEGER NOT NULL,
        confidence REAL,
        error_message TEXT,
        data_json TEXT NOT NULL,
        job_id INTEGER,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, location_id, source)
    ) WITHOUT ROWID
    """,
)

# Version 2: remember each source's output field order (from GET /datasources), so exports
# lay out result columns the way the API documents them even when reopened offline; and index
# results by job for "what did this job produce" look-ups.
_V2 = (
    "ALTER TABLE runs ADD COLUMN source_fields_json TEXT NOT NULL DEFAULT '{}'",
    "CREATE INDEX results_by_job ON results(job_id)",
)

# Version 3: the result fields each source actually returned, in first-seen order, kept as
# results are stored so an export knows its columns without a second pass over 100k results.
_V3 = ("ALTER TABLE runs ADD COLUMN observed_fields_json TEXT NOT NULL DEFAULT '{}'",)

# Version 4: the sheet rows above the header (titles, "Prepared by", blank lines), one per row
# number from 1, so an export puts them back and the header keeps its row number. Runs stored
# before have none: their export starts at the header, as it always did.
_V4 = (
    """
    CREATE TABLE preamble_rows (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        row_number INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        PRIMARY KEY (run_id, row_number)
    ) WITHOUT ROWID
    """,
)

# Version 5: who works on a run (issue 17, finding 1). One row per run being worked on: the
# owner (host, process id and a random part per engine), when it last said it was alive and
# when its claim ends. Two processes resuming one run sent every job twice; now the second
# one sees the lease and stays away until it is released or has expired.
_V5 = (
    """
    CREATE TABLE run_leases (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        heartbeat_at REAL NOT NULL,
        expires_at REAL NOT NULL
    )
    """,
)

# Version 6: address repairs (issue 12). The repair kinds the user declined before Start, so a
# resume or a re-plan of the stored input sends what the user agreed to; and each row problem's
# kind ("zip_state_mismatch", "po_box", ...) so the Problems sheet and the review can group them.
# Rows stored before have no kind: they are shown under their message, as before.
_V6 = (
    "ALTER TABLE runs ADD COLUMN declined_repairs_json TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE row_problems ADD COLUMN kind TEXT",
)

# Version 7: the needs-review queue (issue 14). Every edit of a row's address made in review,
# kept for good (who, when, what was typed, the payload and problems it made, and the location,
# payload and problems it replaced); rows accepted as they are; and the results of locations
# an edit left without rows, moved here (same columns as ``results``) so the live tables only
# hold what review, export and "retry failed" should see, and nothing is lost.
_V7 = (
    """
    CREATE TABLE row_edits (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        row_number INTEGER NOT NULL,
        fields_json TEXT NOT NULL,
        payload_json TEXT,
        problems_json TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        location_id TEXT,
        job_id INTEGER,
        previous_location_id TEXT,
        previous_payload_json TEXT,
        previous_problems_json TEXT
    )
    """,
    "CREATE INDEX row_edits_by_row ON row_edits(run_id, row_number, id)",
    """
    CREATE TABLE row_reviews (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        row_number INTEGER NOT NULL,
        state TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, row_number)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE superseded_results (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        location_id TEXT NOT NULL,
        source TEXT NOT NULL,
        is_success INTEGER NOT NULL,
        confidence REAL,
        error_message TEXT,
        data_json TEXT NOT NULL,
        job_id INTEGER,
        updated_at TEXT NOT NULL,
        edit_id INTEGER NOT NULL,
        PRIMARY KEY (run_id, location_id, source)
    ) WITHOUT ROWID
    """,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of the app."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations applied to the database behind ``conn``."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, upto: int = LATEST_VERSION) -> int:
    """Apply the pending migrations up to ``upto`` (each in its own transaction); returns the
    version reached. ``conn`` must be in autocommit mode (``isolation_level=None``)."""
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise SchemaTooNewError(
            f"The run history was written by a newer version of Ping Desktop (schema {current}, "
            f"this version understands up to {LATEST_VERSION}). Update Ping Desktop to open it."
        )
    for version in range(current + 1, upto + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-check inside the write lock: another process may have migrated meanwhile.
            if schema_version(conn) >= version:
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (disk full): a second ROLLBACK would fail
            # and hide the error that matters.
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
    return schema_version(conn)
