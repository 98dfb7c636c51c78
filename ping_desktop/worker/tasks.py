"""The worker side of the workbench (:mod:`ping_desktop.worker.workbench`).

The ``w_*`` functions run inside the worker process of
:class:`~ping_desktop.worker.pool.OffloadPool` or the thread of
:class:`~ping_desktop.worker.workbench.ThreadWorkbench` (one worker, so calls are
serialised). It keeps the tables it read and their latest plans by handle, so only previews
and summaries travel back.
"""

from __future__ import annotations

import atexit
import itertools
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from ping_desktop.intake.model import ColumnMapping, Plan, SheetTable
from ping_desktop.worker.contract import (
    PREVIEW_ROWS,
    ExportFormat,
    PlanSummary,
    ReadResult,
    TablePreview,
    WorkerLostError,
    summarise,
)

if TYPE_CHECKING:
    # Imported where used: the worker starts faster without the API and store modules.
    from ping_desktop.engine.ingest import IngestOutcome, IngestRequest
    from ping_desktop.storage.runstore import RunStore

_PLANS_KEPT = 2
_TABLES_KEPT = 4

# State of the worker process (one worker, so calls are serialised): tables by handle and,
# per table, its latest plans by id with the mapping they were made with.
_tables: OrderedDict[str, SheetTable] = OrderedDict()
# A plan is kept with the repair kinds it declined: the run made from it stores them.
_plans: dict[str, OrderedDict[str, tuple[Plan, ColumnMapping, frozenset[str]]]] = {}
_ids = itertools.count(1)
_state_lock = threading.Lock()  # the in-process mode calls from several threads


def _new_id(kind: str) -> str:
    return f"{kind}-{os.getpid()}-{next(_ids)}"


def w_ping() -> int:
    return os.getpid()


def w_read(path: Path, sheet: str | None, header_row: int | None) -> ReadResult:
    from ping_desktop.intake.mapping import guess_mapping
    from ping_desktop.intake.reader import list_sheets, read_table

    table = read_table(path, sheet=sheet, header_row=header_row)
    sheets = tuple(table.sheets) if table.sheets else tuple(list_sheets(path))
    mapping, _reasons = guess_mapping(table)
    handle = _new_id("table")
    with _state_lock:
        _tables[handle] = table
        while len(_tables) > _TABLES_KEPT:  # a leak guard: the window releases what it drops
            old, _ = _tables.popitem(last=False)
            _plans.pop(old, None)
    preview = TablePreview(table.path, table.sheet, table.sheets, table.header_row,
                           table.columns, table.rows[:PREVIEW_ROWS],
                           table.row_numbers[:PREVIEW_ROWS], table.notes, len(table.rows))
    return ReadResult(handle, sheets, preview, mapping)


def _table(handle: str) -> SheetTable:
    with _state_lock:
        table = _tables.get(handle)
    if table is None:
        raise WorkerLostError("The file is no longer loaded (the background reader restarted). "
                              "Open it again.")
    return table


def w_plan(handle: str, mapping: ColumnMapping, sources: tuple[str, ...],
           required: dict[str, tuple[str, ...]],
           declined: frozenset[str] = frozenset()) -> PlanSummary:
    from ping_desktop.intake.plan import build_plan

    plan = build_plan(_table(handle), mapping, sources, required, declined)
    plan_id = _new_id("plan")
    with _state_lock:
        kept = _plans.setdefault(handle, OrderedDict())
        kept[plan_id] = (plan, mapping, declined)
        while len(kept) > _PLANS_KEPT:
            kept.popitem(last=False)
    return summarise(plan, plan_id, declined)


def w_release(handle: str) -> None:
    with _state_lock:
        _tables.pop(handle, None)
        _plans.pop(handle, None)


def w_create_run(handle: str, plan_id: str, store_path: Path, locations_per_job: int,
                 sources: tuple[str, ...], api_origin: str, is_demo: bool,
                 source_fields: dict[str, list[str]],
                 output: dict[str, str] | None = None, concurrent_jobs: int = 1) -> int:
    from ping_desktop.engine.creation import RunInput, create_run_blocking
    from ping_desktop.storage.runstore import RunStore

    table = _table(handle)
    with _state_lock:
        found = _plans.get(handle, OrderedDict()).get(plan_id)
    if found is None:
        raise WorkerLostError("The plan of this file is no longer available. Start again.")
    plan, mapping, declined = found
    store = RunStore(store_path)
    try:
        return create_run_blocking(
            store,
            RunInput(table, mapping, plan, sources, api_origin, is_demo, source_fields, output,
                     declined),
            locations_per_job,
            concurrent_jobs,
        )
    finally:
        store.close()


def w_export(store_path: Path, run_id: int, dest: Path, fmt: ExportFormat) -> None:
    from ping_desktop.export.from_store import export_raw, export_run
    from ping_desktop.storage.runstore import RunStore

    store = RunStore(store_path)
    try:
        if fmt == "json":
            export_raw(store, run_id, dest)
        else:
            export_run(store, run_id, dest, fmt)
    finally:
        store.close()


# The worker keeps its run stores open between ingests (opening one checks the schema); a
# couple at most, closed when dropped and at exit. An unclosed one would be harmless anyway:
# every write is a committed transaction (WAL, synchronous=FULL).
_stores: OrderedDict[Path, RunStore] = OrderedDict()
_STORES_KEPT = 2


def _worker_store(path: Path) -> RunStore:
    from ping_desktop.storage.runstore import RunStore

    with _state_lock:
        store = _stores.get(path)
        if store is not None:
            _stores.move_to_end(path)
            return store
        if not _stores:
            atexit.unregister(w_close_stores)  # registered once, whatever came before
            atexit.register(w_close_stores)
        store = _stores[path] = RunStore(path)
        while len(_stores) > _STORES_KEPT:
            _old, dropped = _stores.popitem(last=False)
            dropped.close()
        return store


def w_close_stores() -> None:
    with _state_lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        store.close()


def w_ingest(request: IngestRequest) -> IngestOutcome:
    from ping_desktop.engine.ingest import ingest_output

    return ingest_output(_worker_store(request.store_path), request)


