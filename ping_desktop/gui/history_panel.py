"""The History tab: past runs (newest first) beside the merged results of the opened run.

Works with no network: everything comes from the local run store. The run list and the
results table are the second GUI helper's widgets (HistoryView, ResultsView); this panel
places them, loads the runs off the Qt thread and offers "Save results…" for the opened run.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.history_view import HistoryView
from ping_desktop.gui.results_view import ResultsView

if TYPE_CHECKING:
    from ping_desktop.session import AppServices

log = logging.getLogger(__name__)


class HistoryPanel(QWidget):
    """Run history + results review. ``save_requested(run_id)`` asks the window to save."""

    save_requested = Signal(int)

    def __init__(self, services: AppServices, tasks: TaskOwner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.services = services
        self.tasks = tasks
        self._threshold = services.settings.low_confidence_threshold
        self._current: int | None = None
        self.runs: list[Any] = []

        self.history_view = HistoryView()
        self.results_view = ResultsView()
        self.history_view.run_opened.connect(self.open_run)
        self.results_view.save_requested.connect(self.save_requested)

        # Stands in until a run is open; the results view then shows its own title line.
        self.title = QLabel("Open a run from the list to review its results (works offline).")
        self.title.setObjectName("historyTitle")
        self.title.setWordWrap(True)

        right_box = QWidget()
        right_layout = QVBoxLayout(right_box)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.results_view, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.history_view)
        split.addWidget(right_box)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([340, 900])  # room for file name, status and counts of each run
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def refresh(self) -> None:
        """Reload the list of runs from the store (in a worker thread)."""
        self.tasks.start(self._refresh(), "history-refresh", preempt=True)

    async def _refresh(self) -> None:
        self.runs = await asyncio.to_thread(self.services.run_store.list_runs)
        self.history_view.set_runs(self.runs)

    def open_run(self, run_id: int) -> None:
        """Show ``run_id``'s merged results."""
        self._current = run_id
        self.title.setVisible(False)
        self.results_view.load_run(self.services.run_store, run_id, self._threshold)

    def current_run(self) -> int | None:
        """The run shown in the results table, if any."""
        return self._current

    def set_threshold(self, threshold: int) -> None:
        """New low-confidence threshold: reload the open run with it."""
        self._threshold = threshold
        if self._current is not None:
            self.open_run(self._current)
