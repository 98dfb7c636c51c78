"""Qt-free queries behind the results review: filter, search, sort and page a run's rows in SQL.

The review of a 100,000-row run must never load every row. For each filter, one SQL statement
does the filtering, searching and sorting and returns only the matching row numbers in display
order (800 KB for 100,000 rows), kept in a small cache; pages are then look-ups of a few hundred
rows by number. :meth:`ReviewQuery.prepare` may run in a worker thread (each thread gets its own
SQLite connection), so the window stays responsive while a big sort runs. Nothing here writes to
the store.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

from ping_desktop.api.models import FETCH_KEYS
from ping_desktop.storage.runstore import RunStore
from ping_desktop.storage.runstore_codec import CellValue, decode_cells
from ping_desktop.storage.runstore_db import BUSY_TIMEOUT_MS, ThreadConnections
from ping_desktop.storage.runstore_records import RunRecord, SourceResult

FilterKind = Literal["all", "problems", "low_confidence", "source"]
ColumnKind = Literal["input", "status", "confidence", "field"]

#: Result fields that describe the fetch rather than the location: never a table column.
FETCH_FIELDS = FETCH_KEYS
KEY_FIELDS_PER_SOURCE = 6
_SAMPLE_RESULTS = 200
_CACHED_ORDERS = 4


@dataclass(frozen=True)
class ReviewFilter:
    """Which rows to show and in what order.

    ``kind``: ``all``; ``problems`` (a failed or missing source, or an intake problem);
    ``low_confidence`` (a successful source below ``threshold``); ``source`` (rows where
    ``source`` failed, is missing or is below ``threshold``). ``search`` matches, without regard
    to case, any original value, result value or error message. ``sort_column`` indexes
    :meth:`ReviewQuery.columns`; ``None`` keeps the sheet's row order. ``rows``, when set,
    keeps only those sheet row numbers (a clicked summary bar, a selection on the map).
    """

    kind: FilterKind = "all"
    source: str | None = None
    threshold: int = 70
    search: str = ""
    sort_column: int | None = None
    descending: bool = False
    rows: frozenset[int] | None = None


@dataclass(frozen=True)
class ReviewColumn:
    """One column of the review: an original column or a per-source result column."""

    header: str
    kind: ColumnKind
    index: int = -1  # position in the input row, for ``input`` columns
    source: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class ReviewRow:
    """One input row: sheet row number, original values, results by source, intake problems."""

    row_number: int
    values: tuple[CellValue, ...]
    results: dict[str, SourceResult]
    problems: tuple[str, ...] = field(default=())


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


class ReviewQuery:
    """Filtered, searched, sorted pages of one run's rows and results."""

    def __init__(self, store: RunStore | Path | str, run_id: int) -> None:
        own_store = not isinstance(store, RunStore)
        self._store = RunStore(Path(store)) if not isinstance(store, RunStore) else store
        try:
            self.run: RunRecord = self._store.get_run(run_id)
        finally:
            if own_store:
                self._store.close()
        self.run_id = run_id
        self._path = self._store.path
        self._per_thread = ThreadConnections(self._open)
        self._lock = threading.Lock()  # guards the cache of orders
        self._orders: OrderedDict[ReviewFilter, array[int]] = OrderedDict()
        self._columns = self._build_columns()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # SQLite's LIKE folds ASCII only; non-ASCII searches go through Python's casefold.
        conn.create_function("pd_fold", 1, _fold, deterministic=True)
        return conn

    def _conn(self) -> sqlite3.Connection:
        return self._per_thread.get()

    @property
    def _connections(self) -> list[sqlite3.Connection]:
        # What tests/gui/test_results_view.py checks to see a finished query closed its files.
        return self._per_thread.open_now()

    def close(self) -> None:
        """Close this query's connections (the store itself stays open for its owner)."""
        self._per_thread.close_all()
        self._orders.clear()

    # ----- columns and sources -----------------------------------------------------------------

    def sources(self) -> list[str]:
        """The run's sources in the order the user chose them."""
        return list(self.run.sources)

    def columns(self) -> list[ReviewColumn]:
        """Original columns, then per source: status, confidence and its key fields."""
        return list(self._columns)

    def _build_columns(self) -> list[ReviewColumn]:
        columns = [
            ReviewColumn(header or f"Column {i + 1}", "input", index=i)
            for i, header in enumerate(self.run.columns)
        ]
        for source in self.run.sources:
            columns.append(ReviewColumn(f"{source} status", "status", source=source))
            columns.append(ReviewColumn(f"{source} confidence", "confidence", source=source))
            for name in self.result_fields(source)[:KEY_FIELDS_PER_SOURCE]:
                label = name.replace("_", " ")
                columns.append(
                    ReviewColumn(f"{source} {label}", "field", source=source, field=name)
                )
        return columns

    def result_fields(self, source: str) -> list[str]:
        """A source's result fields: the API's documented order, then any others it returned."""
        declared = list(self.run.source_fields.get(source, ()))
        observed = self.run.observed_fields.get(source, ())
        names = declared + [name for name in observed if name not in set(declared)]
        if not names:  # a run stored before fields were recorded: look at some results
            rows = self._conn().execute(
                "SELECT data_json FROM results WHERE run_id = ? AND source = ? AND is_success = 1 "
                "LIMIT ?",
                (self.run_id, source, _SAMPLE_RESULTS),
            )
            seen: dict[str, None] = {}
            for (data_json,) in rows:
                keys = self._conn().execute("SELECT key FROM json_each(?)", (data_json,))
                seen.update((str(k), None) for (k,) in keys)
            names = list(seen)
        own = {"is_success", "confidence", "error_message"}
        return [n for n in names if n not in FETCH_FIELDS and n not in own]

    def max_row_number(self) -> int:
        """The largest sheet row number in the run (0 when it has no rows)."""
        row = (
            self._conn()
            .execute("SELECT max(row_number) FROM input_rows WHERE run_id = ?", (self.run_id,))
            .fetchone()
        )
        return int(row[0] or 0)

    # ----- counting and paging -----------------------------------------------------------------

    def prepare(self, review_filter: ReviewFilter) -> int:
        """Work out which rows match and in what order (the slow part; any thread); returns
        how many match. Later calls with the same filter are answered from a cache."""
        with self._lock:
            order = self._orders.get(review_filter)
            if order is not None:
                self._orders.move_to_end(review_filter)
                return len(order)
        sql, params = self._order_sql(review_filter)
        cursor = self._conn().execute(sql, {"run": self.run_id, **params})
        cursor.row_factory = None
        numbers: Iterable[int] = map(itemgetter(0), cursor.fetchall())
        if review_filter.rows is not None:  # a set test in Python: no 100k-value SQL list
            keep = review_filter.rows
            numbers = (n for n in numbers if n in keep)
        order = array("q", numbers)
        with self._lock:
            self._orders[review_filter] = order
            while len(self._orders) > _CACHED_ORDERS:
                self._orders.popitem(last=False)
        return len(order)

    def order(self, review_filter: ReviewFilter) -> array[int]:
        """The matching sheet row numbers in display order (from the cache; do not change)."""
        for _ in range(3):  # another thread's filters may push it out of the small cache
            self.prepare(review_filter)
            with self._lock:
                found = self._orders.get(review_filter)
            if found is not None:
                return found
        return array("q")

    def count(self, review_filter: ReviewFilter) -> int:
        """How many rows match ``review_filter``."""
        return self.prepare(review_filter)

    def page(self, review_filter: ReviewFilter, offset: int, limit: int) -> list[ReviewRow]:
        """Rows ``offset`` .. ``offset + limit - 1`` (0-based) of the filtered, sorted list."""
        self.prepare(review_filter)
        with self._lock:
            order = self._orders.get(review_filter, array("q"))
        numbers = list(order[max(offset, 0) : max(offset, 0) + max(limit, 0)])
        if not numbers:
            return []
        cursor = self._conn().execute(
            """SELECT ir.row_number, ir.values_json, r.source, r.is_success,
                      r.confidence, r.error_message, r.data_json
               FROM input_rows ir
               LEFT JOIN row_locations rl ON rl.run_id = ir.run_id AND rl.row_number = ir.row_number
               LEFT JOIN results r ON r.run_id = ir.run_id AND r.location_id = rl.location_id
               WHERE ir.run_id = ? AND ir.row_number IN (SELECT value FROM json_each(?))
               ORDER BY r.source""",
            (self.run_id, json.dumps(numbers)),
        )
        # One line per (row, source): group them back into rows.
        found: dict[int, tuple[tuple[CellValue, ...], dict[str, SourceResult]]] = {}
        for number, values_json, source, ok, conf, err, data in cursor:
            entry = found.get(number)
            if entry is None:
                entry = found[number] = (decode_cells(values_json), {})
            if source is not None:
                entry[1][source] = SourceResult(source, bool(ok), conf, err, json.loads(data))
        problems = self._problems_for(numbers)
        return [
            ReviewRow(number, found[number][0], found[number][1], problems.get(number, ()))
            for number in numbers
            if number in found
        ]

    def detail(self, row_number: int) -> dict[str, SourceResult]:
        """Every result of one row by source (every field, for the detail pane)."""
        cursor = self._conn().execute(
            """SELECT r.source, r.is_success, r.confidence, r.error_message, r.data_json
               FROM row_locations rl JOIN results r
                    ON r.run_id = rl.run_id AND r.location_id = rl.location_id
               WHERE rl.run_id = ? AND rl.row_number = ? ORDER BY r.source""",
            (self.run_id, row_number),
        )
        return {
            src: SourceResult(src, bool(ok), conf, err, json.loads(data))
            for src, ok, conf, err, data in cursor
        }

    def row_problems(self, row_number: int) -> tuple[str, ...]:
        """The intake problems recorded for one row, as plain messages."""
        return self._problems_for([row_number]).get(row_number, ())

    def _problems_for(self, row_numbers: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not row_numbers:
            return {}
        found: dict[int, list[str]] = {}
        cursor = self._conn().execute(
            """SELECT row_number, message FROM row_problems
               WHERE run_id = ? AND row_number IN (SELECT value FROM json_each(?))
               ORDER BY row_number, id""",
            (self.run_id, json.dumps(list(row_numbers))),
        )
        for number, message in cursor:
            found.setdefault(number, []).append(str(message))
        return {k: tuple(v) for k, v in found.items()}

    # ----- the SQL ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Forget the cached orders (after the engine stored more results)."""
        with self._lock:
            self._orders.clear()

    # The SQL below is assembled only from fixed fragments chosen by the filter's kind and the
    # sort column's kind; every value (threshold, source, search text, JSON path) is bound.
    def _order_sql(self, f: ReviewFilter) -> tuple[str, dict[str, Any]]:
        params: dict[str, Any] = {"thr": f.threshold, "src": f.source or ""}
        ctes: list[str] = []
        joins: list[str] = []
        where = ["ir.run_id = :run"]
        finished = self.run.phase.is_final
        if f.kind != "all":
            # One pass over the results, grouped by location, instead of per-row look-ups.
            ctes.append(_AGGREGATE)
            joins.append("LEFT JOIN agg a ON a.location_id = rl.location_id")
            params["nsources"] = len(self.run.sources)
        if f.kind == "problems":
            missing = "OR coalesce(a.n, 0) < :nsources" if finished else ""
            intake = "ir.row_number IN (SELECT row_number FROM row_problems WHERE run_id = :run)"
            where.append(f"(rl.location_id IS NULL OR a.fails > 0 OR {intake} {missing})")
        elif f.kind == "low_confidence":
            where.append("a.lows > 0")
        elif f.kind == "source":
            missing = "OR coalesce(a.has_src, 0) = 0" if finished else ""
            where.append(f"(rl.location_id IS NULL OR a.src_bad > 0 {missing})")
        needle = f.search.strip()
        if needle:
            where.append(_search_clause(needle, params))
        key = self._sort_key(f, joins, params)
        direction = "DESC" if f.descending else "ASC"
        sql = (
            (f"WITH {', '.join(ctes)} " if ctes else "")  # noqa: S608
            + "SELECT row_number FROM ("
            + f"SELECT ir.row_number AS row_number, {key} AS k FROM input_rows ir "  # noqa: S608
            + "LEFT JOIN row_locations rl "
            + "ON rl.run_id = ir.run_id AND rl.row_number = ir.row_number "
            + " ".join(joins)
            + f" WHERE {' AND '.join(where)}) "
            # Empty cells last in both directions; ties keep the sheet's order. Unsorted, the
            # primary key already yields sheet order, so SQLite needs no sorting pass at all.
            + (
                f"ORDER BY k IS NULL, k COLLATE NOCASE {direction}, row_number"
                if key != "NULL"
                else "ORDER BY row_number"
            )
        )
        return sql, params

    def _sort_key(self, f: ReviewFilter, joins: list[str], params: dict[str, Any]) -> str:
        if f.sort_column is None or not 0 <= f.sort_column < len(self._columns):
            return "NULL"
        column = self._columns[f.sort_column]
        if column.kind == "input":
            params["path"] = f"$[{column.index}]"
            return "json_extract(ir.values_json, :path)"
        params["ksrc"] = column.source
        joins.append(
            "LEFT JOIN results ks ON ks.run_id = :run AND ks.location_id = rl.location_id "
            "AND ks.source = :ksrc"
        )
        if column.kind == "status":
            return "ks.is_success"
        if column.kind == "confidence":
            return "ks.confidence"
        params["path"] = '$."' + (column.field or "").replace('"', '\\"') + '"'
        return "json_extract(ks.data_json, :path)"


_AGGREGATE = """agg AS MATERIALIZED (
    SELECT location_id,
           count(*) AS n,
           sum(is_success = 0) AS fails,
           sum(is_success = 1 AND confidence < :thr) AS lows,
           max(source = :src) AS has_src,
           max(source = :src AND (is_success = 0 OR confidence < :thr)) AS src_bad
    FROM results WHERE run_id = :run GROUP BY location_id)"""


def _search_clause(needle: str, params: dict[str, Any]) -> str:
    """Rows where an original value, a result value or an error message contains ``needle``."""
    if needle.isascii():
        params["pat"] = _like_pattern(needle)
        match = "{0} LIKE :pat ESCAPE '\\'"
    else:
        params["folded"] = needle.casefold()
        match = "instr(pd_fold({0}), :folded) > 0"
    # A cheap test on the whole JSON text first; only candidates are split into values (so a
    # field name alone never matches). Characters JSON escapes cannot use the shortcut.
    raw = needle.isprintable() and '"' not in needle and "\\" not in needle
    values_pre = f"{match.format('ir.values_json')} AND " if raw else ""
    data_pre = f"{match.format('r.data_json')} AND " if raw else ""
    return f"""({values_pre}EXISTS (SELECT 1 FROM json_each(ir.values_json) v
                                    WHERE {match.format("v.value")})
        OR EXISTS (SELECT 1 FROM results r WHERE r.run_id = :run
                   AND r.location_id = rl.location_id
                   AND ({match.format("r.error_message")}
                        OR ({data_pre}EXISTS (SELECT 1 FROM json_each(r.data_json) d
                                    WHERE d.type NOT IN ('object', 'array')
                                    AND {match.format("d.value")})))))"""  # noqa: S608
