"""The SQLite store of runs, jobs, outputs and results: what makes a run survive anything.

Durability choices:

* WAL journal: readers (the GUI's tables, an export) never block the engine's writes and a kill
  at any moment leaves the last committed transaction intact.
* ``synchronous=FULL``: every commit is on disk before the call returns, so "the job is marked
  SUBMITTING" or "the server job id is stored" survive a power cut or OS crash too, not only a
  killed process (NORMAL would keep them only across a process kill). Commits are per state
  change, never per row (100k input rows are one transaction), so the cost is a few fsyncs per job.
* One connection per thread (``threading.local``) instead of one shared connection under a lock:
  the engine writes from the event loop's worker threads while the GUI reads from another thread,
  and a streaming :meth:`RunStore.iter_rows` (its own connection, one read snapshot) must not hold
  a lock that would stall the engine. Writes use ``BEGIN IMMEDIATE`` so two writers queue on
  SQLite's lock (``busy_timeout``) instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.storage.runstore_codec import (
    CellValue,
    decode_cells,
    now_text,
    parse_time,
)
from ping_desktop.storage.runstore_records import (
    JobRecord,
    OutputRecord,
    PlannedJob,
    RowProblem,
    RunRecord,
    SourceResult,
)
from ping_desktop.storage.runstore_schema import migrate
from ping_desktop.storage.runstore_writes import RunStoreWrites

__all__ = [
    "CellValue",
    "JobRecord",
    "OutputRecord",
    "PlannedJob",
    "RowProblem",
    "RunRecord",
    "RunStore",
    "RunStoreError",
    "SourceResult",
]

DB_FILE = "runs.sqlite3"
#: One result of :meth:`RunStore.iter_rows_raw`: is_success, confidence, error, data.
RawResult = tuple[bool, float | None, str | None, dict[str, Any]]
RawRow = tuple[int, tuple[CellValue, ...], dict[str, RawResult]]
_plain_decoder = json.JSONDecoder()
BUSY_TIMEOUT_MS = 15_000
FINAL_JOB_PHASES = tuple(p.value for p in JobPhase if p.is_final)
UNFINISHED_RUN_PHASES = (
    RunPhase.READY.value,
    RunPhase.RUNNING.value,
    RunPhase.PAUSED.value,
    RunPhase.NEEDS_ATTENTION.value,
)

# Only "?" placeholders are formatted into the SQL text; values are always bound.
_RUN_SELECT = f"""
    SELECT r.*,
        (SELECT count(*) FROM jobs j WHERE j.run_id = r.id) AS jobs_total,
        (SELECT count(*) FROM jobs j WHERE j.run_id = r.id
            AND j.phase IN ({",".join("?" * len(FINAL_JOB_PHASES))})) AS jobs_done
    FROM runs r
"""  # noqa: S608


class RunStoreError(Exception):
    """The store cannot be used; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_store_path() -> Path:
    """``<data dir>/runs.sqlite3`` (honours ``PING_DESKTOP_HOME``)."""
    from ping_desktop.storage.paths import app_paths

    return app_paths().data_dir / DB_FILE


class RunStore(RunStoreWrites):
    """Runs, jobs, outputs and results in one SQLite file; safe to use from several threads."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.runs_dir = self.path.parent / "runs"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self._conn())
        except sqlite3.DatabaseError as exc:
            raise RunStoreError(
                f"The run history at {self.path} cannot be opened ({exc}). "
                "Move the file aside to start a fresh history; your input files are unaffected."
            ) from exc
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
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed (and synced) on exit, rolled back on error."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection this store opened (any thread)."""
        with self._all_lock:
            self._closed = True
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs --------------------------------------------------------------------------------

    def new_run_folder(self) -> Path:
        """Create and return an empty, uniquely named folder for a run that is about to exist."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        stamp = now_text()[:19].replace(":", "").replace("-", "")
        folder = self.runs_dir / f"run-{stamp}-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        return folder

    def run_folder(self, run_id: int) -> Path:
        """The folder holding the run's input copy, mapping and raw outputs."""
        row = self._conn().execute("SELECT folder FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(run_id)
        return self.runs_dir / str(row["folder"])

    def _run_record(self, row: sqlite3.Row) -> RunRecord:
        fields = json.loads(row["source_fields_json"] or "{}")
        copy = row["input_copy"]
        return RunRecord(
            id=int(row["id"]),
            created_at=parse_time(row["created_at"]) or parse_time(now_text()),  # type: ignore[arg-type]
            file_name=row["file_name"],
            input_path=Path(row["input_path"]),
            input_copy=(self.runs_dir / row["folder"] / copy) if copy else None,
            sheet=row["sheet"],
            header_row=row["header_row"],
            columns=tuple(json.loads(row["columns_json"])),
            mapping=json.loads(row["mapping_json"]),
            sources=tuple(json.loads(row["sources_json"])),
            api_origin=row["api_origin"],
            phase=RunPhase(row["phase"]),
            rows=int(row["rows"]),
            unique_locations=int(row["unique_locations"]),
            rows_with_problems=int(row["rows_with_problems"]),
            jobs_total=int(row["jobs_total"]),
            jobs_done=int(row["jobs_done"]),
            locations_completed=int(row["locations_completed"]),
            problems=int(row["problems"]),
            is_demo=bool(row["is_demo"]),
            message=row["message"],
            finished_at=parse_time(row["finished_at"]),
            source_fields={k: tuple(v) for k, v in fields.items()},
            observed_fields={
                k: tuple(v) for k, v in json.loads(row["observed_fields_json"] or "{}").items()
            },
        )

    def get_run(self, run_id: int) -> RunRecord:
        """The run with id ``run_id``; raises KeyError if there is none."""
        row = (
            self._conn()
            .execute(_RUN_SELECT + " WHERE r.id = ?", (*FINAL_JOB_PHASES, run_id))
            .fetchone()
        )
        if row is None:
            raise KeyError(run_id)
        return self._run_record(row)

    def list_runs(self) -> list[RunRecord]:
        """Every run, newest first."""
        rows = self._conn().execute(_RUN_SELECT + " ORDER BY r.id DESC", FINAL_JOB_PHASES)
        return [self._run_record(r) for r in rows.fetchall()]

    def unfinished_runs(self) -> list[RunRecord]:
        """Runs that have not reached a final phase (to resume), oldest first."""
        marks = ",".join("?" * len(UNFINISHED_RUN_PHASES))
        rows = self._conn().execute(
            _RUN_SELECT + f" WHERE r.phase IN ({marks}) ORDER BY r.id",
            (*FINAL_JOB_PHASES, *UNFINISHED_RUN_PHASES),
        )
        return [self._run_record(r) for r in rows.fetchall()]

    def delete_run(self, run_id: int) -> None:
        """Forget a run and delete its folder (input copy and raw outputs)."""
        try:
            folder: Path | None = self.run_folder(run_id)
        except KeyError:
            folder = None
        with self._write() as conn:
            conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        if folder is not None and folder.is_dir() and folder.parent == self.runs_dir:
            shutil.rmtree(folder, ignore_errors=True)

    def columns(self, run_id: int) -> tuple[str, ...]:
        """The run's input column headers, in sheet order."""
        row = self._conn().execute(
            "SELECT columns_json FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise KeyError(run_id)
        return tuple(json.loads(row["columns_json"]))

    # -- jobs --------------------------------------------------------------------------------

    @staticmethod
    def _job_record(row: sqlite3.Row) -> JobRecord:
        return JobRecord(
            id=int(row["id"]),
            run_id=int(row["run_id"]),
            number=int(row["number"]),
            server_job_id=row["server_job_id"],
            phase=JobPhase(row["phase"]),
            requested=int(row["requested"]),
            completed=int(row["completed"]),
            problems=int(row["problems"]),
            location_count=int(row["location_count"]),
            submitted_at=parse_time(row["submitted_at"]),
            finished_at=parse_time(row["finished_at"]),
            message=row["message"],
            payload_hash=row["payload_hash"],
            created_at=parse_time(row["created_at"]),
        )

    def jobs(self, run_id: int) -> list[JobRecord]:
        """The run's jobs in number order."""
        rows = self._conn().execute(
            "SELECT * FROM jobs WHERE run_id = ? ORDER BY number, id", (run_id,)
        )
        return [self._job_record(r) for r in rows.fetchall()]

    def get_job(self, job_id: int) -> JobRecord:
        """One job by local id; raises KeyError if there is none."""
        row = self._conn().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(job_id)
        return self._job_record(row)

    def job_payloads(self, job_id: int) -> list[dict[str, Any]]:
        """The location objects to POST for a job, each with its ``id`` (and ``sources`` when
        this job asks for other sources than the run's)."""
        return self.job_payloads_and_digest(job_id, ())[0]

    def job_payloads_and_digest(
        self, job_id: int, sources: Sequence[str]
    ) -> tuple[list[dict[str, Any]], str]:
        """:meth:`job_payloads`, plus a SHA-256 fingerprint of the job's request (``sources``,
        then each location's id, source override and stored payload, in order): it shows
        whether a job sent again after an uncertain submission asked for the same thing. Taken
        from the stored text, which fixes the request exactly, so no second JSON encoding of
        5,000 locations is needed (~60 ms a job)."""
        rows = self._conn().execute(
            """SELECT jl.location_id, jl.sources_json, l.payload_json
               FROM job_locations jl JOIN jobs j ON j.id = jl.job_id
               JOIN locations l ON l.run_id = j.run_id AND l.location_id = jl.location_id
               WHERE jl.job_id = ? ORDER BY jl.rowid""",
            (job_id,),
        ).fetchall()
        # One json.loads of the whole list: 5,000 separate calls cost several times more.
        bodies: list[dict[str, Any]] = json.loads("[" + ",".join(r[2] for r in rows) + "]")
        payloads: list[dict[str, Any]] = []
        for (location_id, override, _), body in zip(rows, bodies, strict=True):
            body.pop("id", None)
            payload = {"id": location_id, **body}
            if override:
                payload["sources"] = json.loads(override)
            payloads.append(payload)
        digest = hashlib.sha256(json.dumps(list(sources)).encode("utf-8"))
        for location_id, override, text in rows:
            digest.update(f"\n{location_id}\t{override or ''}\t{text}".encode())
        return payloads, digest.hexdigest()

    def job_source_overrides(self, job_id: int) -> dict[str, tuple[str, ...]]:
        """The job's locations that ask for other sources than the run's (a retry of only the
        sources that failed), with those sources; usually empty."""
        rows = self._conn().execute(
            "SELECT location_id, sources_json FROM job_locations"
            " WHERE job_id = ? AND sources_json IS NOT NULL",
            (job_id,),
        )
        return {str(r[0]): tuple(json.loads(r[1])) for r in rows}

    def job_location_ids(self, job_id: int) -> list[str]:
        """The location ids of a job, in submission order."""
        rows = self._conn().execute(
            "SELECT location_id FROM job_locations WHERE job_id = ? ORDER BY rowid", (job_id,)
        )
        return [str(r[0]) for r in rows]

    def outputs(self, job_id: int) -> list[OutputRecord]:
        """The job's downloaded outputs."""
        rows = self._conn().execute("SELECT * FROM outputs WHERE job_id = ? ORDER BY id", (job_id,))
        return [
            OutputRecord(
                id=int(r["id"]),
                job_id=int(r["job_id"]),
                filename=r["filename"],
                url=r["url"],
                local_path=Path(r["local_path"]),
                size=int(r["size"]),
                sha256=r["sha256"],
                parsed=bool(r["parsed"]),
            )
            for r in rows.fetchall()
        ]

    def output_files(self, run_id: int) -> list[Path]:
        """Every downloaded raw output file of the run, in job order."""
        rows = self._conn().execute(
            """SELECT o.local_path FROM outputs o JOIN jobs j ON j.id = o.job_id
               WHERE j.run_id = ? ORDER BY j.number, o.id""",
            (run_id,),
        )
        return [Path(r[0]) for r in rows]

    # -- rows and results --------------------------------------------------------------------

    def iter_rows(
        self, run_id: int
    ) -> Iterator[tuple[int, tuple[CellValue, ...], dict[str, SourceResult]]]:
        """Every input row in sheet order with its results by source, streamed from one read
        snapshot (its own connection, so a long export never blocks the engine)."""
        for row_number, values, raw in self.iter_rows_raw(run_id):
            yield row_number, values, {
                source: SourceResult(source, ok, conf, err, data)
                for source, (ok, conf, err, data) in raw.items()
            }

    def iter_rows_raw(self, run_id: int) -> Iterator[RawRow]:
        """:meth:`iter_rows` without the record objects: each result is a plain tuple
        ``(is_success, confidence, error_message, data)``. The export's fast path."""
        conn = self._open()
        try:
            cursor = conn.execute(
                """SELECT ir.row_number, ir.values_json, r.source, r.is_success, r.confidence,
                          r.error_message, r.data_json
                   FROM input_rows ir
                   LEFT JOIN row_locations rl
                        ON rl.run_id = ir.run_id AND rl.row_number = ir.row_number
                   LEFT JOIN results r
                        ON r.run_id = ir.run_id AND r.location_id = rl.location_id
                   WHERE ir.run_id = ? ORDER BY ir.row_number""",
                (run_id,),
            )
            cursor.row_factory = None  # plain tuples: this loop runs 100k+ times
            current: int | None = None
            values: tuple[CellValue, ...] = ()
            results: dict[str, RawResult] = {}
            loads = _plain_decoder.decode
            for row_number, values_json, source, ok, conf, err, data in cursor:
                if row_number != current:
                    if current is not None:
                        yield current, values, results
                    current = row_number
                    values = decode_cells(values_json)
                    results = {}
                if source is not None:
                    results[source] = (bool(ok), conf, err, loads(data))
            if current is not None:
                yield current, values, results
        finally:
            conn.close()

    def preamble(self, run_id: int) -> tuple[tuple[CellValue, ...], ...]:
        """The sheet rows above the header, row 1 first (blank rows as ``()``); empty for a run
        whose header was on row 1 or that was stored before these rows were kept."""
        rows = self._conn().execute(
            "SELECT row_number, values_json FROM preamble_rows WHERE run_id = ? "
            "ORDER BY row_number",
            (run_id,),
        ).fetchall()
        return tuple(decode_cells(r[1]) for r in rows)

    def results_for_row(self, run_id: int, row_number: int) -> dict[str, SourceResult]:
        """The results of one input row by source (empty when it has none yet)."""
        rows = self._conn().execute(
            """SELECT r.source, r.is_success, r.confidence, r.error_message, r.data_json
               FROM row_locations rl JOIN results r
                    ON r.run_id = rl.run_id AND r.location_id = rl.location_id
               WHERE rl.run_id = ? AND rl.row_number = ? ORDER BY r.source""",
            (run_id, row_number),
        )
        return {
            r[0]: SourceResult(r[0], bool(r[1]), r[2], r[3], json.loads(r[4]))
            for r in rows.fetchall()
        }

    def row_values(self, run_id: int, row_number: int) -> tuple[CellValue, ...] | None:
        """One input row's original values (None if the row is not in the run)."""
        row = self._conn().execute(
            "SELECT values_json FROM input_rows WHERE run_id = ? AND row_number = ?",
            (run_id, row_number),
        ).fetchone()
        return None if row is None else decode_cells(row[0])

    def row_problems(self, run_id: int) -> list[RowProblem]:
        """Intake problems of the run, by row."""
        rows = self._conn().execute(
            """SELECT row_number, field, message, severity FROM row_problems
               WHERE run_id = ? ORDER BY row_number IS NULL DESC, row_number, id""",
            (run_id,),
        )
        return [RowProblem(r[0], r[1], r[2], r[3]) for r in rows.fetchall()]

    def rows_missing_results(self, run_id: int) -> Iterator[tuple[int, str]]:
        """(row_number, source) for every row with a location but no result from one of the
        run's sources, in row order."""
        sources = self.get_run(run_id).sources
        conn = self._open()
        try:
            for source in sources:
                cursor = conn.execute(
                    """SELECT rl.row_number FROM row_locations rl LEFT JOIN results r
                           ON r.run_id = rl.run_id AND r.location_id = rl.location_id
                              AND r.source = ?
                       WHERE rl.run_id = ? AND rl.location_id IS NOT NULL AND r.source IS NULL
                       ORDER BY rl.row_number""",
                    (source, run_id),
                )
                cursor.row_factory = None
                for (row_number,) in cursor:
                    yield int(row_number), source
        finally:
            conn.close()

    def failed_results(self, run_id: int) -> Iterator[tuple[int, str, str | None]]:
        """(row_number, source, error message) for every row whose location has a failed
        result, in row order (for the Problems list)."""
        conn = self._open()
        try:
            cursor = conn.execute(
                """SELECT rl.row_number, r.source, r.error_message
                   FROM results r JOIN row_locations rl
                        ON rl.run_id = r.run_id AND rl.location_id = r.location_id
                   WHERE r.run_id = ? AND r.is_success = 0
                   ORDER BY rl.row_number, r.source""",
                (run_id,),
            )
            cursor.row_factory = None
            yield from cursor
        finally:
            conn.close()
