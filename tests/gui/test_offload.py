"""The window's heavy intake and export work runs in the worker process (engine.offload): the
window gets a preview and a plan summary, the worker stores runs and writes exports."""

from __future__ import annotations

import gc
import itertools
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.intake.mapping import guess_mapping
from ping_desktop.intake.plan import build_plan
from ping_desktop.intake.reader import read_table
from ping_desktop.storage.runstore import RunStore
from ping_desktop.worker.contract import (
    PREVIEW_ROWS,
    PlanSummary,
    TablePreview,
    WorkerLostError,
)
from ping_desktop.worker.pool import OffloadPool
from tests.gui.helpers import SAMPLE, wait_loaded


def _worker_pid(handle: str) -> int:
    return int(handle.split("-")[1])  # "table-<pid>-<n>"


def test_window_reads_and_plans_in_the_worker_process(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.open_files([SAMPLE])
    wait_loaded(qtbot, window, SAMPLE.name)
    loaded, plan = window.intake.current, window.intake.plan
    assert _worker_pid(loaded.handle) != os.getpid()
    # Only a preview crosses to the window; the counts are those of the whole sheet.
    table = read_table(SAMPLE)
    assert isinstance(loaded.table, TablePreview)
    assert loaded.table.row_count == len(table.rows)
    assert loaded.table.rows == table.rows[:PREVIEW_ROWS]
    assert loaded.table.columns == table.columns
    assert loaded.mapping.fields == guess_mapping(table)[0].fields
    assert isinstance(plan, PlanSummary)
    expected = build_plan(table, loaded.mapping, plan.sources)
    assert (plan.rows, plan.unique_locations, plan.rows_with_problems, plan.sendable_rows) == (
        expected.rows, expected.unique_locations, expected.rows_with_problems,
        expected.sendable_rows)
    assert plan.problem_count == len(expected.problems)
    assert f"{len(table.rows):,} data rows" in window.mapping_panel.summary.text()


def test_worker_stores_the_run_and_exports_it(
    qtbot: Any, run_coro: Any, tmp_path: Path
) -> None:
    pool = OffloadPool()
    try:
        assert run_coro(pool.start(), timeout=60_000) != os.getpid()
        read = run_coro(pool.read(SAMPLE), timeout=60_000)
        summary = run_coro(pool.plan(read.handle, read.mapping, ("PG",), {}), timeout=60_000)
        store_path = tmp_path / "runs.sqlite3"
        RunStore(store_path).close()
        run_id = run_coro(pool.create_run(
            read.handle, summary.plan_id, store_path=store_path, locations_per_job=25,
            sources=("PG",), api_origin="http://127.0.0.1:1"), timeout=60_000)
        store = RunStore(store_path)
        try:
            run = store.get_run(run_id)
            assert run.rows == read.preview.row_count
            assert run.unique_locations == summary.unique_locations
            assert run.jobs_total == -(-summary.unique_locations // 25)
        finally:
            store.close()
        dest = tmp_path / "out.xlsx"
        run_coro(pool.export(store_path, run_id, dest, "xlsx"), timeout=60_000)
        book = openpyxl.load_workbook(dest, read_only=True)
        try:
            # The rows above the header come back above it: the header keeps its row number.
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = next(itertools.islice(rows, read.preview.header_row - 1, None))
        finally:
            book.close()
        assert list(header[: len(read.preview.columns)]) == list(read.preview.columns)
        # A released table is gone from the worker: planning it again says so plainly.
        run_coro(pool.release(read.handle), timeout=60_000)
        with pytest.raises(WorkerLostError, match="Open it again"):
            run_coro(pool.plan(read.handle, read.mapping, ("PG",), {}), timeout=60_000)
    finally:
        pool.shutdown()


def test_heap_is_frozen_after_start_up(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: not window.tasks.running("warm-imports"), timeout=60_000)
    assert gc.get_freeze_count() > 0
