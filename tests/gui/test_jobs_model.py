"""JobsModel: rows appear once per job and then only change in place."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImage

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine.events import JobProgress, RunProgress
from ping_desktop.gui.job_cells import FRACTION_ROLE, JobColumn
from ping_desktop.gui.job_texts import format_duration, job_status_text
from ping_desktop.gui.jobs_model import JobsModel
from ping_desktop.gui.jobs_view import JobsView
from ping_desktop.storage.runstore_records import JobRecord, RunRecord

DISPLAY = Qt.ItemDataRole.DisplayRole


def job(job_id: int = 11, run_id: int = 1, number: int = 1, **changes: Any) -> JobProgress:
    base = JobProgress(
        run_id=run_id,
        job_id=job_id,
        job_number=number,
        job_count=3,
        server_job_id=None,
        phase=JobPhase.WAITING,
        requested=100,
        completed=0,
        problems=0,
        elapsed_seconds=None,
        eta_seconds=None,
    )
    return replace(base, **changes)


def run(run_id: int = 1, **changes: Any) -> RunProgress:
    base = RunProgress(
        run_id=run_id,
        file_name="sov.xlsx",
        phase=RunPhase.RUNNING,
        jobs_total=3,
        jobs_done=0,
        locations_total=300,
        locations_completed=0,
        problems=0,
        elapsed_seconds=1.0,
        eta_seconds=60.0,
    )
    return replace(base, **changes)


class Recorder:
    """Every structural and data signal the model emits."""

    def __init__(self, model: JobsModel) -> None:
        self.inserted: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int, int, int]] = []
        self.resets = 0
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.dataChanged.connect(
            lambda tl, br, _roles=(): self.changed.append(
                (tl.row(), tl.column(), br.row(), br.column())
            )
        )
        model.modelReset.connect(self._reset)
        model.layoutChanged.connect(self._reset)
        model.rowsRemoved.connect(lambda *_: self._reset())

    def _reset(self) -> None:
        self.resets += 1


def test_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = JobsModel()
    model.apply_event(run())
    for number in (1, 2, 3):
        model.apply_event(job(job_id=10 + number, number=number, phase=JobPhase.QUEUED))
    model.apply_event(job(job_id=12, number=2, phase=JobPhase.IN_PROGRESS, completed=40))
    qtmodeltester.check(model)


def test_new_job_inserts_one_row_then_updates_only_that_row(qtbot: Any) -> None:
    model = JobsModel()
    rec = Recorder(model)
    model.apply_event(job(job_id=11, number=1))
    model.apply_event(job(job_id=12, number=2))
    assert rec.inserted == [(0, 0), (1, 1)]

    for completed in (10, 50, 75):
        model.apply_event(job(job_id=12, number=2, phase=JobPhase.IN_PROGRESS, completed=completed))
    assert rec.inserted == [(0, 0), (1, 1)]
    assert rec.resets == 0
    last = len(JobColumn) - 1
    assert rec.changed == [(1, 0, 1, last)] * 3
    assert model.rowCount() == 2
    assert model.index(1, JobColumn.PROGRESS).data(DISPLAY) == "75 / 100"
    assert model.index(1, JobColumn.PROGRESS).data(FRACTION_ROLE) == (75, 100)
    assert model.index(0, JobColumn.PROGRESS).data(DISPLAY) == "0 / 100"


def test_identical_event_emits_nothing() -> None:
    model = JobsModel()
    model.apply_event(job())
    rec = Recorder(model)
    model.apply_event(job())
    assert rec.changed == []


def test_run_progress_changes_only_file_cells_of_its_own_rows() -> None:
    model = JobsModel()
    model.apply_event(job(job_id=11, run_id=1))
    model.apply_event(job(job_id=21, run_id=2))
    model.apply_event(job(job_id=12, run_id=1, number=2))
    assert model.index(0, JobColumn.FILE).data(DISPLAY) == "Run 1"
    rec = Recorder(model)
    model.apply_event(run(run_id=1, locations_completed=120, jobs_done=1, problems=4))
    assert rec.changed == [(0, 0, 0, 0), (2, 0, 2, 0)]
    assert rec.resets == 0
    assert rec.inserted == []
    assert model.index(0, JobColumn.FILE).data(DISPLAY) == "sov.xlsx"
    tooltip = model.index(2, JobColumn.FILE).data(Qt.ItemDataRole.ToolTipRole)
    assert "120 of 300" in tooltip
    assert "4 with problems" in tooltip
    assert model.index(1, JobColumn.FILE).data(DISPLAY) == "Run 2"


def test_run_progress_signals_adjacent_rows_of_a_run_as_one_block() -> None:
    model = JobsModel()
    for number in (1, 2, 3):
        model.apply_event(job(job_id=10 + number, run_id=1, number=number))
    model.apply_event(job(job_id=21, run_id=2))
    model.apply_event(job(job_id=14, run_id=1, number=4))
    rec = Recorder(model)
    model.apply_event(run(run_id=1, jobs_done=2))
    assert rec.changed == [(0, 0, 2, 0), (4, 0, 4, 0)]


@pytest.mark.parametrize(
    ("phase", "words"),
    [
        (JobPhase.WAITING, "Waiting to be sent"),
        (JobPhase.SUBMITTING, "Sending to Ping.Data"),
        (JobPhase.QUEUED, "Queued on the server"),
        (JobPhase.IN_PROGRESS, "Working"),
        (JobPhase.DOWNLOADING, "Downloading results"),
        (JobPhase.COMPLETE, "Done"),
    ],
)
def test_phases_read_as_plain_words(phase: JobPhase, words: str) -> None:
    model = JobsModel()
    model.apply_event(job(phase=phase))
    assert model.index(0, JobColumn.STATUS).data(DISPLAY) == words
    assert phase.value not in words  # never the raw enum name


@pytest.mark.parametrize("phase", [JobPhase.UNCERTAIN, JobPhase.NEEDS_ATTENTION, JobPhase.FAILED])
def test_states_needing_the_user_show_message_and_advice(phase: JobPhase) -> None:
    model = JobsModel()
    message = "The API token was refused. Enter a new token in Settings."
    model.apply_event(job(phase=phase, message=message))
    model.apply_event(job(job_id=12, number=2, phase=phase))  # no message from the engine
    cell = model.index(0, JobColumn.STATUS)
    assert message in cell.data(DISPLAY)
    assert message in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert cell.data(Qt.ItemDataRole.DecorationRole) is not None  # not colour alone
    # Without a message of its own, the tooltip still says what to do.
    bare = model.index(1, JobColumn.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert len(bare.splitlines()) >= 2
    assert any(word in bare for word in ("Retry failed rows", "Resume run", "Submit again"))


def test_uncertain_advice_names_both_choices() -> None:
    text = job_status_text(JobPhase.UNCERTAIN, None)
    assert text == "Not sure it was received"
    model = JobsModel()
    model.apply_event(job(phase=JobPhase.UNCERTAIN))
    tooltip = model.index(0, JobColumn.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert "Submit again" in tooltip
    assert "Don't resubmit" in tooltip


def test_job_column_and_server_id_tooltip() -> None:
    model = JobsModel()
    model.apply_event(job(number=2, server_job_id="abc-123"))
    cell = model.index(0, JobColumn.JOB)
    assert cell.data(DISPLAY) == "2 of 3"
    assert "abc-123" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_eta_hidden_once_final_and_elapsed_kept() -> None:
    model = JobsModel()
    model.apply_event(job(phase=JobPhase.IN_PROGRESS, elapsed_seconds=125, eta_seconds=30))
    assert model.index(0, JobColumn.ELAPSED).data(DISPLAY) == "2 min 05 s"
    assert model.index(0, JobColumn.ETA).data(DISPLAY) == "30 s"
    model.apply_event(job(phase=JobPhase.COMPLETE, completed=100, eta_seconds=30))
    assert model.index(0, JobColumn.ETA).data(DISPLAY) == ""
    assert model.index(0, JobColumn.ELAPSED).data(DISPLAY) == "2 min 05 s"


def test_format_duration() -> None:
    assert format_duration(None) == ""
    assert format_duration(0.4) == "0 s"
    assert format_duration(59) == "59 s"
    assert format_duration(3725) == "1 h 02 min"


def test_load_jobs_restores_from_records(qtmodeltester: Any) -> None:
    now = dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.UTC)
    record = RunRecord(
        id=7,
        created_at=now,
        file_name="old.csv",
        input_path=Path("/x/old.csv"),
        input_copy=None,
        sheet=None,
        header_row=1,
        columns=("a",),
        mapping={},
        sources=("PG",),
        api_origin="http://127.0.0.1",
        phase=RunPhase.PAUSED,
        rows=10,
        unique_locations=10,
        rows_with_problems=0,
        jobs_total=2,
        jobs_done=1,
        locations_completed=5,
        problems=0,
        is_demo=False,
        message=None,
        finished_at=None,
    )
    jobs = [
        JobRecord(
            id=71 + i,
            run_id=7,
            number=i + 1,
            server_job_id=f"s{i}",
            phase=phase,
            requested=5,
            completed=done,
            problems=0,
            location_count=5,
            submitted_at=now,
            finished_at=now + dt.timedelta(seconds=42) if done else None,
            message=None,
        )
        for i, (phase, done) in enumerate([(JobPhase.COMPLETE, 5), (JobPhase.QUEUED, 0)])
    ]
    model = JobsModel()
    model.load_jobs([record], list(reversed(jobs)))
    assert model.rowCount() == 2
    assert [model.index(r, JobColumn.JOB).data(DISPLAY) for r in (0, 1)] == ["1 of 2", "2 of 2"]
    assert model.index(0, JobColumn.FILE).data(DISPLAY) == "old.csv"
    assert model.index(0, JobColumn.ELAPSED).data(DISPLAY) == "42 s"
    assert model.index(1, JobColumn.STATUS).data(DISPLAY) == "Queued on the server"
    assert not model.run_is_finished(7)
    qtmodeltester.check(model)
    # Events after a restore update the restored rows in place.
    rec = Recorder(model)
    model.apply_event(job(job_id=72, run_id=7, number=2, phase=JobPhase.COMPLETE, completed=5))
    assert rec.inserted == []
    assert rec.changed == [(1, 0, 1, len(JobColumn) - 1)]


def test_progress_delegate_paints_mid_run(qtbot: Any) -> None:
    model = JobsModel()
    model.apply_event(run())
    model.apply_event(job(job_id=11, phase=JobPhase.COMPLETE, completed=100))
    model.apply_event(job(job_id=12, number=2, phase=JobPhase.IN_PROGRESS, completed=75))
    model.apply_event(job(job_id=13, number=3, phase=JobPhase.WAITING))
    view = JobsView(model)
    qtbot.addWidget(view)
    view.resize(900, 240)
    view.show()
    image = QImage(view.size(), QImage.Format.Format_ARGB32)
    image.fill(0)
    view.render(image)

    def pixel(row: int, fraction: float) -> int:
        rect = view.table.visualRect(model.index(row, JobColumn.PROGRESS))
        point = view.table.viewport().mapTo(view, rect.topLeft())
        # Near the top edge of the bar, away from the centred text.
        return image.pixel(point.x() + int(rect.width() * fraction), point.y() + 6)

    # 75 % done: the filled part differs from the empty end; 0 % done: both ends alike.
    assert pixel(1, 0.1) != pixel(1, 0.95)
    assert pixel(2, 0.1) == pixel(2, 0.95)
    assert model.index(1, JobColumn.PROGRESS).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "75 of 100 locations done"
    )
    assert model.rowCount(model.index(0, 0)) == 0  # flat: no children under a cell
    assert model.rowCount(QModelIndex()) == 3


def test_load_jobs_keeps_events_that_arrived_first() -> None:
    now = dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.UTC)
    stored = JobRecord(
        id=71,
        run_id=7,
        number=1,
        server_job_id="s1",
        phase=JobPhase.QUEUED,
        requested=5,
        completed=0,
        problems=0,
        location_count=5,
        submitted_at=now,
        finished_at=None,
        message=None,
    )
    model = JobsModel()
    # The store was read in a worker thread while the engine already reported progress.
    model.apply_event(job(job_id=71, run_id=7, phase=JobPhase.IN_PROGRESS, completed=3))
    model.apply_event(job(job_id=90, run_id=9, phase=JobPhase.SUBMITTING))
    model.load_jobs([], [stored])
    assert model.rowCount() == 2
    assert model.job_at(0).completed == 3  # type: ignore[union-attr]
    assert model.job_at(1).job_id == 90  # type: ignore[union-attr]
    assert model.row_of_job(90) == 1


def test_coalescing_model_signals_each_changed_block_once_per_interval(qtbot: Any) -> None:
    model = JobsModel(coalesce_ms=50)
    for number in (1, 2, 3):
        model.apply_event(job(job_id=10 + number, run_id=1, number=number))
    model.apply_event(job(job_id=21, run_id=2))
    rec = Recorder(model)
    for completed in (10, 20, 30):
        model.apply_event(job(job_id=12, run_id=1, number=2, phase=JobPhase.IN_PROGRESS,
                              completed=completed))
    model.apply_event(run(run_id=1, jobs_done=1))
    # The data are current at once; the signals wait for the interval.
    assert model.index(1, JobColumn.PROGRESS).data(DISPLAY) == "30 / 100"
    assert rec.changed == []
    qtbot.waitUntil(lambda: bool(rec.changed), timeout=2000)
    last = len(JobColumn) - 1
    # Row 1 changed whole (three events, one signal); rows 0 and 2 only in their File cell.
    assert sorted(rec.changed) == [(0, 0, 0, 0), (1, 0, 1, last), (2, 0, 2, 0)]
    assert rec.resets == 0
    rec.changed.clear()
    model.apply_event(job(job_id=21, run_id=2, phase=JobPhase.COMPLETE, completed=100))
    model.flush()  # at once, e.g. before the window closes
    assert rec.changed == [(3, 0, 3, last)]
    qtbot.wait(120)
    assert rec.changed == [(3, 0, 3, last)]  # nothing left for the timer


def test_run_totals_alone_repaint_nothing_but_tell_the_view(qtbot: Any) -> None:
    model = JobsModel()
    model.apply_event(job(job_id=11, run_id=1))
    model.apply_event(run(run_id=1))  # the file name appears: its cells change
    rec = Recorder(model)
    runs: list[int] = []
    model.runs_changed.connect(lambda: runs.append(1))
    model.apply_event(run(run_id=1, locations_completed=150, jobs_done=1))
    assert rec.changed == []  # same file name: totals live in the tooltip, read when shown
    assert runs == [1]
    assert "150 of 300" in model.index(0, JobColumn.FILE).data(Qt.ItemDataRole.ToolTipRole)
    model.apply_event(run(run_id=1, locations_completed=150, jobs_done=1))
    assert runs == [1]  # identical event: nothing


def _records(count: int) -> tuple[RunRecord, list[JobRecord]]:
    now = dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.UTC)
    run_record = RunRecord(
        id=8, created_at=now, file_name="big.xlsx", input_path=Path("/x/big.xlsx"),
        input_copy=None, sheet=None, header_row=1, columns=("a",), mapping={},
        sources=("PG",), api_origin="http://127.0.0.1", phase=RunPhase.READY, rows=count * 5,
        unique_locations=count * 5, rows_with_problems=0, jobs_total=count, jobs_done=0,
        locations_completed=0, problems=0, is_demo=False, message=None, finished_at=None)
    jobs = [JobRecord(id=80 + i, run_id=8, number=i + 1, server_job_id=None,
                      phase=JobPhase.WAITING, requested=0, completed=0, problems=0,
                      location_count=5, submitted_at=None, finished_at=None, message=None)
            for i in range(count)]
    return run_record, jobs


def test_add_jobs_shows_a_new_run_in_one_insertion_and_keeps_live_rows(
        qtmodeltester: Any) -> None:
    model = JobsModel()
    run_record, jobs = _records(5)
    # The second job already reported progress before the run's list arrived.
    model.apply_event(job(job_id=81, run_id=8, number=2, job_count=5, phase=JobPhase.IN_PROGRESS,
                          completed=3, requested=5))
    rec = Recorder(model)
    model.add_jobs(run_record, list(reversed(jobs)))
    assert rec.inserted == [(1, 4)]  # one signal for the four new rows
    assert rec.resets == 0
    assert model.rowCount() == 5
    assert [model.job_at(r).job_number for r in range(5)] == [2, 1, 3, 4, 5]  # type: ignore[union-attr]
    assert model.index(0, JobColumn.PROGRESS).data(DISPLAY) == "3 / 5"  # live state kept
    assert model.index(1, JobColumn.STATUS).data(DISPLAY) == "Waiting to be sent"
    assert model.index(4, JobColumn.JOB).data(DISPLAY) == "5 of 5"
    assert model.index(4, JobColumn.FILE).data(DISPLAY) == "big.xlsx"
    model.add_jobs(run_record, jobs)  # again: nothing new
    assert rec.inserted == [(1, 4)]
    qtmodeltester.check(model)


def test_a_job_added_to_the_run_renumbers_every_row_of_it() -> None:
    # A resubmit (or a split) adds a job after the first one finished: its row must not stay
    # "1 of 1" beside the new "2 of 2", which read as two runs.
    model = JobsModel()
    model.apply_event(job(job_id=11, job_count=1, phase=JobPhase.COMPLETE))
    model.apply_event(run(jobs_total=1, jobs_done=1, phase=RunPhase.COMPLETE))
    assert model.index(0, JobColumn.JOB).data(DISPLAY) == "1 of 1"
    rec = Recorder(model)
    model.apply_event(job(job_id=12, number=2, job_count=2))
    model.apply_event(run(jobs_total=2, jobs_done=1, phase=RunPhase.COMPLETE))
    assert [model.index(r, JobColumn.JOB).data(DISPLAY) for r in (0, 1)] == ["1 of 2", "2 of 2"]
    # The first row is repainted whole (its Job cell changed), not only its File cell.
    assert any(top == 0 and right == len(JobColumn) - 1 for top, _l, _b, right in rec.changed)
    tip = model.index(0, JobColumn.JOB).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Job 1 of 2")
