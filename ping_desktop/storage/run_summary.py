"""The numbers behind a run's Summary pane: rows per outcome, geocoding quality and the classes
of each source's categorical fields, with total insured value per class.

Read-only grouped SQL over the run store on a connection of its own (safe from any thread).
Every count is of sheet rows (not unique locations), so a bar's count is exactly the number of
rows the results table shows when that bar is clicked (:func:`rows_for`). The review's own
filters (problems, low confidence) stay in :mod:`ping_desktop.storage.review`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ping_desktop.storage.runstore_db import BUSY_TIMEOUT_MS
from ping_desktop.storage.runstore_records import RunRecord

BarKind = Literal["outcome", "confidence", "field"]
OUTCOMES = ("located", "low confidence", "not found", "not sent")
#: Confidence bands of a geocoder (lower bound, label), highest first.
CONFIDENCE_BANDS = ((90, "90\u2013100"), (70, "70\u201389"), (50, "50\u201369"), (0, "0\u201349"))
MAX_CLASSES = 12
MAX_FIELDS_PER_SOURCE = 4
#: Fields that name a place or a record rather than a class of it.
_NOT_CLASSES = frozenset({
    "formatted_address", "address_line_1", "address_line_2", "street_number", "route", "city",
    "postal_code", "county", "country", "place_id", "geocoder", "firm_panel", "zone_description",
    "confidence", "is_success", "error_message",
})
#: The SOV's value columns that add up to total insured value (mapping field names).
TIV_FIELDS = ("limits__building_limit", "limits__bpp_limit", "limits__bi_limit")


@dataclass(frozen=True)
class BarKey:
    """What a bar counts, enough to find its rows again (:func:`rows_for`)."""

    kind: BarKind
    source: str
    value: str
    field: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar: its label, how many sheet rows, and their total insured value (if any)."""

    key: BarKey
    rows: int
    tiv: float | None = None

    @property
    def label(self) -> str:
        """What the bar is called on its axis."""
        return self.key.value


@dataclass(frozen=True)
class Chart:
    """A titled group of bars (an outcome split, a confidence split or a field's classes)."""

    title: str
    source: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class RunSummary:
    """Everything the Summary pane shows for one run."""

    rows: int
    has_tiv: bool
    outcomes: tuple[Chart, ...]  # one per source: located / low / not found / not sent
    geocoding: tuple[Chart, ...]  # confidence bands per geocoding source
    match_rates: dict[str, float]  # geocoding source -> share of rows located (0..1)
    fields: tuple[Chart, ...]  # categorical fields of every source


def is_geocoder(run: RunRecord, source: str) -> bool:
    """A source that answers with coordinates (its confidence is a match quality)."""
    names = set(run.source_fields.get(source, ())) | set(run.observed_fields.get(source, ()))
    return {"latitude", "longitude"} <= names


def tiv_columns(run: RunRecord) -> list[int]:
    """Positions of the input columns mapped to building, contents and BI values."""
    fields = run.mapping.get("fields", run.mapping)
    if not isinstance(fields, dict):
        return []
    columns = [fields.get(name) for name in TIV_FIELDS]
    return [run.columns.index(c) for c in columns if isinstance(c, str) and c in run.columns]


def _tiv_sql(indexes: list[int]) -> str:
    """Total insured value of a group of rows (SQL; NULL when no column is mapped)."""
    row = _row_tiv_sql(indexes)
    return f"total({row})" if indexes else "NULL"


def _row_tiv_sql(indexes: list[int]) -> str:
    # Numbers as stored, or text such as "$1,250,000"; anything else counts as no value.
    parts = []
    for i in indexes:
        cell = f"json_extract(ir.values_json, '$[{int(i)}]')"
        clean = f"replace(replace(trim({cell}), ',', ''), '$', '')"
        parts.append(
            f"(CASE WHEN typeof({cell}) IN ('integer', 'real') THEN {cell} "
            f"WHEN typeof({cell}) = 'text' AND {clean} GLOB '[0-9]*' "
            f"AND {clean} NOT GLOB '*[^0-9.]*' THEN CAST({clean} AS REAL) END)"
        )
    return " + ".join(f"coalesce({p}, 0)" for p in parts) if parts else "NULL"


@contextmanager
def read_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection of its own to the run store at ``path``, reading one snapshot of it
    (closed on leaving)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # One read transaction: while a run is still storing results, every chart of a summary
        # counts the same results (seen on a live 100k run: confidence bands adding up to
        # 61,000 rows against 60,000 located, counted a moment earlier).
        conn.execute("BEGIN")
        yield conn
    finally:
        conn.close()


#: Each sheet row with the given source's result (NULL columns when it has none).
ROWS_WITH_RESULT = """FROM input_rows ir
    LEFT JOIN row_locations rl ON rl.run_id = ir.run_id AND rl.row_number = ir.row_number
    LEFT JOIN results r ON r.run_id = ir.run_id AND r.location_id = rl.location_id
        AND r.source = :src
    WHERE ir.run_id = :run"""

OUTCOME_CASE = """CASE WHEN r.is_success = 1 AND (r.confidence IS NULL OR r.confidence >= :thr)
        THEN 'located' WHEN r.is_success = 1 THEN 'low confidence'
        WHEN r.is_success = 0 THEN 'not found' ELSE 'not sent' END"""

_BAND_CASE = """CASE WHEN r.confidence >= 90 THEN '90\u2013100' WHEN r.confidence >= 70
        THEN '70\u201389' WHEN r.confidence >= 50 THEN '50\u201369' ELSE '0\u201349' END"""


def field_path(name: str) -> str:
    """The JSON path of a result field, quoted (field names may hold any character)."""
    return '$."' + name.replace('"', '\\"') + '"'


def _is_class_name(name: str) -> bool:
    return name not in _NOT_CLASSES and not name.endswith(
        ("_date", "_id", "_name", "_latitude", "_longitude"))


def _field_charts(conn: sqlite3.Connection, params: dict[str, Any], row_tiv: str,
                  with_tiv: bool) -> list[Chart]:
    """Charts of the source's class fields: text or whole-number fields with at most
    MAX_CLASSES values (the first MAX_FIELDS_PER_SOURCE by name), rows and value per class.

    One pass over the located rows, each result parsed once in Python: per field, a SQL
    query (json_each, json_extract) cost ~1 s each on 100,000 rows with SQLite 3.40.
    """
    source = str(params["src"])
    classes: dict[str, dict[str | int, list[float]]] = {}
    too_many: set[str] = set()
    cursor = conn.execute(
        f"SELECT r.data_json, {row_tiv} {ROWS_WITH_RESULT} AND r.is_success = 1", params)
    for data_json, tiv in cursor:
        for name, value in json.loads(data_json).items():
            if value is None or type(value) not in (str, int) or name in too_many:
                continue  # only text and whole numbers make classes (not true/false)
            per_value = classes.get(name)
            if per_value is None:
                if not _is_class_name(name):
                    too_many.add(name)
                    continue
                per_value = classes[name] = {}
            counts = per_value.get(value)
            if counts is None:
                if len(per_value) >= MAX_CLASSES:
                    too_many.add(name)
                    del classes[name]
                    continue
                counts = per_value[value] = [0, 0.0]
            counts[0] += 1
            counts[1] += tiv or 0.0
    charts = []
    for name in sorted(classes)[:MAX_FIELDS_PER_SOURCE]:
        # Most rows first; ties by value, whole numbers before text (as SQLite sorts).
        order = sorted(classes[name].items(),
                       key=lambda kv: (-kv[1][0], isinstance(kv[0], str), kv[0]))
        charts.append(Chart(f"{source}: {name.replace('_', ' ')}", source, tuple(
            Bar(BarKey("field", source, str(value), name), int(n), t if with_tiv else None)
            for value, (n, t) in order)))
    return charts


def summarize(path: Path, run: RunRecord, threshold: int) -> RunSummary:
    """The Summary pane's numbers for ``run`` (stored in the run store at ``path``)."""
    tiv_cols = tiv_columns(run)
    tiv = _tiv_sql(tiv_cols)
    outcomes: list[Chart] = []
    geocoding: list[Chart] = []
    rates: dict[str, float] = {}
    fields: list[Chart] = []
    with read_connection(path) as conn:
        for source in run.sources:
            params: dict[str, Any] = {"run": run.id, "src": source, "thr": threshold}
            got = {str(k): (int(n), t) for k, n, t in conn.execute(
                f"SELECT {OUTCOME_CASE} AS k, count(*), {tiv} {ROWS_WITH_RESULT} "
                "GROUP BY k", params)}
            outcomes.append(Chart(f"{source}: rows by outcome", source, tuple(
                Bar(BarKey("outcome", source, name), got.get(name, (0, None))[0],
                    got.get(name, (0, None))[1] if tiv_cols else None)
                for name in OUTCOMES)))
            if is_geocoder(run, source):
                located = got.get("located", (0, 0))[0] + got.get("low confidence", (0, 0))[0]
                rates[source] = located / run.rows if run.rows else 0.0
                bands = {str(k): (int(n), t) for k, n, t in conn.execute(
                    f"SELECT {_BAND_CASE} AS k, count(*), {tiv} {ROWS_WITH_RESULT} "
                    "AND r.is_success = 1 AND r.confidence IS NOT NULL GROUP BY k", params)}
                geocoding.append(Chart(f"{source}: confidence of located rows", source, tuple(
                    Bar(BarKey("confidence", source, label), bands.get(label, (0, None))[0],
                        bands.get(label, (0, None))[1] if tiv_cols else None)
                    for _, label in CONFIDENCE_BANDS)))
            fields.extend(_field_charts(conn, params, _row_tiv_sql(tiv_cols), bool(tiv_cols)))
    return RunSummary(run.rows, bool(tiv_cols), tuple(outcomes), tuple(geocoding), rates,
                      tuple(fields))


def rows_for(path: Path, run_id: int, key: BarKey, threshold: int) -> list[int]:
    """The sheet row numbers a bar counts, in sheet order."""
    params: dict[str, Any] = {"run": run_id, "src": key.source, "thr": threshold,
                              "value": key.value}
    if key.kind == "outcome":
        test = f"{OUTCOME_CASE} = :value"
    elif key.kind == "confidence":
        test = f"r.is_success = 1 AND r.confidence IS NOT NULL AND {_BAND_CASE} = :value"
    else:
        params["path"] = field_path(key.field)
        test = "r.is_success = 1 AND CAST(json_extract(r.data_json, :path) AS TEXT) = :value"
    with read_connection(path) as conn:
        cursor = conn.execute(
            f"SELECT ir.row_number {ROWS_WITH_RESULT} AND {test} "
            "ORDER BY ir.row_number", params)
        return [int(n) for (n,) in cursor]


def summary_text(summary: RunSummary) -> str:
    """The summary as plain lines (for ``export --summary`` and an xlsx Summary sheet)."""
    money = summary.has_tiv
    lines = [f"{summary.rows:,} rows"]
    for chart in (*summary.outcomes, *summary.geocoding, *summary.fields):
        lines.append("")
        title = chart.title
        rate = summary.match_rates.get(chart.source)
        if chart in summary.outcomes and rate is not None:
            title += f" (match rate {rate:.0%})"
        lines.append(title)
        for bar in chart.bars:
            value = f"  {bar.tiv or 0:,.0f} insured" if money else ""
            lines.append(f"  {bar.label:<24} {bar.rows:>9,}{value}")
    return "\n".join(lines)
