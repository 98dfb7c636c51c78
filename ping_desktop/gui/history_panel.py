"""The History tab: past runs (newest first) beside the merged results of the opened run.

Works with no network: everything comes from the local run store. The run list and the
results table are the second GUI helper's widgets (HistoryView, ResultsView); this panel
places them, loads the runs off the Qt thread and offers "Save results…" for the opened run.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from ping_desktop.domain import RunPhase
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.history_view import HistoryView
from ping_desktop.gui.results_view import ResultsView
from ping_desktop.gui.review_queue_flow import ReviewQueueFlow
from ping_desktop.gui.review_queue_view import ReviewQueueView, tab_title
from ping_desktop.gui.run_status import RunStateBanner
from ping_desktop.storage.review_queue import queue_counts
from ping_desktop.storage.runstore_records import RunRecord

if TYPE_CHECKING:
    from ping_desktop.gui.run_controller import RunController
    from ping_desktop.session import AppServices

log = logging.getLogger(__name__)

_SPLIT_KEY = "history/splitter"
_EMPTY = ("No runs yet. Open a spreadsheet on the File tab (or try the demo) and press Start: "
          "every run is listed here, and its results can be reviewed and saved at any time, "
          "even offline.")
_NO_RUN_OPEN = "Select a run in the list to review its results (works offline)."


def _count_key(run: RunRecord) -> tuple[object, ...]:
    """What changes when a run's rows to review may have changed (a resubmit, a retry)."""
    return (run.phase, run.jobs_total, run.jobs_done, run.locations_completed, run.problems)


class HistoryPanel(QWidget):
    """Run history + results review. ``save_requested(run_id)`` asks the window to save;
    ``run_selected(run_id)`` follows the selection; ``runs_loaded()`` follows each reload;
    ``run_again_requested(run_id)``: the user chose *Run again…* on a run; ``error(message,
    title)``: a review action was refused (the window shows it)."""

    save_requested = Signal(int)
    run_again_requested = Signal(int)
    error = Signal(str, str)
    run_selected = Signal(int)
    runs_loaded = Signal()

    def __init__(self, services: AppServices, tasks: TaskOwner,
                 parent: QWidget | None = None, runs: RunController | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.services = services
        self.tasks = tasks
        self._threshold = services.settings.low_confidence_threshold
        self._current: int | None = None
        self._current_phase: RunPhase | None = None
        #: What each run looked like when its rows to review were counted.
        self._counted: dict[int, tuple[object, ...]] = {}
        self.runs: list[Any] = []
        # Pane widths are remembered in a small file of the app's own settings folder.
        self._ui_settings = QSettings(str(services.paths.config_dir / "window.ini"),
                                      QSettings.Format.IniFormat)

        self.history_view = HistoryView()
        self.results_view = ResultsView()
        # The review's big reads (summary, map) run in the window's worker process.
        self.results_view.loads.pool = services.offload
        self.history_view.run_opened.connect(self.open_run)
        self.history_view.run_selected.connect(self._on_selected)
        self.results_view.save_requested.connect(self.save_requested)
        # The Needs review tab of the review (it edits and resubmits: it needs the runs).
        self.queue_view = ReviewQueueView()
        self.review_queue: ReviewQueueFlow | None = None
        if runs is not None:
            tabs = self.results_view.tabs
            tabs.addTab(self.queue_view, tab_title(None))
            self.review_queue = flow = ReviewQueueFlow(
                self.queue_view, services, runs, tasks, self.error.emit,
                lambda title: tabs.setTabText(tabs.indexOf(self.queue_view), title), self)
            flow.count_changed.connect(self.history_view.model.set_review_count)
            flow.results_changed.connect(self._on_results_changed)
        self.history_view.run_again_requested.connect(self.run_again_requested)

        # Stands in until a run is open; the results view then shows its own title line.
        self.title = QLabel(_NO_RUN_OPEN)
        self.title.setObjectName("historyTitle")
        self.title.setWordWrap(True)

        right_box = QWidget()
        right_layout = QVBoxLayout(right_box)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.results_view, 1)
        self.banner = RunStateBanner(_EMPTY, "historyRunState", self)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("historySplit")
        split.addWidget(self.history_view)
        split.addWidget(right_box)
        split.setChildrenCollapsible(False)
        # Neither pane can be squeezed until its names or the results' filter box are cut off.
        self.history_view.setMinimumWidth(260)
        right_box.setMinimumWidth(420)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([500, 740])  # room for file name, status and counts of each run
        saved = self._ui_settings.value(_SPLIT_KEY)
        if isinstance(saved, QByteArray):
            split.restoreState(saved)
        split.splitterMoved.connect(self._remember_widths)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        """Reload the list of runs from the store (in a worker thread)."""
        self.tasks.start(self._refresh(), "history-refresh", preempt=True)

    async def _refresh(self) -> None:
        self.runs = await asyncio.to_thread(self.services.run_store.list_runs)
        self.history_view.set_runs(self.runs)
        current = self.record(self._current) if self._current is not None else None
        if current is not None and current.phase is not self._current_phase:
            # The open run moved on (stopped, finished): its title and results follow.
            self.open_run(current.id)
        if not self.runs:
            self.title.setText(_EMPTY)
            self.title.setVisible(True)
        elif self._current is None:
            self.title.setText(_NO_RUN_OPEN)
        self.runs_loaded.emit()
        await self._count_to_review()

    async def _count_to_review(self) -> None:
        # Only runs that ended (a running run's rows are still on their way), and only those
        # that moved since last counted: a count takes ~0.2 s of CPU on a 100,000-row run.
        # Accepts and edits in this window update their run's count directly.
        stale = {r.id: _count_key(r) for r in self.runs
                 if r.phase.is_final and self._counted.get(r.id) != _count_key(r)}
        if not stale:
            return
        store, threshold = self.services.run_store, self._threshold
        counts = await asyncio.to_thread(queue_counts, store, list(stale), threshold)
        if threshold == self._threshold:
            self._counted.update(stale)
            self.history_view.model.set_review_counts(counts)

    def record(self, run_id: int) -> RunRecord | None:
        """The stored run ``run_id`` as last loaded, if listed."""
        return next((r for r in self.runs if r.id == run_id), None)

    def selected_run(self) -> int | None:
        """The run selected in the list, if any."""
        return self.history_view.selected_run_id()

    def _on_selected(self, run_id: int) -> None:
        # Selecting a run opens it (a second load of the one already open is skipped: the
        # list is reloaded, and the selection restored, whenever a run changes phase).
        if run_id != self._current:
            self.open_run(run_id)
        self.run_selected.emit(run_id)

    def _remember_widths(self, _pos: int, _index: int) -> None:
        self._ui_settings.setValue(_SPLIT_KEY, self.split.saveState())

    def open_run(self, run_id: int) -> None:
        """Show ``run_id``'s merged results."""
        self._current = run_id
        record = self.record(run_id)
        self._current_phase = record.phase if record is not None else None
        self.title.setVisible(False)
        self.results_view.load_run(self.services.run_store, run_id, self._threshold)
        if self.review_queue is not None:
            # A run not listed yet has just been started: it is still working too (reading
            # its queue of 100,000 rows while they arrive held the GIL for seconds).
            if record is None or not record.phase.is_final:
                self.review_queue.wait_for_end(run_id)  # opened again when it ends
            else:
                self.review_queue.load(run_id, self._threshold)

    def _on_results_changed(self, run_id: int) -> None:
        # A run or a resubmit ended: the table, summary and map of the open run are read
        # again, once, by the refresh (which also brings its new phase). Opening it here as
        # well read a 100,000-row run twice at once, each read competing for the GIL.
        if run_id == self._current:
            self._current_phase = None
        self.refresh()

    def current_run(self) -> int | None:
        """The run shown in the results table, if any."""
        return self._current

    def set_threshold(self, threshold: int) -> None:
        """New low-confidence threshold: reload the open run with it."""
        self._threshold = threshold
        if self._current is not None:
            self.open_run(self._current)
        self._counted.clear()  # History's counts of rows to review follow the threshold
        self.refresh()
