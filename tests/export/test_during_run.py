"""The .xlsx written while its run works (export/during_run.py): rows are taken as soon as
their jobs are final, and the finished file holds exactly what an export after the run holds;
a run that ends badly or with columns no one declared leaves no file (the usual export then
runs)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.export.during_run import ExportDuringRun
from ping_desktop.export.from_store import export_run
from ping_desktop.storage.runstore import PlannedJob, RunStore

# Rows 2-7; row 7 repeats row 3's location, so it waits for job A only.
ROWS = [(2, ("1 Main St",)), (3, ("2 Oak Ave",)), (4, ("3 Elm St",)), (5, ("4 Pine Rd",)),
        (6, ("5 Lake Blvd",)), (7, ("2 Oak Ave",))]
LOCATIONS = {2: "L0", 3: "L1", 4: "L2", 5: "L3", 6: "L4", 7: "L1"}
JOB_A, JOB_B = ("L0", "L1", "L2"), ("L3", "L4")


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Polls every 50 ms (tests that check the nudges set their own)."""
    from ping_desktop.export import during_run

    monkeypatch.setattr(during_run, "POLL_SECONDS", 0.05)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    opened = RunStore(tmp_path / "runs.sqlite3")
    yield opened
    opened.close()


def _run(store: RunStore) -> int:
    return store.create_run(
        folder=store.new_run_folder(), file_name="sov.xlsx", input_path=Path("sov.xlsx"),
        input_copy=None, sheet="SOV", header_row=1, columns=["Address"],
        mapping={"fields": {"address": "Address"}}, sources=["PG"],
        api_origin="http://127.0.0.1:1", rows=ROWS,
        row_locations=list(LOCATIONS.items()),
        locations=[(loc, {"id": loc, "address": f"{loc} street"}, row)
                   for row, loc in LOCATIONS.items() if row != 7],
        jobs=[PlannedJob(JOB_A), PlannedJob(JOB_B)],
        source_fields={"PG": ["latitude", "zone"]},
    )


def _complete(store: RunStore, run_id: int, number: int, locations: tuple[str, ...],
              extra: dict[str, Any] | None = None) -> None:
    job_id = store.jobs(run_id)[number].id
    rows = [(loc, "PG", True, 95.0, None,
             json.dumps({"latitude": 40.5 + i, "zone": "X", **(extra or {})}))
            for i, loc in enumerate(locations)]
    fields = {"latitude": None, "zone": None, **dict.fromkeys(extra or {})}
    store.store_result_rows(run_id, job_id, None, rows, {"PG": fields})
    store.finish_job(job_id, JobPhase.COMPLETE, completed=len(locations), problems=0)


def _wait_for(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_rows_are_taken_as_their_jobs_finish_and_the_file_equals_a_late_export(
    store: RunStore, tmp_path: Path
) -> None:
    run_id = _run(store)
    assert store.first_pending_row(run_id) == 2
    dest = tmp_path / "early.xlsx"
    early = ExportDuringRun(store, run_id, dest)
    early.start()
    try:
        _complete(store, run_id, 0, JOB_A)
        assert store.first_pending_row(run_id) == 5  # L3 first appears on row 5
        _wait_for(lambda: early.rows_before_end == 3)  # rows 2-4; row 7 waits behind 5 and 6
        time.sleep(0.3)  # several polls later, still nothing past row 4
        assert early.rows_before_end == 3
        _complete(store, run_id, 1, JOB_B)
        assert store.first_pending_row(run_id) is None
        _wait_for(lambda: early.rows_before_end == 6)
        store.set_run_phase(run_id, RunPhase.COMPLETE)
    finally:
        stats = early.finish(True)
    assert early.error is None
    assert stats is not None
    assert stats.rows == 6
    late = tmp_path / "late.xlsx"
    export_run(store, run_id, late, "xlsx")
    got, want = _cells(dest), _cells(late)
    assert list(got) == ["SOV", "Problems", "Summary", "Run"]
    assert got["SOV"] == want["SOV"]
    assert got["Summary"] == want["Summary"]
    assert got["Problems"] == want["Problems"]
    # The Run sheet is read at the end (status, finish time), apart from the export's time.
    assert [r for r in got["Run"] if r[0] != "Exported"] == [
        r for r in want["Run"] if r[0] != "Exported"]
    assert ["Status", "COMPLETE"] in got["Run"]
    assert got["SOV"][6][0] == "2 Oak Ave"
    assert got["SOV"][6][-1] == "X"


def test_a_run_that_did_not_finish_well_leaves_no_file(store: RunStore, tmp_path: Path) -> None:
    run_id = _run(store)
    dest = tmp_path / "out.xlsx"
    early = ExportDuringRun(store, run_id, dest)
    early.start()
    _complete(store, run_id, 0, JOB_A)
    _wait_for(lambda: early.rows_before_end == 3)
    assert early.finish(False) is None  # e.g. paused: job B never finished
    assert early.error is None
    assert not any(p.suffix == ".xlsx" for p in tmp_path.iterdir())


def test_a_field_no_datasource_declared_gives_the_early_file_up(
    store: RunStore, tmp_path: Path
) -> None:
    run_id = _run(store)
    dest = tmp_path / "out.xlsx"
    early = ExportDuringRun(store, run_id, dest)
    early.start()
    _complete(store, run_id, 0, JOB_A)
    _wait_for(lambda: early.rows_before_end == 3)
    # Job B brings a field the header written at the start does not have: the rows already
    # written lack its column, so the file is given up and the usual export writes it.
    _complete(store, run_id, 1, JOB_B, {"flood_zone": "AE"})
    store.set_run_phase(run_id, RunPhase.COMPLETE)
    assert early.finish(True) is None
    assert early.error is None
    assert not any(p.suffix == ".xlsx" for p in tmp_path.iterdir())
    export_run(store, run_id, dest, "xlsx")
    header = _cells(dest)["SOV"][0]
    assert header[-1] == "PG flood zone"


def test_a_failure_is_kept_for_the_caller_and_leaves_no_file(
    store: RunStore, tmp_path: Path
) -> None:
    run_id = _run(store)
    missing = tmp_path / "no such folder" / "out.xlsx"
    early = ExportDuringRun(store, run_id, missing)
    early.start()
    assert early.finish(True) is None
    assert early.error is not None  # the usual export will say it plainly
    assert not missing.parent.exists()


def test_a_nudge_takes_new_rows_at_once_and_the_summary_is_counted_before_the_end(
    store: RunStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ping_desktop.export import during_run

    monkeypatch.setattr(during_run, "POLL_SECONDS", 60.0)  # only nudges wake it up
    counted: list[int] = []
    from ping_desktop.export.summary_sheet import summary_sheet as real_summary

    def summary(*args: Any) -> Any:
        counted.append(early.rows_before_end)
        return real_summary(*args)

    monkeypatch.setattr(during_run, "summary_sheet", summary)
    run_id = _run(store)
    early = ExportDuringRun(store, run_id, tmp_path / "out.xlsx")
    early.start()
    try:
        _complete(store, run_id, 0, JOB_A)
        early.nudge()
        _wait_for(lambda: early.rows_before_end == 3, timeout=5.0)
        _complete(store, run_id, 1, JOB_B)
        early.nudge()
        # Every job final: every row taken and the Summary counted while the run still works.
        _wait_for(lambda: counted == [6], timeout=5.0)
        store.set_run_phase(run_id, RunPhase.COMPLETE)
    finally:
        stats = early.finish(True)
    assert stats is not None
    assert counted == [6]  # not counted again at the end
