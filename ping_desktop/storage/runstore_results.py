"""The run store's outputs and results: recording downloads, storing parsed results with the
run's counters, and choosing what "retry failed rows" sends again."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ping_desktop.domain import JobPhase
from ping_desktop.storage.runstore_codec import encode_json, now_text
from ping_desktop.storage.runstore_db import StoreBase, run_sources
from ping_desktop.storage.runstore_records import SourceResult

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


class ResultWrites(StoreBase):
    """Mixin of ``RunStore``: outputs, results and the counters they move."""

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


    def refresh_run_counters(self, run_id: int) -> None:
        """Recount locations with results, and locations lacking a successful result for one of
        the run's sources (a failure, or a source missing from the output)."""
        with self._write() as conn:
            if run_sources(conn, run_id) is None:
                return
            completed, problems = self._tally(conn, run_id, None)
            conn.execute(
                "UPDATE runs SET locations_completed = ?, problems = ? WHERE id = ?",
                (completed, problems, run_id),
            )

    @staticmethod
    def _tally(conn: sqlite3.Connection, run_id: int, ids_json: str | None) -> tuple[int, int]:
        """How many locations have results, and how many of those lack a successful result for
        one of the run's sources: the run's two counters, over the whole run or only over the
        locations in ``ids_json`` (a JSON list)."""
        sources = run_sources(conn, run_id)
        if sources is None:
            return 0, 0
        marks = ",".join("?" * len(sources)) or "NULL"
        only = "" if ids_json is None else " AND location_id IN (SELECT value FROM json_each(?))"
        got = conn.execute(
            # Only "?" placeholders and a fixed clause are formatted into the SQL; values are bound.
            f"""SELECT count(*), coalesce(sum(good < ?), 0) FROM (
                    SELECT sum(is_success AND source IN ({marks})) AS good FROM results
                    WHERE run_id = ?{only}
                    GROUP BY location_id)""",  # noqa: S608
            (len(sources), *sources, run_id, *(() if ids_json is None else (ids_json,))),
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

    def retry_candidates(self, run_id: int) -> tuple[list[tuple[str, tuple[str, ...] | None]],
                                                       list[int]]:
        """Locations to send again and the sources each needs (None = all the run's sources),
        plus the NEEDS_ATTENTION jobs whose locations they take over.

        A location qualifies when one of the run's sources failed for it, or when it has no
        result at all and its job ended FAILED or NEEDS_ATTENTION; never while one of its jobs
        may still produce results or awaits the user's decision (UNCERTAIN)."""
        conn = self._conn()
        sources = run_sources(conn, run_id)
        if sources is None:
            raise KeyError(run_id)
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
        # Locations an edit in review replaced (issue 14) are history: never sent again.
        busy.update(
            r[0] for r in conn.execute(
                "SELECT previous_location_id FROM row_edits e WHERE e.run_id = ?"
                " AND e.state = 'sent' AND NOT EXISTS (SELECT 1 FROM locations l"
                " WHERE l.run_id = e.run_id AND l.location_id = e.previous_location_id)",
                (run_id,))
        )
        # Only locations lacking a successful result for one of the run's sources come back
        # from SQLite (with the sources that did succeed), not every result of the run: at
        # 100k rows the Python loop over all results took ~0.5 s at the end of each run.
        marks = ",".join("?" * len(sources)) or "NULL"
        candidates: list[tuple[str, tuple[str, ...] | None]] = []
        attention_jobs: set[int] = set()
        seen: set[str] = set()
        for job_id, phase, loc, good_text in conn.execute(
            f"""WITH good AS (
                    SELECT location_id, count(*) AS n, group_concat(source, char(31)) AS ok
                    FROM results
                    WHERE run_id = ? AND is_success AND source IN ({marks})
                    GROUP BY location_id)
                SELECT j.id, j.phase, jl.location_id, g.ok FROM jobs j JOIN job_locations jl
                    ON jl.job_id = j.id LEFT JOIN good g ON g.location_id = jl.location_id
                WHERE j.run_id = ? AND j.phase IN (?,?,?) AND coalesce(g.n, 0) < ?
                ORDER BY j.number, jl.rowid""",  # noqa: S608 - only "?" marks are formatted in
            (run_id, *sources, run_id, JobPhase.COMPLETE.value, JobPhase.FAILED.value,
             JobPhase.NEEDS_ATTENTION.value, len(sources)),
        ):
            if loc in seen or loc in busy:
                continue
            good = set(good_text.split("\x1f")) if good_text else set()
            missing = [s for s in sources if s not in good]
            if not missing:
                continue
            seen.add(loc)
            if phase == JobPhase.NEEDS_ATTENTION.value:
                attention_jobs.add(int(job_id))
            candidates.append((loc, None if len(missing) == len(sources) else tuple(missing)))
        return candidates, sorted(attention_jobs)
