"""The results review: filter, search, sort a run's merged rows and read every field of a row."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.gui.column_fit import ColumnFitter
from ping_desktop.gui.job_texts import run_phase_text
from ping_desktop.gui.result_words import format_money, is_technical, source_label
from ping_desktop.gui.results_model import (
    ResultsModel,
    format_value,
    result_flag,
    status_text,
)
from ping_desktop.gui.review_loads import ReviewLoads
from ping_desktop.gui.review_tabs import ReviewTabsMixin
from ping_desktop.gui.summary_model import RowSubsetQuery
from ping_desktop.gui.summary_view import SummaryView
from ping_desktop.gui.tables import row_table
from ping_desktop.storage.review import FilterKind, ReviewFilter, ReviewRow
from ping_desktop.storage.runstore import RunStore

SEARCH_DELAY_MS = 300


class _RowNumberHeader(QHeaderView):
    """The vertical header (sheet row numbers) with a width computed from the largest number.

    QHeaderView's own size hint reads the labels of the first and last hundred rows, which
    would make the lazy model fetch the last block of a 100,000-row run just to lay out.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.largest = 0

    def sizeHint(self) -> QSize:
        """Wide enough for the largest row number, without asking the model for labels."""
        digits = max(len(str(self.largest)), 2)
        width = self.fontMetrics().horizontalAdvance("9" * digits) + 16
        return QSize(width, self.defaultSectionSize())


class ResultsView(ReviewTabsMixin, QWidget):
    """Filter selector, search box, the lazily served results table and a detail pane.

    Nothing here needs the network: every row comes from the local run store.
    """

    save_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run_id: int | None = None
        self._threshold = 70
        self._fit_pending = False
        self.model = ResultsModel(self, background=True)

        self.title = QLabel(self)
        self.title.setObjectName("resultsTitle")
        self.title.setWordWrap(True)
        self.filter_box = QComboBox(self)
        self.filter_box.setObjectName("resultsFilter")
        self.filter_box.setAccessibleName("Show rows")
        self.search = QLineEdit(self)
        self.search.setObjectName("resultsSearch")
        self.search.setAccessibleName("Search results")
        self.search.setPlaceholderText("Search values and results\u2026")
        self.search.setClearButtonEnabled(True)
        # Never squeezed to "Sear…" by the filter and the buttons (seen at 1024x640).
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("Search values and") + 40)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("resultsCount")
        self.save_button = QPushButton("Save results\u2026", self)
        self.save_button.setObjectName("reviewSaveButton")
        show_label = QLabel("Sho&w:", self)
        show_label.setBuddy(self.filter_box)
        search_label = QLabel("S&earch:", self)
        search_label.setBuddy(self.search)

        self.table = row_table(self, "resultsTable", "Results", self.model, row_headers=True)
        self._fitter = ColumnFitter(self.table)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Fixed row heights: the view never measures 100,000 rows to lay them out.
        vertical = _RowNumberHeader(self.table)
        self._row_header = vertical
        self.table.setVerticalHeader(vertical)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(130)
        # No sort indicator at first: the sheet's own row order, until a header is clicked.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        self.detail = QTreeWidget(self)
        self.detail.setObjectName("resultDetail")
        self.detail.setAccessibleName("Every field of the selected row")
        self.detail.setColumnCount(2)
        self.detail.setHeaderLabels(["Field", "Value"])
        self.detail.setAlternatingRowColors(True)
        self.detail.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.detail.setWordWrap(True)
        self.detail.setMinimumWidth(260)
        # What the server says about its own fetch (worker, cache, HTTP status) is for support,
        # not for reading a result: hidden unless asked for.
        self.technical = QCheckBox("&Technical details", self)
        self.technical.setObjectName("technicalDetails")
        self.technical.setToolTip("Also show how each result was fetched (for support)")
        self.technical.toggled.connect(self._on_selection_changed)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        detail_pane = QWidget(self)
        detail_layout = QVBoxLayout(detail_pane)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addWidget(self.technical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([640, 380])
        self.splitter = splitter

        # Rows picked on the Summary or the Map: said above the table, with a way back.
        self.subset_label = QLabel(self)
        self.subset_label.setObjectName("resultsSubset")
        self.subset_clear = QPushButton("Show all rows", self)
        self.subset_clear.setObjectName("resultsSubsetClear")
        self.subset_clear.clicked.connect(self.clear_rows_filter)
        subset_bar = QHBoxLayout()
        subset_bar.addWidget(self.subset_label, 1)
        subset_bar.addWidget(self.subset_clear)
        table_page = QWidget(self)
        table_layout = QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addLayout(subset_bar)
        table_layout.addWidget(splitter, 1)
        self.summary = SummaryView(self)
        self.summary.bar_clicked.connect(self._on_bar_clicked)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reviewTabs")
        self.tabs.addTab(table_page, "&Table")
        self.tabs.addTab(self.summary, "S&ummary")
        self._store_path: Path | None = None
        self._summary_for: int | None = None
        self._summary_job = None
        self.loads = ReviewLoads()
        self._jobs: set[asyncio.Future[Any]] = set()
        # Imported here: map_controller imports this module for its type hints.
        from ping_desktop.gui.map_controller import MapController

        self.map = MapController(self, self._spawn)
        self.tabs.addTab(self.map.view, "&Map")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._show_subset(None)

        bar = QHBoxLayout()
        bar.addWidget(show_label)
        bar.addWidget(self.filter_box)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self.apply_search)
        self.filter_box.currentIndexChanged.connect(self._on_filter_box_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.busy_changed.connect(self._on_model_busy_changed)
        self.model.failed.connect(self._on_model_failed)
        self.save_button.clicked.connect(self._on_save_clicked)
        self._on_model_reset()

    # ----- public ------------------------------------------------------------------------------

    def load_run(self, store: RunStore | Path, run_id: int, low_confidence_threshold: int) -> None:
        """Show run ``run_id`` from ``store`` (a RunStore or its file): all rows, sheet order."""
        query = RowSubsetQuery(store, run_id)
        self._store_path = store.path if isinstance(store, RunStore) else Path(store)
        self._summary_for = None
        self._summary_job = None  # read again: the run may have changed since
        self.map.loaded_for = None
        self._run_id = run_id
        self._threshold = low_confidence_threshold
        run = query.run
        demo = "  \u2014  Demo data (made-up results from the demo server)"
        self.title.setText(
            f"<b>{run.file_name}</b>  \u2014  {run_phase_text(run.phase)}  \u2014  "
            f"{run.rows:,} rows, sources {', '.join(run.sources) or 'none'}"
            + (demo if run.is_demo else "")
        )
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        # Item data are plain strings: QComboBox.findData cannot compare Python tuples.
        self.filter_box.addItem("All rows", "all")
        self.filter_box.addItem("Rows with problems", "problems")
        self.filter_box.addItem(
            f"Low confidence (below {low_confidence_threshold})", "low_confidence"
        )
        for source in query.sources():
            self.filter_box.addItem(f"{source}: failed, missing or low", f"source:{source}")
        self.filter_box.setCurrentIndex(0)
        self.filter_box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._row_header.largest = query.max_row_number()
        self.model.load(query, low_confidence_threshold)  # closes the previous query
        self._show_subset(None)
        if self.tabs.currentWidget() is self.summary:
            self.load_summary()
        if self.tabs.currentWidget() is self.map.view:
            self.load_map()
        # Widths are fitted to the first rows once they arrive (see _on_model_reset).
        self._fit_pending = True
        self._fit_columns()

    def _fit_columns(self) -> None:
        self._fitter.fit()  # a few columns per event-loop turn (see column_fit)

    def _latest_filter(self) -> ReviewFilter:
        # A change made while another is still being worked out builds on the pending one.
        return self.model.pending_filter() or self.model.review_filter

    def _on_model_busy_changed(self, busy: bool) -> None:
        if busy:
            self.count_label.setText("Working\u2026")
        else:
            self._update_count()

    def _on_model_failed(self, message: str) -> None:
        self.count_label.setText(message)

    def _update_count(self) -> None:
        query = self.model.query
        total = query.run.rows if query is not None else 0
        self.count_label.setText(f"{self.model.rowCount():,} of {total:,} rows")

    def run_id(self) -> int | None:
        """The run shown, if any."""
        return self._run_id

    def apply_search(self) -> None:
        """Apply the search box's text now (normally done shortly after typing stops)."""
        self._search_timer.stop()
        text = self.search.text().strip()
        if text != self._latest_filter().search:
            self.model.request_filter(replace(self._latest_filter(), search=text))

    def select_filter(self, kind: str, source: str | None = None) -> None:
        """Choose a filter as if picked in the selector (``all``, ``problems``, ...)."""
        index = self.filter_box.findData(f"source:{source}" if kind == "source" else kind)
        if index >= 0:
            self.filter_box.setCurrentIndex(index)

    # ----- slots -------------------------------------------------------------------------------

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_filter_box_changed(self, _index: int) -> None:
        data = self.filter_box.currentData()
        if not isinstance(data, str):
            return
        kind, _, code = data.partition(":")
        kinds: dict[str, FilterKind] = {
            "all": "all",
            "problems": "problems",
            "low_confidence": "low_confidence",
            "source": "source",
        }
        chosen = kinds.get(kind, "all")
        self.model.request_filter(replace(self._latest_filter(), kind=chosen, source=code or None))

    def _on_model_reset(self) -> None:
        query = self.model.query
        shown = self.model.rowCount()
        self._update_count()
        if self._fit_pending and shown > 0:
            self._fit_pending = False
            self._fit_columns()
        self.save_button.setEnabled(query is not None)
        self._show_detail(None)
        if shown > 0 and query is not None:
            self.table.selectRow(0)

    def _on_selection_changed(self, *_args: QItemSelection | bool) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._show_detail(self.model.row_at(rows[0].row()) if rows else None)

    def _on_save_clicked(self) -> None:
        if self._run_id is not None:
            self.save_requested.emit(self._run_id)

    # ----- the detail pane ---------------------------------------------------------------------

    def _show_detail(self, row: ReviewRow | None) -> None:
        self.detail.clear()
        query = self.model.query
        if row is None or query is None:
            return
        yours = QTreeWidgetItem(self.detail, [f"Your row (sheet row {row.row_number})", ""])
        for header, value in zip(query.run.columns, row.values, strict=False):
            QTreeWidgetItem(yours, [header, format_value(value)])
        if row.problems:
            count = len(row.problems)
            # The count here, each message once below it (listing them here too doubled them).
            found = QTreeWidgetItem(
                self.detail, ["Problems", f"{count} problem{'s' if count != 1 else ''}"])
            for message in row.problems:
                QTreeWidgetItem(found, ["", message])
        results = query.detail(row.row_number)
        for source in query.sources():
            result = results.get(source)
            flag = result_flag(result, self._threshold)
            # The error itself is a child line: the summary stays short enough to read.
            summary = "\u2717 Failed" if flag == "failed" else status_text(result, row.problems)
            if result is not None and result.confidence is not None:
                summary += f", confidence {format_value(result.confidence)}"
                if flag == "low":
                    summary += f" (below {self._threshold})"
            item = QTreeWidgetItem(self.detail, [source_label(source), summary])
            item.setToolTip(1, summary)
            if result is None:
                continue
            if result.error_message:
                QTreeWidgetItem(item, ["error message", result.error_message])
            technical: QTreeWidgetItem | None = None
            for name, value in result.data.items():
                parent = item
                if is_technical(name):
                    if not self.technical.isChecked():
                        continue
                    if technical is None:
                        technical = QTreeWidgetItem(item, ["Technical details", ""])
                    parent = technical
                text = format_money(name, value) or format_value(value)
                QTreeWidgetItem(parent, [name.replace("_", " "), text])
        self.detail.expandAll()

    def detail_text(self) -> str:
        """Everything the detail pane shows, one "field: value" per line (for tests, copying)."""
        lines: list[str] = []

        def walk(item: QTreeWidgetItem | None, depth: int) -> None:
            if item is None:
                return
            field, value = item.text(0), item.text(1)
            lines.append("  " * depth + (f"{field}: {value}" if value else field))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.detail.topLevelItemCount()):
            walk(self.detail.topLevelItem(i), 0)
        return "\n".join(lines)
