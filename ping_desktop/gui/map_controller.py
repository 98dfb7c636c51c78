"""Ties the Map tab to the results review: loads the open run's points off the Qt thread, colours
them on request, keeps the map's and the table's selections in step, saves the map as a PNG."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ping_desktop.gui.map_data import lay_out
from ping_desktop.gui.map_view import MapView, tip_text
from ping_desktop.gui.summary_model import RowSubsetQuery
from ping_desktop.storage.run_map import map_row, map_rows, row_classes
from ping_desktop.storage.run_summary import BarKey, RunSummary, summarize
from ping_desktop.storage.runstore_records import RunRecord
from ping_desktop.worker.contract import WorkerLostError
from ping_desktop.worker.map_points import DotGroups, MapPoints, load_groups, load_map

if TYPE_CHECKING:
    from ping_desktop.gui.results_view import ResultsView

log = logging.getLogger(__name__)


def colour_choices(summary: RunSummary) -> list[tuple[str, BarKey]]:
    """What the dots can be coloured by: each source's outcome, then each class field."""
    choices = [(f"{c.source}: outcome", BarKey("outcome", c.source, "")) for c in summary.outcomes]
    for chart in summary.fields:
        field = chart.bars[0].key.field if chart.bars else ""
        choices.append((chart.title, BarKey("field", chart.source, "", field)))
    # Geocoders' outcomes first: whether a row was located is what a map shows best.
    geocoders = {c.source for c in summary.geocoding}
    return sorted(choices, key=lambda c: c[1].kind != "outcome" or c[1].source not in geocoders)


class MapController(QObject):
    """The Map tab of one ResultsView."""

    def __init__(self, review: ResultsView, spawn: Callable[[Any], None]) -> None:
        super().__init__(review)
        self.review = review
        self.view = MapView(review)
        self._spawn = spawn
        self.loaded_for: int | None = None
        #: Which load is the latest: an older one still under way is not shown.
        self._load_number = 0
        self._syncing = False
        self.view.colour_changed.connect(self._on_colour)
        self.view.selection_changed.connect(self._on_map_selection)
        self.view.save_requested.connect(self.save_image_dialog)
        review.table.selectionModel().selectionChanged.connect(self._on_table_selection)

    def _failed(self, exc: Exception) -> None:
        log.warning("Map data failed: %s", exc)
        self.view.unlocated_label.setText(
            "The map could not be read from the run history. Reopen the run.")

    def load(self, path: Path, threshold: int) -> None:
        """Read the open run's rows and show them (once per opened run)."""
        query = self.review.model.query
        if query is None:
            return
        run = query.run
        self.loaded_for = run.id
        self._load_number += 1
        number = self._load_number
        self.view.unlocated_label.setText("Reading the locations\u2026")
        if not self.review.model.background:
            self.show(path, run, lay_out(map_rows(path, run), run.id),
                      summarize(path, run, threshold))
            return

        async def work() -> None:
            # In the worker process: the summary (shared with the Summary tab) for the colour
            # choices, then the points, laid out and serialised there (~4 s of CPU for
            # 100,000 rows that held the window's GIL when they ran in a thread).
            try:
                summary = await self.review.summary_of(path, run, threshold)
                choices = colour_choices(summary)
                first = choices[0][1] if choices else None
                points, groups = await self.review.loads.run(
                    load_map, path, run, first, threshold)
            except (sqlite3.Error, WorkerLostError) as exc:
                if number == self._load_number:
                    self._failed(exc)
                return
            if number == self._load_number and self.review.run_id() == run.id:
                self.show(path, run, points, summary, groups)

        self._spawn(work())

    def show(self, path: Path, run: RunRecord, points: MapPoints, summary: RunSummary,
             groups: DotGroups | None = None) -> None:
        """Put ``run``'s points on the map (``groups``: coloured by the first colour choice
        already); hovering a dot reads that row's name and address."""
        tips: dict[int, str] = {}

        def describe(row: int) -> str:
            if row not in tips:
                try:
                    found = map_row(path, run, row)
                except sqlite3.Error:
                    found = None
                tips[row] = tip_text(found) if found is not None else f"Row {row}"
            return tips[row]

        self.view.describe = describe
        self.view.set_rows(points, colour_choices(summary), groups)
        if groups is None:
            self._on_colour(self.view.colouring())
        self._on_table_selection()

    def _on_colour(self, key: object) -> None:
        path, run_id = self.review.store_path(), self.review.run_id()
        if not isinstance(key, BarKey) or path is None or run_id is None:
            return
        threshold = self.review.threshold()
        points = self.view.placement
        if not self.review.model.background:
            self.view.set_classes(row_classes(path, run_id, key, threshold))
            return

        async def work() -> None:
            try:
                groups = await self.review.loads.run(
                    load_groups, path, run_id, points.rows, points.xs, points.ys, key,
                    threshold)
            except (sqlite3.Error, WorkerLostError) as exc:
                self._failed(exc)
                return
            # Not for a map reloaded meanwhile, nor for a colouring chosen since.
            if self.view.placement is points and self.view.colouring() == key:
                self.view.set_classes(groups)

        self._spawn(work())

    # ----- selection both ways ---------------------------------------------------------------

    def _on_map_selection(self, rows: object) -> None:
        if not isinstance(rows, frozenset):
            return
        model, table = self.review.model, self.review.table
        positions = self.review.positions(rows)
        selection = QItemSelection()
        last = model.columnCount() - 1
        start = prev = None
        for pos in [*positions, None]:
            if start is not None and (pos is None or prev is None or pos != prev + 1):
                selection.select(model.index(start, 0), model.index(prev or start, last))
                start = None
            if pos is not None and start is None:
                start = pos
            prev = pos
        self._syncing = True
        try:
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            table.selectionModel().select(selection, flags)
            if positions:
                table.scrollTo(model.index(positions[0], 0))
        finally:
            self._syncing = False

    def _on_table_selection(self, *_args: object) -> None:
        if self._syncing:
            return
        model = self.review.model
        query = model.query
        if not isinstance(query, RowSubsetQuery):
            return
        positions = [i.row() for i in self.review.table.selectionModel().selectedRows()]
        self.view.select_rows(set(query.rows_at(model.review_filter, positions)))

    # ----- image -----------------------------------------------------------------------------

    def save_image_dialog(self) -> None:
        """Ask where, then write the map as a PNG (a plain message when it cannot be written)."""
        query = self.review.model.query
        stem = Path(query.run.file_name).stem if query is not None else "map"
        name, _ = QFileDialog.getSaveFileName(
            self.view, "Save map as image", str(Path.home() / f"{stem} map.png"),
            "PNG image (*.png)")
        if not name:
            return
        path = Path(name) if name.lower().endswith(".png") else Path(name + ".png")
        if not self.view.save_image(path):
            QMessageBox.warning(
                self.view, "Map not saved",
                f"The map could not be written to {path}. Check that the folder exists and "
                "that you may write there, or choose another place.")
