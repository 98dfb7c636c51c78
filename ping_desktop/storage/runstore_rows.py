"""The run store's reads of input rows, their results and problems (the export and review)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ping_desktop.domain import JobPhase
from ping_desktop.storage.json_fast import loads_value
from ping_desktop.storage.runstore_codec import CellValue, decode_cells
from ping_desktop.storage.runstore_db import StoreBase, run_sources
from ping_desktop.storage.runstore_records import RowProblem, SourceResult

#: One result of :meth:`RowReads.iter_rows_raw`: is_success, confidence, error, data.
RawResult = tuple[bool, float | None, str | None, dict[str, Any]]
RawRow = tuple[int, tuple[CellValue, ...], dict[str, RawResult]]
#: Sheet row numbers ``start <= n < stop`` (``stop`` None: to the end), or None for all rows.
RowRange = tuple[int, int | None] | None
_FINAL = tuple(p.value for p in JobPhase if p.is_final)
_FIRST_PENDING_ROW = f"""SELECT min(l.first_row) FROM jobs j
    JOIN job_locations jl ON jl.job_id = j.id
    JOIN locations l ON l.run_id = j.run_id AND l.location_id = jl.location_id
    WHERE j.run_id = ? AND j.phase NOT IN ({",".join("?" * len(_FINAL))})"""  # noqa: S608
_ALL = (-(2**62), 2**62)  # sheet row numbers are far inside


def _bounds(rows: RowRange) -> tuple[int, int]:
    """``rows`` as ``start <= row_number < stop`` for SQLite."""
    if rows is None:
        return _ALL
    return rows[0], _ALL[1] if rows[1] is None else rows[1]


class RowReads(StoreBase):
    """Mixin of ``RunStore``: input rows with their results, and the rows' problems."""

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

    def iter_rows_raw(self, run_id: int, rows: RowRange = None) -> Iterator[RawRow]:
        """:meth:`iter_rows` without the record objects: each result is a plain tuple
        ``(is_success, confidence, error_message, data)``. The export's fast path. ``rows``
        limits it to a range of sheet row numbers."""
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
                   WHERE ir.run_id = ? AND ir.row_number >= ? AND ir.row_number < ?
                   ORDER BY ir.row_number""",
                (run_id, *_bounds(rows)),
            )
            cursor.row_factory = None  # plain tuples: this loop runs 100k+ times
            current: int | None = None
            values: tuple[CellValue, ...] = ()
            results: dict[str, RawResult] = {}
            loads = loads_value  # orjson where it decodes exactly as json does
            for row_number, values_json, source, ok, conf, err, data in cursor:
                if row_number != current:
                    if current is not None:
                        yield current, values, results
                    current = row_number
                    # Tagged cells (dates, decimals...) are JSON objects: only rows holding
                    # one need the codec's object hook; the rest decode faster without it.
                    values = (decode_cells(values_json) if "{" in values_json
                              else tuple(loads(values_json)))
                    results = {}
                if source is not None:
                    results[source] = (bool(ok), conf, err, loads(data))
            if current is not None:
                yield current, values, results
        finally:
            conn.close()

    def row_payloads(self, run_id: int, rows: RowRange = None
                     ) -> Iterator[tuple[int, dict[str, Any] | None]]:
        """``(row_number, payload)`` for every input row in sheet order (or those in ``rows``):
        the stored payload of the row's location (what was sent, after the accepted repairs),
        or None for a row that was not sent. Streamed from its own connection, in step with
        :meth:`iter_rows_raw`."""
        conn = self._open()
        try:
            cursor = conn.execute(
                """SELECT ir.row_number, l.payload_json
                   FROM input_rows ir
                   LEFT JOIN row_locations rl
                        ON rl.run_id = ir.run_id AND rl.row_number = ir.row_number
                   LEFT JOIN locations l
                        ON l.run_id = ir.run_id AND l.location_id = rl.location_id
                   WHERE ir.run_id = ? AND ir.row_number >= ? AND ir.row_number < ?
                   ORDER BY ir.row_number""",
                (run_id, *_bounds(rows)),
            )
            cursor.row_factory = None  # plain tuples: this loop runs 100k+ times
            loads = loads_value
            for row_number, payload_json in cursor:
                yield row_number, (None if payload_json is None else loads(payload_json))
        finally:
            conn.close()

    def first_pending_row(self, run_id: int) -> int | None:
        """The first sheet row whose results may still change: the smallest first row of a
        location in a job that is not final; None when every job is final. Every row before
        it refers only to locations whose jobs are final (a row's location first appears on
        or before that row), so an export written while the run works can take them."""
        row = self._conn().execute(_FIRST_PENDING_ROW, (run_id, *_FINAL)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

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
            """SELECT row_number, field, message, severity, kind FROM row_problems
               WHERE run_id = ? ORDER BY row_number IS NULL DESC, row_number, id""",
            (run_id,),
        )
        return [RowProblem(r[0], r[1], r[2], r[3], r[4]) for r in rows.fetchall()]

    def rows_missing_results(self, run_id: int) -> Iterator[tuple[int, str]]:
        """(row_number, source) for every row with a location but no result from one of the
        run's sources, in row order."""
        sources = run_sources(self._conn(), run_id)
        if sources is None:
            raise KeyError(run_id)
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
