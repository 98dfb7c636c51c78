"""Exporting a stored run: the user's rows with result columns, a Problems list and run info.

Everything comes from the run store and the run folder, so exports work offline, any time
after the run, and stream (rows are read and written one at a time).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from ping_desktop import __version__
from ping_desktop.export import (
    EnrichedTable,
    ExportError,
    ExportStats,
    ProblemRow,
    ResultColumn,
    copy_raw_outputs,
    result_columns_for,
    write_csv,
    write_xlsx,
)
from ping_desktop.export.address_columns import (
    ADDRESS_SENT,
    CHECKS,
    CORRECTED,
    address_sent,
    checks_by_row,
)
from ping_desktop.export.summary_sheet import summary_sheet
from ping_desktop.storage.runstore import CellValue, RunRecord, RunStore, SourceResult
from ping_desktop.storage.runstore_rows import RowRange

STATUS_OK = "OK"
_STATUS, _CONFIDENCE = "status", "confidence"


def fields_by_source(run: RunRecord) -> dict[str, list[str]]:
    """Result fields per chosen source: the datasource's documented order when known, then
    any other field its results carried (first-seen order), so nothing returned is dropped."""
    out: dict[str, list[str]] = {}
    for source in run.sources:
        declared = list(run.source_fields.get(source, ()))
        extra = [f for f in run.observed_fields.get(source, ()) if f not in set(declared)]
        out[source] = declared + extra
    return out


def _cell(result: SourceResult, field: str) -> Any:
    if field == _STATUS:
        return STATUS_OK if result.is_success else (result.error_message or "Failed")
    if field == _CONFIDENCE:
        conf = result.confidence
        return int(conf) if conf is not None and conf.is_integer() else conf
    return result.data.get(field)


def _blocks(columns: Sequence[ResultColumn]) -> list[tuple[str, tuple[str, ...]]] | None:
    """Columns as contiguous per-source blocks ``status, confidence, *fields`` (the layout of
    :func:`result_columns_for`), or None if they are laid out otherwise."""
    blocks: list[tuple[str, list[str]]] = []
    for rc in columns:
        if not blocks or blocks[-1][0] != rc.source:
            blocks.append((rc.source, []))
        blocks[-1][1].append(rc.field)
    if len({source for source, _ in blocks}) != len(blocks) or any(
        fields[:2] != [_STATUS, _CONFIDENCE] for _, fields in blocks
    ):
        return None
    return [(source, tuple(fields[2:])) for source, fields in blocks]


def _rows(
    store: RunStore, run_id: int, columns: Sequence[ResultColumn], rows: RowRange = None
) -> Iterator[tuple[Sequence[CellValue], Sequence[Any]]]:
    blocks = _blocks(columns)
    if blocks is None:
        yield from _rows_any_layout(store, run_id, columns, rows)
        return
    blanks = {source: (None,) * (2 + len(fields)) for source, fields in blocks}
    # This loop runs once per input row (100k+): it avoids a function call per cell.
    for _, values, results in store.iter_rows_raw(run_id, rows):
        if not results:
            yield values, ()
            continue
        out: list[Any] = []
        for source, fields in blocks:
            result = results.get(source)
            if result is None:
                out.extend(blanks[source])
                continue
            ok, conf, error, data = result
            out.append(STATUS_OK if ok else (error or "Failed"))
            out.append(int(conf) if conf is not None and conf.is_integer() else conf)
            out.extend(map(data.get, fields))
        yield values, out


def _rows_any_layout(
    store: RunStore, run_id: int, columns: Sequence[ResultColumn], rows: RowRange = None
) -> Iterator[tuple[Sequence[CellValue], Sequence[Any]]]:
    plan = [(rc.source, rc.field) for rc in columns]
    for _, values, raw in store.iter_rows_raw(run_id, rows):
        results = {source: SourceResult(source, ok, conf, err, data)
                   for source, (ok, conf, err, data) in raw.items()}
        if not results:
            yield values, ()
            continue
        out: list[Any] = []
        for source, field in plan:
            result = results.get(source)
            out.append(None if result is None else _cell(result, field))
        yield values, out


def _problems(store: RunStore, run: RunRecord) -> Iterator[ProblemRow]:
    intake: Iterable[ProblemRow] = (
        ProblemRow(p.row_number or 0, None, p.message, p.kind)
        for p in store.row_problems(run.id)
    )
    chosen = set(run.sources)
    failed: Iterable[ProblemRow] = (
        ProblemRow(row, source, message or f"{source} returned no data.")
        for row, source, message in store.failed_results(run.id)
        if source in chosen
    )
    missing: Iterable[ProblemRow] = (
        ProblemRow(row, source, f"No {source} result: the job for this row did not complete.")
        for row, source in store.rows_missing_results(run.id)
    )
    yield from heapq.merge(intake, failed, missing, key=lambda p: p.row)


def _when(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z") if value else ""


def run_info(
    store: RunStore, run: RunRecord, rows_above_header: int = 0
) -> list[tuple[str, str]]:
    """The Run sheet: where the data came from and how the run went."""
    jobs = store.jobs(run.id)
    info = [
        ("File", run.file_name),
        ("Sheet", run.sheet or ""),
        ("Header row", str(run.header_row or "")),
    ]
    if rows_above_header:
        info.append(("Rows above the header", f"{rows_above_header}, copied as they were"))
    info += [
        ("Sources", ", ".join(run.sources)),
        ("Address repairs declined", ", ".join(sorted(run.declined_repairs)) or "none"),
        ("API origin", run.api_origin),
        ("Run", str(run.id)),
        ("Status", run.phase.value),
        ("Message", run.message or ""),
        ("Started", _when(run.created_at)),
        ("Finished", _when(run.finished_at)),
        ("Rows", str(run.rows)),
        ("Unique locations", str(run.unique_locations)),
        ("Rows with input problems", str(run.rows_with_problems)),
        ("Locations with results", str(run.locations_completed)),
        ("Locations lacking a result", str(run.problems)),
        ("Jobs", str(len(jobs))),
        ("Job ids", ", ".join(j.server_job_id for j in jobs if j.server_job_id)),
        ("Exported", _when(dt.datetime.now(dt.UTC))),
        ("App version", f"Ping Desktop {__version__}"),
    ]
    if run.is_demo:
        info.insert(0, ("Data", "DEMO: synthetic results from the built-in emulator"))
    return info


def _with_address_columns(
    store: RunStore, run_id: int, rows: Iterator[tuple[Sequence[CellValue], Sequence[Any]]],
    width: int, corrected: frozenset[int], checks: dict[int, str], row_range: RowRange = None,
) -> Iterator[tuple[Sequence[CellValue], Sequence[Any]]]:
    """Each row's *Address sent* and *Checks* cells in front of its result cells, and its
    *Corrected* cell when the run has rows corrected in review (``corrected``).

    The payloads stream in step with the rows (both in sheet order, one per input row, in
    ``row_range``); only the rows that have problems are held, as one text each (``checks``).
    """
    blanks = (None,) * width
    payloads = store.row_payloads(run_id, row_range)
    for (row, payload), (values, results) in zip(payloads, rows, strict=True):
        sent = address_sent(payload)
        if corrected:
            yield values, [sent, checks.get(row), sent if row in corrected else None,
                           *(results or blanks)]
        else:
            yield values, [sent, checks.get(row), *(results or blanks)]


def _table_rows(
    store: RunStore, run_id: int, columns: Sequence[ResultColumn], corrected: frozenset[int],
    ranges: Iterable[RowRange],
) -> Iterator[tuple[Sequence[CellValue], Sequence[Any]]]:
    checks = checks_by_row((p.row_number, p.message) for p in store.row_problems(run_id))
    for rows in ranges:
        yield from _with_address_columns(store, run_id, _rows(store, run_id, columns, rows),
                                         len(columns), corrected, checks, rows)


def layout(store: RunStore, run: RunRecord) -> tuple[list[ResultColumn], frozenset[int]]:
    """The run's result columns and the rows corrected in review (issue 14; a run without any
    keeps exactly the columns it always had): what the export's columns follow from."""
    columns = result_columns_for(list(run.sources), fields_by_source(run))
    return columns, frozenset(store.corrected_rows(run.id))


def build_table(store: RunStore, run_id: int,
                row_ranges: Iterable[RowRange] | None = None) -> EnrichedTable:
    """The run as an :class:`EnrichedTable` whose rows stream from the store: the user's cells
    as they were, then *Address sent* (what each row was sent as) and *Checks* (what intake
    found on that row), *Corrected* (the address sent for rows corrected in review, when there
    are any), then the result columns. ``row_ranges`` are read one after the other (ranges
    of sheet row numbers, in order, together covering every row once); by default all rows
    at once."""
    run = store.get_run(run_id)
    columns, corrected = layout(store, run)
    preamble = store.preamble(run_id)
    return EnrichedTable(
        sheet_name=run.sheet or Path(run.file_name).stem or "Sheet1",
        columns=list(run.columns),
        result_columns=[ADDRESS_SENT, CHECKS, *([CORRECTED] if corrected else []), *columns],
        rows=_table_rows(store, run_id, columns, corrected,
                         [None] if row_ranges is None else row_ranges),
        problems=_problems(store, run),
        run_info=run_info(store, run, len(preamble)),
        header_row_values=preamble,
    )


def export_run(
    store: RunStore, run_id: int, dest: Path, fmt: Literal["xlsx", "csv"],
    low_confidence_threshold: int | None = None,
) -> ExportStats:
    """Write the enriched run to ``dest`` as .xlsx (with a Summary sheet counting "low
    confidence" below ``low_confidence_threshold``, None: the one in Settings) or .csv
    (blocking; no network)."""
    dest = Path(dest)
    run = store.get_run(run_id)
    check_not_input(run, dest)
    table = build_table(store, run_id)
    if fmt == "xlsx":
        table.extra_sheets = [summary_sheet(store.path, run, low_confidence_threshold)]
        return write_xlsx(table, dest)
    if fmt == "csv":
        return write_csv(table, dest)
    raise ExportError(f"Unknown export format {fmt!r}: choose xlsx or csv.")


def check_not_input(run: RunRecord, dest: Path) -> None:
    """Refuse to export ``run`` over its own input file (or the copy in its folder)."""
    for source in (run.input_copy, run.input_path):
        if source is not None and _same_file(source, dest):
            raise ExportError(
                f"{dest.name} is the input file; choose another name so the original is kept."
            )


def export_raw(store: RunStore, run_id: int, dest_dir: Path) -> list[Path]:
    """Copy the run's raw output JSON files into ``dest_dir``; returns the new paths."""
    return copy_raw_outputs(store.output_files(run_id), Path(dest_dir))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.exists() and a.samefile(b))
    except OSError:
        return False
