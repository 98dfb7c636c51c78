"""The run store's reads of runs, jobs and outputs (rows and results: ``runstore_rows``)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.storage.runstore_codec import now_text, parse_time
from ping_desktop.storage.runstore_db import StoreBase
from ping_desktop.storage.runstore_leases import live_leases
from ping_desktop.storage.runstore_records import JobRecord, OutputRecord, RunRecord

FINAL_JOB_PHASES = tuple(p.value for p in JobPhase if p.is_final)
UNFINISHED_RUN_PHASES = tuple(p.value for p in RunPhase if not p.is_final)

# Only "?" placeholders are formatted into the SQL text; values are always bound.
_RUN_SELECT = f"""
    SELECT r.*,
        (SELECT count(*) FROM jobs j WHERE j.run_id = r.id) AS jobs_total,
        (SELECT count(*) FROM jobs j WHERE j.run_id = r.id
            AND j.phase IN ({",".join("?" * len(FINAL_JOB_PHASES))})) AS jobs_done
    FROM runs r
"""  # noqa: S608


class RunReads(StoreBase):
    """Mixin of ``RunStore``: runs, jobs and outputs as records."""

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
            declined_repairs=frozenset(json.loads(row["declined_repairs_json"] or "[]")),
        )

    def get_run(self, run_id: int) -> RunRecord:
        """The run with id ``run_id``; raises KeyError if there is none."""
        row = self._one(_RUN_SELECT + " WHERE r.id = ?", (*FINAL_JOB_PHASES, run_id), run_id)
        return self._run_record(row)

    def list_runs(self) -> list[RunRecord]:
        """Every run, newest first."""
        rows = self._conn().execute(_RUN_SELECT + " ORDER BY r.id DESC", FINAL_JOB_PHASES)
        return [self._run_record(r) for r in rows.fetchall()]

    def unfinished_runs(self, *, include_leased: bool = False) -> list[RunRecord]:
        """Runs that have not reached a final phase (to resume), oldest first; runs a live
        process is working on (see :mod:`~ping_desktop.storage.runstore_leases`) only with
        ``include_leased``: resuming those would send their jobs twice."""
        marks = ",".join("?" * len(UNFINISHED_RUN_PHASES))
        conn = self._conn()
        rows = conn.execute(
            _RUN_SELECT + f" WHERE r.phase IN ({marks}) ORDER BY r.id",
            (*FINAL_JOB_PHASES, *UNFINISHED_RUN_PHASES),
        ).fetchall()
        leased = {} if include_leased else live_leases(conn)
        return [self._run_record(r) for r in rows if int(r["id"]) not in leased]

    def columns(self, run_id: int) -> tuple[str, ...]:
        """The run's input column headers, in sheet order."""
        row = self._one("SELECT columns_json FROM runs WHERE id = ?", (run_id,), run_id)
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
        return self._job_record(self._one("SELECT * FROM jobs WHERE id = ?", (job_id,), job_id))

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
