"""The Summary and Map tabs of the results review, and the row subsets they pick: mixed into
ResultsView (which keeps the table, the filters and the detail pane)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QTabWidget

from ping_desktop.gui.review_loads import ReviewLoads
from ping_desktop.gui.summary_model import RowSubsetQuery, with_rows
from ping_desktop.gui.summary_view import SummaryView
from ping_desktop.storage.review import ReviewFilter
from ping_desktop.storage.run_summary import BarKey, RunSummary, rows_for, summarize
from ping_desktop.storage.runstore_records import RunRecord
from ping_desktop.worker.contract import WorkerLostError

if TYPE_CHECKING:
    from ping_desktop.gui.map_controller import MapController
    from ping_desktop.gui.results_model import ResultsModel

log = logging.getLogger(__name__)


class ReviewTabsMixin:
    """Summary tab loading, bar clicks, row subsets and the Map tab's loading for ResultsView."""

    # Set by ResultsView.__init__ / load_run.
    model: ResultsModel
    table: QTableView
    tabs: QTabWidget
    summary: SummaryView
    map: MapController
    subset_label: QLabel
    subset_clear: QPushButton
    _store_path: Path | None
    _summary_for: int | None
    _run_id: int | None
    _threshold: int
    _jobs: set[asyncio.Future[Any]]
    #: Where the big reads run (the window gives it its worker process).
    loads: ReviewLoads
    #: The open run's summary being read or read: run, threshold, its future (the Summary and
    #: Map tabs share one read; a reopened run reads it again).
    _summary_job: tuple[int, int, asyncio.Future[RunSummary]] | None

    def _latest_filter(self) -> ReviewFilter:
        raise NotImplementedError

    def _spawn(self, job: Any) -> None:
        future = asyncio.ensure_future(job)
        self._jobs.add(future)
        future.add_done_callback(self._jobs.discard)

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.summary and self._summary_for != self._run_id:
            self.load_summary()
        if self.tabs.currentWidget() is self.map.view and self.map.loaded_for != self._run_id:
            self.load_map()

    def load_map(self) -> None:
        """Read the open run's locations onto the Map tab."""
        if self._store_path is not None:
            self.map.load(self._store_path, self._threshold)

    def store_path(self) -> Path | None:
        """The run store file of the open run."""
        return self._store_path

    def threshold(self) -> int:
        """The low-confidence threshold the run was opened with."""
        return self._threshold

    def positions(self, rows: frozenset[int]) -> list[int]:
        """Where these sheet rows stand in the table as filtered now (hidden ones left out)."""
        query = self.model.query
        if not isinstance(query, RowSubsetQuery) or not rows:
            return []
        return query.positions(self.model.review_filter, set(rows))

    def load_summary(self) -> None:
        """Work out the open run's summary (in a worker thread when the view works in the
        background) and show it on the Summary tab."""
        query, path = self.model.query, self._store_path
        if query is None or path is None:
            self.summary.clear("Open a run to see its summary.")
            return
        self._summary_for = self._run_id
        self.summary.clear("Counting\u2026")
        run, threshold = query.run, self._threshold
        if not self.model.background:
            self.summary.show_summary(summarize(path, run, threshold))
            return
        reading = self.summary_of(path, run, threshold)
        mine = self._summary_job

        async def work() -> None:
            try:
                summary = await reading
            except (sqlite3.Error, WorkerLostError) as exc:
                log.warning("Summary failed: %s", exc)
                self.summary.clear("The summary could not be read from the run history. "
                                   "Reopen the run to try again.")
                return
            # Not a read the run's reopening has replaced since.
            if self._run_id == run.id and self._summary_job is mine:
                self.summary.show_summary(summary)

        self._spawn(work())

    def summary_of(self, path: Path, run: RunRecord, threshold: int) -> asyncio.Future[RunSummary]:
        """The open run's summary, read once (in the worker) for the Summary and Map tabs."""
        job = self._summary_job
        if job is None or job[:2] != (run.id, threshold) or job[2].cancelled():
            future = asyncio.ensure_future(self.loads.run(summarize, path, run, threshold))
            job = self._summary_job = (run.id, threshold, future)
        # Shielded: one tab's load given up must not cancel the read the other one waits for.
        return asyncio.shield(job[2])

    def _on_bar_clicked(self, key: object) -> None:
        if not isinstance(key, BarKey) or self._store_path is None or self._run_id is None:
            return
        path, run_id, threshold = self._store_path, self._run_id, self._threshold
        what = f"{key.field.replace('_', ' ')} {key.value}" if key.field else key.value
        label = f"{key.source}: {what}"
        if not self.model.background:
            self.show_rows(rows_for(path, run_id, key, threshold), label)
            return

        async def work() -> None:
            rows = await asyncio.to_thread(rows_for, path, run_id, key, threshold)
            if self._run_id == run_id:
                self.show_rows(rows, label)

        self._spawn(work())

    def show_rows(self, rows: list[int] | set[int] | frozenset[int], label: str) -> None:
        """Show only these sheet rows in the table (with the chosen filter and search), on the
        Table tab; ``label`` says where they came from."""
        self.model.request_filter(with_rows(self._latest_filter(), frozenset(rows)))
        self._show_subset(f"Showing the rows of {label} ({len(rows):,}).")
        self.tabs.setCurrentIndex(0)

    def clear_rows_filter(self) -> None:
        """Every row again (the chosen filter and search stay)."""
        self.model.request_filter(with_rows(self._latest_filter(), None))
        self._show_subset(None)

    def rows_filter(self) -> frozenset[int] | None:
        """The rows the table is kept to (a bar or map selection), if any."""
        return self._latest_filter().rows

    def _show_subset(self, text: str | None) -> None:
        self.subset_label.setText(text or "")
        self.subset_label.setVisible(text is not None)
        self.subset_clear.setVisible(text is not None)

