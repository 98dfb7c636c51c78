"""Mapping correction through the combo boxes, low-confidence marking, sources that cannot run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QTableView

from ping_desktop.gui.mapping_models import MappingModel, PreviewModel
from ping_desktop.intake.mapping import guess_mapping
from ping_desktop.intake.model import ColumnMapping
from ping_desktop.intake.reader import read_table
from ping_desktop.worker.contract import TablePreview
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, wait_loaded, wait_sources


@pytest.fixture
def loaded_window(qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> Any:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    path = Path(shutil.copy(SAMPLE, tmp_path / "broker-sov.xlsx"))
    window.open_files([path])
    wait_loaded(qtbot, window, "broker-sov.xlsx")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    return window


def _combo(window: Any, field: str) -> QComboBox:
    model = window.mapping_panel.mapping_model
    table = window.findChild(QTableView, "mappingTable")
    editor = table.indexWidget(model.index(model.row_of(field), MappingModel.COL_COLUMN))
    assert isinstance(editor, QComboBox)
    return editor


def _choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a user's pick emits


def test_last_sources_are_remembered_and_cost_shown(loaded_window: Any) -> None:
    window = loaded_window
    assert window.sources_panel.selected() == ["PG"]
    cost = window.findChild(QLabel, "costLabel").text()
    assert cost.startswith("58 unique locations × 1 source = 58 lookups")


def test_mapping_correction_updates_plan_and_problems(qtbot: Any, loaded_window: Any) -> None:
    window = loaded_window
    street = _combo(window, "address_line_1")
    assert street.currentText() == "Street Address"
    assert street.accessibleName() == "Column for Street address (line 1)"
    # Unmap the street, city and ZIP: most rows lose their usable address.
    for field in ("address_line_1", "city", "postal_code"):
        _choose(_combo(window, field), "— not mapped —")
    qtbot.waitUntil(lambda: window.intake.current.mapping.column_for("postal_code") is None,
                    timeout=5000)
    qtbot.waitUntil(lambda: window.intake.plan is not None
                    and window.intake.plan.rows_with_problems == 60, timeout=10_000)
    assert not window.start_button.isEnabled()
    assert "Rows with problems: 60 rows" in window.mapping_panel.problems_box.title()
    status = window.mapping_panel.mapping_model.status_text("address")
    assert status == "Required by PG: choose a column"
    # Put the street back: the plan recovers (state alone is not an address).
    _choose(_combo(window, "address_line_1"), "Street Address")
    _choose(_combo(window, "city"), "City")
    qtbot.waitUntil(lambda: window.intake.plan.rows_with_problems == 1, timeout=10_000)
    assert window.mapping_panel.mapping_model.status_text("address_line_1") == "Your choice"
    qtbot.waitUntil(window.start_button.isEnabled, timeout=5000)


def test_low_confidence_guess_is_marked_with_text_and_icon(loaded_window: Any) -> None:
    model = loaded_window.mapping_panel.mapping_model
    row = model.row_of("const__num_stories")  # "# Stories" is guessed at about 72 %
    assert model.is_low_confidence("const__num_stories")
    status = model.index(row, MappingModel.COL_STATUS)
    assert status.data().startswith("Check this guess")
    assert status.data(Qt.ItemDataRole.DecorationRole) is not None
    assert status.data(Qt.ItemDataRole.BackgroundRole) is not None
    sure = model.index(model.row_of("city"), MappingModel.COL_STATUS)
    assert sure.data(Qt.ItemDataRole.DecorationRole) is None


def test_source_with_unmapped_required_input_is_explained(qtbot: Any,
                                                          loaded_window: Any) -> None:
    window = loaded_window
    sources = window.findChild(QListWidget, "sourcesList")
    _choose(_combo(window, "const__bldg_area"), "— not mapped —")
    e2v = next(sources.item(i) for i in range(sources.count())
               if "(E2V)" in sources.item(i).text())
    e2v.setCheckState(Qt.CheckState.Checked)
    explanation = window.findChild(QLabel, "sourcesExplanation")
    assert explanation.isVisibleTo(window)
    assert "E2V" in explanation.text()
    assert "Floor area" in explanation.text()
    assert "Not mapped: Floor area" in e2v.text()
    start = window.findChild(QPushButton, "startButton")
    assert not start.isEnabled()
    assert "Floor area" in window.file_page.start_hint.text()
    window.start_run()  # even via the shortcut nothing is sent silently
    assert window.jobs_model.rowCount() == 0
    assert window.mapping_panel.mapping_model.status_text("const__bldg_area").startswith(
        "Required by E2V")
    _choose(_combo(window, "const__bldg_area"), "Sq Ft")
    assert not explanation.isVisibleTo(window)
    qtbot.waitUntil(start.isEnabled, timeout=10_000)


def test_models_pass_qtmodeltester(qtmodeltester: Any) -> None:
    table = read_table(SAMPLE)
    preview = PreviewModel()
    preview.set_table(table)
    qtmodeltester.check(preview)
    mapping = MappingModel()
    mapping.set_mapping(table.columns, guess_mapping(table)[0])
    qtmodeltester.check(mapping)
    assert mapping.set_column("city", "Zip")
    assert mapping.mapping.column_for("postal_code") is None  # one column never feeds two
    assert not mapping.set_column("city", "No such column")
    qtmodeltester.check(mapping)


def test_combo_boxes_share_the_file_columns_and_open_in_steps(qtbot: Any, make_window: Any,
                                                             tmp_path: Path) -> None:
    window = make_window()
    panel = window.mapping_panel
    path = Path(shutil.copy(SAMPLE, tmp_path / "steps.xlsx"))
    table = read_table(path)
    mapping, _ = guess_mapping(table)
    panel.show_table(table, ["SOV"], mapping)
    view = window.findChild(QTableView, "mappingTable")
    model = panel.mapping_model
    # Not all at once: the first step only fits the preview.
    assert not panel.editors_ready
    assert view.indexWidget(model.index(model.rowCount() - 1, MappingModel.COL_COLUMN)) is None
    qtbot.waitUntil(lambda: panel.editors_ready, timeout=5_000)
    combos = [view.indexWidget(model.index(r, MappingModel.COL_COLUMN))
              for r in range(model.rowCount())]
    assert all(isinstance(c, QComboBox) for c in combos)
    shared = combos[0].model()
    assert all(c.model() is shared for c in combos)
    assert [shared.index(i, 0).data() for i in range(shared.rowCount())] == [
        "— not mapped —", *table.columns]
    # Each box still shows its own field's column.
    street = combos[model.row_of("address_line_1")]
    assert street.currentText() == mapping.column_for("address_line_1")
    # A new file replaces the boxes and their items.
    other = TablePreview(tmp_path / "other.csv", "", ("",), 1, ("Ref", "Addr", "Town"),
                         [("1", "1 Main St", "Springfield")], [2], (), 1)
    panel.show_table(other, [""], ColumnMapping())
    qtbot.waitUntil(lambda: panel.editors_ready, timeout=5_000)
    fresh = view.indexWidget(model.index(0, MappingModel.COL_COLUMN))
    assert isinstance(fresh, QComboBox)
    assert fresh.currentText() == "— not mapped —"
    assert [fresh.itemText(i) for i in range(fresh.count())] == [
        "— not mapped —", "Ref", "Addr", "Town"]
