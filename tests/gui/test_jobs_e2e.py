"""End to end: a real engine run against the loopback emulator feeds the jobs table to COMPLETE;
then, with the emulator stopped, the run is found in the history, reviewed and saved."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import Qt

from ping_desktop.api import PingDataClient
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine.events import Event, RunProgress
from ping_desktop.engine.polling import PollSettings
from ping_desktop.engine.runner import Engine
from ping_desktop.gui.history_view import HistoryView
from ping_desktop.gui.job_cells import JobColumn
from ping_desktop.gui.jobs_model import JobsModel
from ping_desktop.gui.jobs_view import JobsView
from ping_desktop.gui.results_view import ResultsView
from ping_desktop.gui.save_flow import SaveResultsFlow
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.e2e.workbench import create_run
from tests.gui.test_save_flow import AnsweringDialog

SOURCES = ("PG", "GG")
ROWS = [
    ("A-1", "1 Main St", "Orlando", "FL", "32801"),
    ("A-2", "200 Oak Ave", "Tampa", "FL", "33602"),
    ("A-3", "1 Main St", "Orlando", "FL", "32801"),  # same location as A-1
    ("A-4", "55 Pine Rd", "Miami", "FL", "33101"),
    ("A-5", "", "", "", ""),  # no address: not sent
    ("A-6", "9 Elm St", "Ocala", "FL", "34470"),
    ("A-7", "12 Bay Dr", "Naples", "FL", "34102"),
    ("A-8", "77 Gulf Blvd", "Destin", "FL", "32541"),
    ("A-9", "3 Lake Way", "Gainesville", "FL", "32601"),
]


def write_sov(path: Path) -> None:
    lines = ["Location ID,Street Address,City,State,ZIP"]
    lines += [",".join(row) for row in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def enhance(store: RunStore, api_url: str, sov: Path, on_event: Any) -> int:
    async with PingDataClient(api_url, TEST_TOKEN) as client:
        datasources = await client.list_datasources()
        required = {s: datasources[s].required_attrs for s in SOURCES}
        engine = Engine(
            store,
            client,
            locations_per_job=3,
            concurrent_jobs=2,
            on_event=on_event,
            poll=PollSettings(initial=0.05, cap=0.2, jitter=0.0),
        )
        run_id = await create_run(
            store, sov, SOURCES, client.origin, engine.locations_per_job, required,
            source_fields={s: list(datasources[s].output_fields) for s in SOURCES},
        )
        await engine.run(run_id)
        await engine.aclose()
        return run_id


def test_engine_run_to_complete_then_offline_review(
    qtbot: Any, run_coro: Any, emulator: Any, tmp_path: Path
) -> None:
    sov = tmp_path / "florida.csv"
    write_sov(sov)
    model = JobsModel()
    view = JobsView(model)
    qtbot.addWidget(view)
    changes: list[tuple[int, int, int, int]] = []
    inserted: list[int] = []
    resets: list[int] = []
    model.dataChanged.connect(
        lambda tl, br, _r=(): changes.append((tl.row(), br.row(), tl.column(), br.column())))
    model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    model.modelReset.connect(lambda: resets.append(1))
    gui_thread = threading.get_ident()
    off_thread: list[Event] = []

    def on_event(event: Event) -> None:
        # The model may only be touched from the GUI thread.
        if threading.get_ident() != gui_thread:
            off_thread.append(event)
        model.apply_event(event)

    store = RunStore(tmp_path / "data" / "runs.sqlite3")
    try:
        run_id = run_coro(enhance(store, emulator.api_url, sov, on_event), timeout=60000)
    finally:
        store.close()

    assert off_thread == []
    # 7 unique locations in jobs of 3: 3 jobs, each inserted once, then updated in place.
    assert model.rowCount() == 3
    assert inserted == [0, 1, 2]
    assert resets == []
    # Job events change their own row; run events only the File cells of the run's rows.
    assert changes
    assert all(first == last or (left, right) == (JobColumn.FILE, JobColumn.FILE)
               for first, last, left, right in changes)
    summary = model.run_summary(run_id)
    assert isinstance(summary, RunProgress)
    assert summary.phase is RunPhase.COMPLETE
    assert summary.file_name == "florida.csv"
    assert (summary.jobs_done, summary.jobs_total) == (3, 3)
    assert summary.locations_completed == summary.locations_total == 7
    for row in range(3):
        job = model.job_at(row)
        assert job is not None
        assert job.phase is JobPhase.COMPLETE
        assert job.completed == job.requested
        assert model.index(row, JobColumn.STATUS).data(Qt.ItemDataRole.DisplayRole) == "Done"
        assert job.server_job_id
    assert sum(model.job_at(r).requested for r in range(3)) == 7  # type: ignore[union-attr]
    view.select_job(model.job_at(0).job_id)  # type: ignore[union-attr]
    assert view.save_action.isEnabled()
    assert not view.cancel_action.isEnabled()

    # ---- offline: the emulator is gone, the app is "rebuilt" from the store file alone ----
    emulator.stop()
    reopened = RunStore(tmp_path / "data" / "runs.sqlite3")
    try:
        history = HistoryView()
        qtbot.addWidget(history)
        history.set_runs(reopened.list_runs())
        assert history.model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == "florida.csv"
        with qtbot.waitSignal(history.run_opened) as opened:
            history.open_button.click()
        assert opened.args == [run_id]

        restored = JobsModel()
        restored.load_jobs(reopened.list_runs(), reopened.jobs(run_id))
        assert restored.rowCount() == 3
        assert restored.run_is_finished(run_id)

        review = ResultsView()
        qtbot.addWidget(review)
        review.load_run(reopened, run_id, 70)
        qtbot.waitUntil(lambda: review.model.rowCount() == len(ROWS), timeout=5000)
        headers = [c.header for c in review.model.columns()]
        assert headers[:5] == ["Location ID", "Street Address", "City", "State", "ZIP"]
        assert "PG status" in headers
        assert "GG status" in headers
        review.table.selectRow(1)
        text = review.detail_text()
        assert "Location ID: A-2" in text
        assert "PG: \u2713 OK" in text
        assert "GG: \u2713 OK" in text
        assert "  latitude: " in text
        review.table.selectRow(4)
        assert "Not sent" in review.detail_text() or "Problems" in review.detail_text()
        review.model.query.close()  # type: ignore[union-attr]

        target = tmp_path / "saved" / "florida-enriched.xlsx"
        target.parent.mkdir()
        flow = SaveResultsFlow(review, reopened, run_id, None)
        flow.create_dialog = lambda: AnsweringDialog(None, target)  # type: ignore[method-assign]
        with qtbot.waitSignal(flow.finished, timeout=20000) as saved:
            flow.start()
        assert saved.args == [target]
        book = openpyxl.load_workbook(target, read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        assert len(rows) == len(ROWS) + 1
        assert [r[0] for r in rows[1:]] == [row[0] for row in ROWS]

        raw = tmp_path / "saved" / "raw.json"
        flow = SaveResultsFlow(review, reopened, run_id, None)
        flow.create_dialog = lambda: AnsweringDialog(None, raw)  # type: ignore[method-assign]
        with qtbot.waitSignal(flow.finished, timeout=20000) as saved:
            flow.start()
        folder = saved.args[0]
        assert folder == tmp_path / "saved" / "raw"
        assert len(list(folder.glob("*.json"))) == len(reopened.output_files(run_id)) >= 3
    finally:
        reopened.close()
