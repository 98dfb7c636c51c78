"""Ties the Map tab to the results review: loads the open run's points off the Qt thread, colours
them on request, keeps the map's and the table's selections in step, saves the map as a PNG."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ping_desktop.gui.bulk_loads import without_gc_pauses
from ping_desktop.gui.map_data import Grouping, MapLayout, group_dots, lay_out
from ping_desktop.gui.map_view import MapView
from ping_desktop.gui.summary_model import RowSubsetQuery
from ping_desktop.storage.run_map import map_rows, row_classes
from ping_desktop.storage.run_summary import BarKey, RunSummary, summarize

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
        self._syncing = False
        self.view.colour_changed.connect(self._on_colour)
        self.view.selection_changed.connect(self._on_map_selection)
        self.view.save_requested.connect(self.save_image_dialog)
        review.table.selectionModel().selectionChanged.connect(self._on_table_selection)

    def _background(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        run_id = self.review.run_id()
        if not self.review.model.background:
            then(job())
            return

        async def work() -> None:
            try:
                result = await asyncio.to_thread(without_gc_pauses(job))
            except sqlite3.Error as exc:
                log.warning("Map data failed: %s", exc)
                self.view.unlocated_label.setText(
                    "The map could not be read from the run history. Reopen the run.")
                return
            if self.review.run_id() == run_id:
                then(result)

        self._spawn(work())

    def load(self, path: Path, threshold: int) -> None:
        """Read the open run's rows and show them (once per opened run)."""
        query = self.review.model.query
        if query is None:
            return
        run = query.run
        self.loaded_for = run.id
        self.view.unlocated_label.setText("Reading the locations\u2026")

        def job() -> tuple[RunSummary, MapLayout]:
            # Laid out here too: for 100,000 rows that is ~0.3 s the Qt thread need not spend.
            return summarize(path, run, threshold), lay_out(map_rows(path, run))

        def show(result: tuple[RunSummary, MapLayout]) -> None:
            summary, layout = result
            self.view.set_rows(layout, colour_choices(summary))
            self._on_colour(self.view.colouring())
            self._on_table_selection()

        self._background(job, show)

    def _on_colour(self, key: object) -> None:
        path, run_id = self.review.store_path(), self.review.run_id()
        if not isinstance(key, BarKey) or path is None or run_id is None:
            return
        threshold = self.review.threshold()
        layout = self.view.placement

        def job() -> tuple[dict[int, str], Grouping]:
            classes = row_classes(path, run_id, key, threshold)
            return classes, group_dots(layout, classes)

        def show(result: tuple[dict[int, str], Grouping]) -> None:
            if self.view.placement is layout:  # not for a map reloaded meanwhile
                self.view.set_classes(*result)

        self._background(job, show)

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
