"""The run store's write operations; each is one transaction, committed before it returns."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.storage.runstore_codec import CellValue, encode_cells, encode_json, now_text
from ping_desktop.storage.runstore_records import PlannedJob, RowProblem, SourceResult

_UNSET: Any = object()
# Jobs whose locations may still get results (or whose fate the user has not decided): their
# locations are never sent again by "retry failed rows".
_BUSY_JOB_PHASES = (
    JobPhase.WAITING.value,
    JobPhase.SUBMITTING.value,
    JobPhase.PENDING.value,
    JobPhase.QUEUED.value,
    JobPhase.IN_PROGRESS.value,
    JobPhase.DOWNLOADING.value,
    JobPhase.UNCERTAIN.value,
)
_ROW_CHUNK = 5000


def _chunks(items: Iterable[Any], size: int = _ROW_CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class RunStoreWrites:
    """Mixin of :class:`RunStore` holding every method that changes the database."""

    runs_dir: Path

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _conn(self) -> sqlite3.Connection:
        raise NotImplementedError

    # -- runs --------------------------------------------------------------------------------

    def create_run(
        self,
        *,
        folder: Path,
        file_name: str,
        input_path: Path,
        input_copy: Path | None,
        sheet: str | None,
        header_row: int | None,
        columns: Sequence[str],
        mapping: Mapping[str, Any],
        sources: Sequence[str],
        api_origin: str,
        rows: Iterable[tuple[int, Sequence[CellValue]]],
        row_locations: Iterable[tuple[int, str | None]],
        locations: Iterable[tuple[str, Mapping[str, Any], int]],
        jobs: Sequence[PlannedJob],
        problems: Iterable[RowProblem] = (),
        is_demo: bool = False,
        source_fields: Mapping[str, Sequence[str]] | None = None,
        preamble: Sequence[Sequence[CellValue]] = (),
    ) -> int:
        """Store a planned run in one transaction (all of it or nothing); returns its id.

        ``folder`` is the run's folder (from :meth:`RunStore.new_run_folder`); ``input_copy``
        is the copy of the input file inside it. ``preamble`` is the sheet rows above the
        header, row 1 first (blank rows as empty sequences).
        """
        copy_name = input_copy.name if input_copy is not None else None
        with self._write() as conn:
            cur = conn.execute(
                """INSERT INTO runs (created_at, folder, file_name, input_path, input_copy, sheet,
                       header_row, columns_json, mapping_json, sources_json, api_origin, phase,
                       is_demo, source_fields_json)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    now_text(), folder.name, file_name, str(input_path), copy_name, sheet,
                    header_row, encode_json(list(columns)), encode_json(dict(mapping)),
                    encode_json(list(sources)), api_origin, RunPhase.READY.value, int(is_demo),
                    encode_json({k: list(v) for k, v in (source_fields or {}).items()}),
                ),
            )
            run_id = int(cur.lastrowid or 0)
            n_rows = 0
            for batch in _chunks(rows):
                conn.executemany(
                    "INSERT INTO input_rows (run_id, row_number, values_json) VALUES (?,?,?)",
                    [(run_id, number, encode_cells(values)) for number, values in batch],
                )
                n_rows += len(batch)
            conn.executemany(
                "INSERT INTO preamble_rows (run_id, row_number, values_json) VALUES (?,?,?)",
                [(run_id, number, encode_cells(values))
                 for number, values in enumerate(preamble, start=1)],
            )
            for batch in _chunks(row_locations):
                conn.executemany(
                    "INSERT INTO row_locations (run_id, row_number, location_id) VALUES (?,?,?)",
                    [(run_id, number, loc) for number, loc in batch],
                )
            n_locations = 0
            for batch in _chunks(locations):
                conn.executemany(
                    """INSERT INTO locations (run_id, location_id, payload_json, first_row)
                       VALUES (?,?,?,?)""",
                    [(run_id, loc, encode_json(dict(payload)), first) for loc, payload, first
                     in batch],
                )
                n_locations += len(batch)
            problem_rows: set[int] = set()
            for batch in _chunks(problems):
                conn.executemany(
                    """INSERT INTO row_problems (run_id, row_number, field, message, severity)
                       VALUES (?,?,?,?,?)""",
                    [(run_id, p.row_number, p.field, p.message, p.severity) for p in batch],
                )
                problem_rows.update(
                    p.row_number for p in batch
                    if p.row_number is not None and p.severity == "error"
                )
            self._insert_jobs(conn, run_id, jobs, first_number=1)
            conn.execute(
                """UPDATE runs SET rows = ?, unique_locations = ?, rows_with_problems = ?
                   WHERE id = ?""",
                (n_rows, n_locations, len(problem_rows), run_id),
            )
        return run_id

    def set_run_phase(self, run_id: int, phase: RunPhase, message: str | None = None) -> None:
        """Change a run's phase and message (a final phase also stamps ``finished_at``)."""
        finished = now_text() if phase.is_final else None
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET phase = ?, message = ?, finished_at = ? WHERE id = ?",
                (phase.value, message, finished, run_id),
            )

    def set_source_fields(self, run_id: int, source_fields: Mapping[str, Sequence[str]]) -> None:
        """Remember each source's output field order (from GET /datasources)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET source_fields_json = ? WHERE id = ?",
                (encode_json({k: list(v) for k, v in source_fields.items()}), run_id),
            )

    def refresh_run_counters(self, run_id: int) -> None:
        """Recount locations with results, and locations lacking a successful result for one of
        the run's sources (a failure, or a source missing from the output)."""
        with self._write() as conn:
            self._refresh_counters(conn, run_id)

    @staticmethod
    def _refresh_counters(conn: sqlite3.Connection, run_id: int) -> None:
        row = conn.execute("SELECT sources_json FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            return
        sources = json.loads(row[0])
        marks = ",".join("?" * len(sources)) or "NULL"
        conn.execute(
            # Only "?" placeholders are formatted into the SQL; values are bound.
            f"""UPDATE runs SET
                  locations_completed = (SELECT count(DISTINCT location_id) FROM results
                                         WHERE run_id = ?),
                  problems = (SELECT count(*) FROM (
                      SELECT location_id FROM results WHERE run_id = ? GROUP BY location_id
                      HAVING sum(is_success AND source IN ({marks})) < ?))
                WHERE id = ?""",  # noqa: S608
            (run_id, run_id, *sources, len(sources), run_id),
        )

    # -- jobs --------------------------------------------------------------------------------

    @staticmethod
    def _insert_jobs(
        conn: sqlite3.Connection, run_id: int, jobs: Sequence[PlannedJob], first_number: int
    ) -> list[int]:
        ids: list[int] = []
        created = now_text()
        for offset, job in enumerate(jobs):
            cur = conn.execute(
                """INSERT INTO jobs (run_id, number, phase, location_count, requested, created_at)
                   VALUES (?,?,?,?,?,?)""",
                (run_id, first_number + offset, JobPhase.WAITING.value, len(job.location_ids),
                 len(job.location_ids), created),
            )
            job_id = int(cur.lastrowid or 0)
            ids.append(job_id)
            sources = job.sources or (None,) * len(job.location_ids)
            conn.executemany(
                "INSERT INTO job_locations (job_id, location_id, sources_json) VALUES (?,?,?)",
                [
                    (job_id, loc, encode_json(list(src)) if src is not None else None)
                    for loc, src in zip(job.location_ids, sources, strict=True)
                ],
            )
        return ids

    def add_jobs(self, run_id: int, jobs: Sequence[PlannedJob]) -> list[int]:
        """Append new WAITING jobs to a run (numbered after its last job); returns their ids."""
        with self._write() as conn:
            top = conn.execute(
                "SELECT coalesce(max(number), 0) FROM jobs WHERE run_id = ?", (run_id,)
            ).fetchone()[0]
            return self._insert_jobs(conn, run_id, jobs, first_number=int(top) + 1)

    def split_job(self, job_id: int, pieces: Sequence[Sequence[str]]) -> list[int]:
        """Split an unsent job: it keeps the first piece, the others become new jobs at the end
        of the run. Returns the ids of every piece, the original first."""
        with self._write() as conn:
            row = conn.execute("SELECT run_id, phase FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise KeyError(job_id)
            if row[1] not in (JobPhase.WAITING.value, JobPhase.SUBMITTING.value):
                raise ValueError(f"Job {job_id} was already sent; it cannot be split.")
            run_id = int(row[0])
            overrides = {
                r[0]: r[1]
                for r in conn.execute(
                    "SELECT location_id, sources_json FROM job_locations WHERE job_id = ?",
                    (job_id,),
                )
            }
            conn.execute("DELETE FROM job_locations WHERE job_id = ?", (job_id,))
            first = list(pieces[0])
            conn.executemany(
                "INSERT INTO job_locations (job_id, location_id, sources_json) VALUES (?,?,?)",
                [(job_id, loc, overrides.get(loc)) for loc in first],
            )
            conn.execute(
                """UPDATE jobs SET phase = ?, location_count = ?, requested = ?,
                       payload_hash = NULL, message = NULL WHERE id = ?""",
                (JobPhase.WAITING.value, len(first), len(first), job_id),
            )
            top = int(conn.execute(
                "SELECT max(number) FROM jobs WHERE run_id = ?", (run_id,)
            ).fetchone()[0])
            rest = [
                PlannedJob(
                    tuple(piece),
                    tuple(
                        tuple(json.loads(overrides[loc])) if overrides.get(loc) else None
                        for loc in piece
                    ),
                )
                for piece in pieces[1:]
            ]
            return [job_id, *self._insert_jobs(conn, run_id, rest, first_number=top + 1)]

    def mark_job_submitting(self, job_id: int, payload_hash: str) -> None:
        """Record that the POST for this job is about to be sent (before sending it)."""
        with self._write() as conn:
            conn.execute(
                """UPDATE jobs SET phase = ?, payload_hash = ?, submitted_at = ?, message = NULL
                   WHERE id = ?""",
                (JobPhase.SUBMITTING.value, payload_hash, now_text(), job_id),
            )

    def set_job_submitted(self, job_id: int, server_job_id: str) -> None:
        """Store the server's job id the moment it is known."""
        with self._write() as conn:
            conn.execute(
                "UPDATE jobs SET server_job_id = ?, phase = ? WHERE id = ?",
                (server_job_id, JobPhase.PENDING.value, job_id),
            )

    def update_job(
        self,
        job_id: int,
        *,
        phase: JobPhase | None = None,
        requested: int | None = None,
        completed: int | None = None,
        problems: int | None = None,
        message: str | None = _UNSET,
        server_job_id: str | None = _UNSET,
    ) -> None:
        """Change some of a job's fields (those given); a final phase stamps ``finished_at``."""
        sets: list[str] = []
        args: list[Any] = []
        for name, value in (("requested", requested), ("completed", completed),
                            ("problems", problems)):
            if value is not None:
                sets.append(f"{name} = ?")
                args.append(int(value))
        if phase is not None:
            sets.append("phase = ?")
            args.append(phase.value)
            sets.append("finished_at = ?")
            args.append(now_text() if phase.is_final else None)
        if message is not _UNSET:
            sets.append("message = ?")
            args.append(message)
        if server_job_id is not _UNSET:
            sets.append("server_job_id = ?")
            args.append(server_job_id)
        if not sets:
            return
        with self._write() as conn:
            # Column names come from this function, never from callers' strings.
            sql = f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?"  # noqa: S608
            conn.execute(sql, (*args, job_id))

    # -- outputs and results -----------------------------------------------------------------

    def record_output(
        self, job_id: int, filename: str, url: str, local_path: Path, size: int, sha256: str
    ) -> int:
        """Record a verified downloaded output (replacing an earlier record of the same file)."""
        with self._write() as conn:
            conn.execute(
                """INSERT INTO outputs (job_id, filename, url, local_path, size, sha256, parsed,
                       downloaded_at) VALUES (?,?,?,?,?,?,0,?)
                   ON CONFLICT (job_id, filename) DO UPDATE SET url = excluded.url,
                       local_path = excluded.local_path, size = excluded.size,
                       sha256 = excluded.sha256, parsed = 0,
                       downloaded_at = excluded.downloaded_at""",
                (job_id, filename, url, str(local_path), size, sha256, now_text()),
            )
            row = conn.execute(
                "SELECT id FROM outputs WHERE job_id = ? AND filename = ?", (job_id, filename)
            ).fetchone()
            return int(row[0])

    def store_results(
        self,
        run_id: int,
        job_id: int,
        output_id: int | None,
        results: Iterable[tuple[str, SourceResult]],
    ) -> int:
        """Upsert parsed results ((location id, result) pairs; newer replace older) and mark the
        output parsed, in one transaction. Returns the number of results stored."""
        observed: dict[str, dict[str, None]] = {}
        rows: list[tuple[str, str, bool, float | None, str | None, str]] = []
        for loc, r in results:
            keys = observed.get(r.source)
            if keys is None:
                keys = observed[r.source] = {}
            keys.update(dict.fromkeys(r.data))
            rows.append((loc, r.source, r.is_success, r.confidence, r.error_message,
                         encode_json(r.data)))
        return self.store_result_rows(run_id, job_id, output_id, rows, observed)

    def store_result_rows(
        self,
        run_id: int,
        job_id: int,
        output_id: int | None,
        rows: Sequence[tuple[str, str, bool, float | None, str | None, str]],
        observed: Mapping[str, Mapping[str, None]],
    ) -> int:
        """Like :meth:`store_results` for rows already encoded: (location id, source,
        is_success, confidence, error message, data JSON text), plus the data fields seen per
        source in first-seen order (merged into the run's observed fields)."""
        stamp = now_text()
        ids_json = encode_json(list(dict.fromkeys(row[0] for row in rows)))
        with self._write() as conn:
            before = self._tally(conn, run_id, ids_json)
            conn.executemany(
                """INSERT INTO results (run_id, location_id, source, is_success, confidence,
                       error_message, data_json, job_id, updated_at)
                   VALUES (?,?,?,?,?,?,?,?,?)
                   ON CONFLICT (run_id, location_id, source) DO UPDATE SET
                       is_success = excluded.is_success, confidence = excluded.confidence,
                       error_message = excluded.error_message, data_json = excluded.data_json,
                       job_id = excluded.job_id, updated_at = excluded.updated_at""",
                [(run_id, loc, src, ok, conf, err, data, job_id, stamp)
                 for loc, src, ok, conf, err, data in rows],
            )
            after = self._tally(conn, run_id, ids_json)
            # The run's counters move by what these locations changed: recounting the whole
            # run after each job scanned every result (~0.2 s a job at 100k rows, 16 times).
            conn.execute(
                """UPDATE runs SET locations_completed = locations_completed + ?,
                       problems = problems + ? WHERE id = ?""",
                (after[0] - before[0], after[1] - before[1], run_id),
            )
            if output_id is not None:
                conn.execute("UPDATE outputs SET parsed = 1 WHERE id = ?", (output_id,))
            if observed:
                self._merge_observed(conn, run_id, observed)
        return len(rows)

    @staticmethod
    def _tally(conn: sqlite3.Connection, run_id: int, ids_json: str) -> tuple[int, int]:
        """Among the locations in ``ids_json`` (a JSON list): how many have results, and how
        many of those lack a successful result for one of the run's sources (the two counters
        of :meth:`_refresh_counters`, restricted to these locations)."""
        row = conn.execute("SELECT sources_json FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            return 0, 0
        sources = json.loads(row[0])
        marks = ",".join("?" * len(sources)) or "NULL"
        got = conn.execute(
            # Only "?" placeholders are formatted into the SQL; values are bound.
            f"""SELECT count(*), coalesce(sum(good < ?), 0) FROM (
                    SELECT sum(is_success AND source IN ({marks})) AS good FROM results
                    WHERE run_id = ? AND location_id IN (SELECT value FROM json_each(?))
                    GROUP BY location_id)""",  # noqa: S608
            (len(sources), *sources, run_id, ids_json),
        ).fetchone()
        return int(got[0]), int(got[1])

    @staticmethod
    def _merge_observed(
        conn: sqlite3.Connection, run_id: int, observed: Mapping[str, Mapping[str, None]]
    ) -> None:
        row = conn.execute(
            "SELECT observed_fields_json FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if row is None:
            return
        known: dict[str, list[str]] = json.loads(row[0] or "{}")
        changed = False
        for source, keys in observed.items():
            merged = dict.fromkeys(known.get(source, ()))
            before = len(merged)
            merged.update(keys)
            if len(merged) != before or source not in known:
                known[source] = list(merged)
                changed = True
        if changed:
            conn.execute(
                "UPDATE runs SET observed_fields_json = ? WHERE id = ?",
                (encode_json(known), run_id),
            )

    def finish_job(
        self, job_id: int, phase: JobPhase, *, problems: int | None = None,
        completed: int | None = None, message: str | None = None,
    ) -> None:
        """Put a job in a final phase. The run's totals are already up to date: storing results
        moves them (see :meth:`store_result_rows`)."""
        with self._write() as conn:
            conn.execute(
                """UPDATE jobs SET phase = ?, problems = coalesce(?, problems),
                       completed = coalesce(?, completed), message = ?, finished_at = ?
                   WHERE id = ?""",
                (phase.value, problems, completed, message, now_text(), job_id),
            )

    def retry_candidates(self, run_id: int) -> tuple[list[tuple[str, tuple[str, ...] | None]],
                                                       list[int]]:
        """Locations to send again and the sources each needs (None = all the run's sources),
        plus the NEEDS_ATTENTION jobs whose locations they take over.

        A location qualifies when one of the run's sources failed for it, or when it has no
        result at all and its job ended FAILED or NEEDS_ATTENTION; never while one of its jobs
        may still produce results or awaits the user's decision (UNCERTAIN)."""
        conn = self._conn()
        row = conn.execute("SELECT sources_json FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(run_id)
        sources: list[str] = json.loads(row[0])
        busy_marks = ",".join("?" * len(_BUSY_JOB_PHASES))
        busy = {
            r[0]
            for r in conn.execute(
                f"""SELECT DISTINCT jl.location_id FROM job_locations jl JOIN jobs j
                       ON j.id = jl.job_id
                    WHERE j.run_id = ? AND j.phase IN ({busy_marks})""",  # noqa: S608
                (run_id, *_BUSY_JOB_PHASES),
            )
        }
        good: dict[str, set[str]] = {}
        for loc, source, ok in conn.execute(
            "SELECT location_id, source, is_success FROM results WHERE run_id = ?", (run_id,)
        ):
            if ok:
                good.setdefault(loc, set()).add(source)
        candidates: list[tuple[str, tuple[str, ...] | None]] = []
        attention_jobs: set[int] = set()
        seen: set[str] = set()
        for job_id, phase, loc in conn.execute(
            """SELECT j.id, j.phase, jl.location_id FROM jobs j JOIN job_locations jl
                   ON jl.job_id = j.id
               WHERE j.run_id = ? AND j.phase IN (?,?,?) ORDER BY j.number, jl.rowid""",
            (run_id, JobPhase.COMPLETE.value, JobPhase.FAILED.value,
             JobPhase.NEEDS_ATTENTION.value),
        ):
            if loc in seen or loc in busy:
                continue
            missing = [s for s in sources if s not in good.get(loc, set())]
            if not missing:
                continue
            seen.add(loc)
            if phase == JobPhase.NEEDS_ATTENTION.value:
                attention_jobs.add(int(job_id))
            candidates.append((loc, None if len(missing) == len(sources) else tuple(missing)))
        return candidates, sorted(attention_jobs)
