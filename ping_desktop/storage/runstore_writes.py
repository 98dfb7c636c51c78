"""The run store's writes of runs and jobs; each is one transaction, committed before it
returns (outputs and results: ``runstore_results``)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.storage.runstore_codec import CellValue, encode_cells, encode_json, now_text
from ping_desktop.storage.runstore_db import StoreBase
from ping_desktop.storage.runstore_records import PlannedJob, RowProblem

_UNSET: Any = object()
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


class RunWrites(StoreBase):
    """Mixin of ``RunStore``: creating, changing and forgetting runs and their jobs."""

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
        declined: Iterable[str] = (),
    ) -> int:
        """Store a planned run in one transaction (all of it or nothing); returns its id.

        ``folder`` is the run's folder (from :meth:`RunStore.new_run_folder`); ``input_copy``
        is the copy of the input file inside it. ``preamble`` is the sheet rows above the
        header, row 1 first (blank rows as empty sequences). ``declined`` is the address repair
        kinds the user declined, kept so a re-plan of the stored input decides the same way.
        """
        copy_name = input_copy.name if input_copy is not None else None
        with self._write() as conn:
            cur = conn.execute(
                """INSERT INTO runs (created_at, folder, file_name, input_path, input_copy, sheet,
                       header_row, columns_json, mapping_json, sources_json, api_origin, phase,
                       is_demo, source_fields_json, declined_repairs_json)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    now_text(), folder.name, file_name, str(input_path), copy_name, sheet,
                    header_row, encode_json(list(columns)), encode_json(dict(mapping)),
                    encode_json(list(sources)), api_origin, RunPhase.READY.value, int(is_demo),
                    encode_json({k: list(v) for k, v in (source_fields or {}).items()}),
                    encode_json(sorted(set(declined))),
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
                    """INSERT INTO row_problems (run_id, row_number, field, message, severity,
                                                kind)
                       VALUES (?,?,?,?,?,?)""",
                    [(run_id, p.row_number, p.field, p.message, p.severity, p.kind)
                     for p in batch],
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
