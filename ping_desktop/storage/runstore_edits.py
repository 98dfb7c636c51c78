"""The run store's part for review (issue 14): storing edits, accepting rows, and turning
pending edits into a new job of the same run (see :mod:`ping_desktop.storage.row_edits`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from ping_desktop.domain import RunPhase
from ping_desktop.storage.row_edits import EditCheck, EditError, EditProblem, EditRecord
from ping_desktop.storage.runstore_codec import (
    CellValue,
    decode_cells,
    encode_json,
    now_text,
    parse_time,
)
from ping_desktop.storage.runstore_db import StoreBase
from ping_desktop.storage.runstore_records import PlannedJob
from ping_desktop.storage.runstore_results import ResultWrites
from ping_desktop.storage.runstore_writes import RunWrites

#: The run's message while resubmitted rows wait to be sent (a kill before the first request
#: leaves the run here, and ``resume`` finds it like any interrupted run).
RESUBMIT_WAITING = "Edited rows are waiting to be sent again."
_FINAL_RUN = tuple(p.value for p in RunPhase if p.is_final)


def _problems_json(problems: Iterable[EditProblem]) -> str:
    return encode_json([[p.field, p.message, p.severity, p.kind] for p in problems])


def _problems(text: str | None) -> tuple[EditProblem, ...]:
    return tuple(EditProblem(*item) for item in json.loads(text or "[]"))


def _record(row: sqlite3.Row) -> EditRecord:
    payload = row["payload_json"]
    previous = row["previous_payload_json"]
    return EditRecord(
        id=int(row["id"]), run_id=int(row["run_id"]), row_number=int(row["row_number"]),
        fields=json.loads(row["fields_json"]),
        payload=None if payload is None else json.loads(payload),
        problems=_problems(row["problems_json"]), state=row["state"], author=row["author"],
        created_at=parse_time(row["created_at"]),  # type: ignore[arg-type]
        sent_at=parse_time(row["sent_at"]), location_id=row["location_id"],
        job_id=row["job_id"],
        previous_location_id=row["previous_location_id"],
        previous_payload=None if previous is None else json.loads(previous),
        previous_problems=_problems(row["previous_problems_json"]),
    )


def _missing_rows(conn: sqlite3.Connection, run_id: int, rows: Sequence[int]) -> list[int]:
    """Of ``rows``, those that are no data row of the run."""
    found = {
        int(r[0]) for r in conn.execute(
            "SELECT row_number FROM input_rows WHERE run_id = ? "
            "AND row_number IN (SELECT value FROM json_each(?))",
            (run_id, json.dumps(list(rows))),
        )
    }
    return [r for r in rows if r not in found]


def _no_such_rows(run_id: int, rows: Sequence[int]) -> EditError:
    shown = ", ".join(map(str, rows[:5])) + (" ..." if len(rows) > 5 else "")
    return EditError(
        f"Row {shown} is not a data row of run {run_id}: give the row number as the sheet shows "
        f"it (`ping-desktop-cli review {run_id}` lists the rows that need review)."
    )


class RowEditStore(StoreBase):
    """Mixin of ``RunStore``: row edits and reviews."""

    def input_rows(self, run_id: int) -> list[tuple[int, tuple[CellValue, ...]]]:
        """Every input row of the run (sheet row number, the user's cells) in sheet order: what
        "run again" plans from, without the file."""
        rows = self._conn().execute(
            "SELECT row_number, values_json FROM input_rows WHERE run_id = ? ORDER BY row_number",
            (run_id,))
        return [(int(r[0]), decode_cells(r[1])) for r in rows]

    def declined_repairs(self, run_id: int) -> list[str]:
        """The repair kinds the user declined before the run (issue 12); edits honour them."""
        row = self._one("SELECT declined_repairs_json FROM runs WHERE id = ?", (run_id,), run_id)
        return list(json.loads(row[0] or "[]"))

    def record_row_edits(self, run_id: int, checks: Sequence[EditCheck], author: str) -> list[int]:
        """Store checked edits as pending (an earlier pending edit of the same row becomes
        ``replaced``; it stays in the history), and take back an "accepted as is" of those
        rows. Returns the new edit ids. Raises ``EditError`` for a row not in the run (then
        nothing is stored)."""
        stamp = now_text()
        ids: list[int] = []
        with self._write() as conn:
            missing = _missing_rows(conn, run_id, [c.row_number for c in checks])
            if missing:
                raise _no_such_rows(run_id, missing)
            for check in checks:
                conn.execute(
                    "UPDATE row_edits SET state = 'replaced' WHERE run_id = ? AND row_number = ?"
                    " AND state = 'pending'", (run_id, check.row_number))
                conn.execute("DELETE FROM row_reviews WHERE run_id = ? AND row_number = ?",
                             (run_id, check.row_number))
                cur = conn.execute(
                    """INSERT INTO row_edits (run_id, row_number, fields_json, payload_json,
                           problems_json, state, author, created_at)
                       VALUES (?,?,?,?,?,'pending',?,?)""",
                    (run_id, check.row_number, encode_json(check.fields),
                     None if check.payload is None else encode_json(check.payload),
                     _problems_json(check.problems), author, stamp),
                )
                ids.append(int(cur.lastrowid or 0))
        return ids

    def row_edit_history(self, run_id: int, row_number: int | None = None) -> list[EditRecord]:
        """Every edit of the run (or of one row), oldest first."""
        sql = "SELECT * FROM row_edits WHERE run_id = ?"
        args: tuple[Any, ...] = (run_id,)
        if row_number is not None:
            sql += " AND row_number = ?"
            args = (run_id, row_number)
        rows = self._conn().execute(sql + " ORDER BY id", args).fetchall()
        return [_record(r) for r in rows]

    def pending_edits(self, run_id: int) -> dict[int, EditRecord]:
        """The pending edit of each row that has one, by sheet row."""
        rows = self._conn().execute(
            "SELECT * FROM row_edits WHERE run_id = ? AND state = 'pending' ORDER BY id",
            (run_id,)).fetchall()
        return {int(r["row_number"]): _record(r) for r in rows}

    def latest_edits(self, run_id: int) -> dict[int, EditRecord]:
        """The newest edit of each edited row (pending or sent), by sheet row."""
        rows = self._conn().execute(
            "SELECT * FROM row_edits WHERE run_id = ? AND state != 'replaced' ORDER BY id",
            (run_id,)).fetchall()
        return {int(r["row_number"]): _record(r) for r in rows}  # later ids win

    def resubmit_edits(self, run_id: int, rows: Iterable[int], locations_per_job: int
                       ) -> list[int]:
        """In one transaction: give each row's pending edit a new location, point the row at
        it, make the edit's problems the row's, move each earlier location no row uses any more
        (with its results) into the history, add the new job(s) WAITING and put the run back
        to PAUSED, so a kill before the first request leaves a run ``resume`` continues.
        Returns the new job ids. Raises ``EditError`` (run not finished, a row without a
        pending edit or whose edit has an error); nothing changes then."""
        wanted = list(dict.fromkeys(rows))
        with self._write() as conn:
            phase = conn.execute("SELECT phase FROM runs WHERE id = ?", (run_id,)).fetchone()
            if phase is None:
                raise EditError(f"There is no run {run_id}.")
            if phase[0] not in _FINAL_RUN:
                raise EditError(f"Run {run_id} has not finished: wait for it to finish (or "
                                "resume it) before sending edited rows again.")
            pending = {
                int(r["row_number"]): r for r in conn.execute(
                    "SELECT * FROM row_edits WHERE run_id = ? AND state = 'pending'",
                    (run_id,))
            }
            without = [r for r in wanted if r not in pending]
            if without:
                raise EditError(
                    f"Row {without[0]} has no edit waiting to be sent: edit its address first "
                    f"(`ping-desktop-cli resubmit {run_id} --row {without[0]} --set ...`), or "
                    "use retry-failed to send failed rows again unchanged.")
            if not wanted:
                raise EditError("There are no edited rows to send.")
            for number in wanted:
                edit = _record(pending[number])
                if edit.payload is None or any(p.severity == "error" for p in edit.problems):
                    reason = next((p.message for p in edit.problems if p.severity == "error"),
                                  "it has no address to send")
                    raise EditError(f"Row {number} cannot be sent: {reason} Edit it again.")
            locations = [self._apply_edit(conn, run_id, pending[n]) for n in wanted]
            top = int(conn.execute("SELECT coalesce(max(number), 0) FROM jobs WHERE run_id = ?",
                                   (run_id,)).fetchone()[0])
            jobs: list[int] = []
            for start in range(0, len(locations), max(1, locations_per_job)):
                piece = locations[start:start + max(1, locations_per_job)]
                job_id = RunWrites._insert_jobs(conn, run_id, [PlannedJob(tuple(piece))],
                                                first_number=top + 1 + len(jobs))[0]
                jobs.append(job_id)
                conn.execute(
                    "UPDATE row_edits SET job_id = ? WHERE run_id = ? AND location_id IN "
                    "(SELECT value FROM json_each(?))", (job_id, run_id, json.dumps(piece)))
            self._recount(conn, run_id)
            conn.execute("UPDATE runs SET phase = ?, message = ?, finished_at = NULL "
                         "WHERE id = ?", (RunPhase.PAUSED.value, RESUBMIT_WAITING, run_id))
        return jobs

    @staticmethod
    def _apply_edit(conn: sqlite3.Connection, run_id: int, edit: sqlite3.Row) -> str:
        """Point the edit's row at a new location of its own; returns the location id."""
        edit_id, number = int(edit["id"]), int(edit["row_number"])
        location = f"edit-{edit_id}"
        found = conn.execute(
            "SELECT rl.location_id, l.payload_json FROM row_locations rl LEFT JOIN locations l"
            " ON l.run_id = rl.run_id AND l.location_id = rl.location_id"
            " WHERE rl.run_id = ? AND rl.row_number = ?", (run_id, number)).fetchone()
        previous, previous_payload = (found[0], found[1]) if found else (None, None)
        old_problems = [
            [r[0], r[1], r[2], r[3]] for r in conn.execute(
                "SELECT field, message, severity, kind FROM row_problems"
                " WHERE run_id = ? AND row_number = ? ORDER BY id", (run_id, number))
        ]
        conn.execute("INSERT INTO locations (run_id, location_id, payload_json, first_row)"
                     " VALUES (?,?,?,?)", (run_id, location, edit["payload_json"], number))
        conn.execute("INSERT OR REPLACE INTO row_locations (run_id, row_number, location_id)"
                     " VALUES (?,?,?)", (run_id, number, location))
        conn.execute("DELETE FROM row_problems WHERE run_id = ? AND row_number = ?",
                     (run_id, number))
        conn.executemany(
            "INSERT INTO row_problems (run_id, row_number, field, message, severity, kind)"
            " VALUES (?,?,?,?,?,?)",
            [(run_id, number, p.field, p.message, p.severity, p.kind)
             for p in _problems(edit["problems_json"])])
        if previous is not None and conn.execute(
                "SELECT 1 FROM row_locations WHERE run_id = ? AND location_id = ? LIMIT 1",
                (run_id, previous)).fetchone() is None:
            # No row uses it any more: its results leave the live tables (review, export,
            # retry-failed and the counters only see live locations) but stay in the store.
            conn.execute(
                """INSERT OR REPLACE INTO superseded_results
                       (run_id, location_id, source, is_success, confidence, error_message,
                        data_json, job_id, updated_at, edit_id)
                   SELECT run_id, location_id, source, is_success, confidence, error_message,
                          data_json, job_id, updated_at, ? FROM results
                   WHERE run_id = ? AND location_id = ?""", (edit_id, run_id, previous))
            conn.execute("DELETE FROM results WHERE run_id = ? AND location_id = ?",
                         (run_id, previous))
            conn.execute("DELETE FROM locations WHERE run_id = ? AND location_id = ?",
                         (run_id, previous))
        conn.execute(
            """UPDATE row_edits SET state = 'sent', sent_at = ?, location_id = ?,
                   previous_location_id = ?, previous_payload_json = ?,
                   previous_problems_json = ? WHERE id = ?""",
            (now_text(), location, previous, previous_payload, encode_json(old_problems),
             edit_id))
        return location

    @staticmethod
    def _recount(conn: sqlite3.Connection, run_id: int) -> None:
        """The run's counters after rows moved to new locations."""
        completed, problems = ResultWrites._tally(conn, run_id, None)
        locations = conn.execute("SELECT count(*) FROM locations WHERE run_id = ?",
                                 (run_id,)).fetchone()[0]
        error_rows = conn.execute(
            "SELECT count(DISTINCT row_number) FROM row_problems WHERE run_id = ?"
            " AND row_number IS NOT NULL AND severity = 'error'", (run_id,)).fetchone()[0]
        conn.execute(
            """UPDATE runs SET unique_locations = ?, rows_with_problems = ?,
                   locations_completed = ?, problems = ? WHERE id = ?""",
            (int(locations), int(error_rows), completed, problems, run_id))

    def corrected_rows(self, run_id: int) -> set[int]:
        """Sheet rows whose address was corrected in review and sent (the export marks them)."""
        rows = self._conn().execute(
            "SELECT DISTINCT row_number FROM row_edits WHERE run_id = ? AND state = 'sent'",
            (run_id,))
        return {int(r[0]) for r in rows}

    def accept_rows(self, run_id: int, rows: Iterable[int], author: str) -> int:
        """Mark rows reviewed as they are (they leave the queue); returns how many were
        newly accepted. Raises ``EditError`` for a row not in the run (nothing is stored)."""
        wanted = list(dict.fromkeys(rows))
        with self._write() as conn:
            missing = _missing_rows(conn, run_id, wanted)
            if missing:
                raise _no_such_rows(run_id, missing)
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO row_reviews (run_id, row_number, state, author,"
                " created_at) VALUES (?,?,'accepted',?,?)",
                [(run_id, n, author, now_text()) for n in wanted])
            return conn.total_changes - before

    def accepted_rows(self, run_id: int) -> set[int]:
        """Sheet rows accepted as they are."""
        rows = self._conn().execute(
            "SELECT row_number FROM row_reviews WHERE run_id = ? AND state = 'accepted'",
            (run_id,))
        return {int(r[0]) for r in rows}
