"""Files reach the window by drag and drop anywhere or the file dialog; bad ones are explained."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QSpinBox

from tests.gui.helpers import SAMPLE, drop_files, open_error_boxes, wait_loaded


def _write_csv(path: Path) -> Path:
    path.write_text(
        "Address,City,State,Zip\n"
        "1 Main St,Springfield,IL,62701\n"
        "2 Oak Ave,Portland,ME,4101\n",
        encoding="utf-8",
    )
    return path


def test_drop_on_the_window_opens_the_file(qtbot: Any, make_window: Any,
                                           tmp_path: Path) -> None:
    window = make_window()
    csv_path = _write_csv(tmp_path / "locations.csv")
    assert drop_files(window, [csv_path])
    wait_loaded(qtbot, window, "locations.csv")
    assert window.file_stack.currentWidget() is window.file_page.loaded_page
    assert window.mapping_panel.preview_model.rowCount() == 2
    assert "locations.csv" in window.windowTitle()
    # The ZIP that lost its zero is reported with its sheet row number (row 3).
    texts = [window.mapping_panel.problems.item(i).text()
             for i in range(window.mapping_panel.problems.count())]
    assert any(t.startswith("Row 3") and "04101" in t for t in texts), texts


def test_drop_zone_accepts_drops_too(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    assert window.findChild(QLabel) is not None
    assert drop_files(window.welcome.drop_zone, [_write_csv(tmp_path / "z.csv")])
    wait_loaded(qtbot, window, "z.csv")


def test_drop_without_files_is_refused(make_window: Any) -> None:
    window = make_window()
    assert not drop_files(window, [])


def test_several_files_are_queued(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    first = _write_csv(tmp_path / "first.csv")
    second = _write_csv(tmp_path / "second.csv")
    assert drop_files(window, [first, second])
    wait_loaded(qtbot, window, "first.csv")
    assert window.intake.queue == [second]
    assert "1 more file" in window.file_page.queue_label.text()
    window.intake.next_file()
    wait_loaded(qtbot, window, "second.csv")
    assert window.file_page.queue_label.text() == ""


def test_broken_file_gets_the_plain_message(qtbot: Any, make_window: Any,
                                            tmp_path: Path) -> None:
    window = make_window()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    assert drop_files(window, [broken])
    qtbot.waitUntil(lambda: bool(open_error_boxes(window)), timeout=10_000)
    box = open_error_boxes(window)[0]
    assert "broken.xlsx" in box.text()
    assert "Traceback" not in box.text()
    assert window.intake.current is None
    box.accept()


def test_unsupported_extension_is_explained(qtbot: Any, make_window: Any,
                                            tmp_path: Path) -> None:
    window = make_window()
    odd = tmp_path / "photo.png"
    odd.write_bytes(b"\x89PNG\r\n")
    drop_files(window, [odd])
    qtbot.waitUntil(lambda: bool(open_error_boxes(window)), timeout=10_000)
    text = open_error_boxes(window)[0].text()
    assert ".xlsx" in text
    assert ".csv" in text


def test_file_dialog_offers_the_supported_formats(qtbot: Any, make_window: Any,
                                                  tmp_path: Path) -> None:
    window = make_window()
    window.open_file_dialog()
    dialog = window.findChild(QFileDialog, "openFileDialog")
    assert dialog is not None
    assert dialog.isVisible()
    filters = " ".join(dialog.nameFilters())
    for suffix in ("*.xlsx", "*.xls", "*.xlsb", "*.ods", "*.csv", "*.tsv"):
        assert suffix in filters
    target = shutil.copy(SAMPLE, tmp_path / "picked.xlsx")
    dialog.filesSelected.emit([str(target)])
    dialog.reject()
    wait_loaded(qtbot, window, "picked.xlsx")


def test_sheet_and_header_row_can_be_changed(qtbot: Any, make_window: Any,
                                             tmp_path: Path) -> None:
    window = make_window()
    path = Path(shutil.copy(SAMPLE, tmp_path / "sov.xlsx"))
    window.open_files([path])
    wait_loaded(qtbot, window, "sov.xlsx")
    header = window.findChild(QSpinBox, "headerRowSpin")
    sheets = window.findChild(QComboBox, "sheetSelector")
    assert header.value() == 4
    assert [sheets.itemText(i) for i in range(sheets.count())] == ["SOV", "Notes"]
    header.setValue(5)  # the user says the titles are on row 5 (wrong, but their choice)
    qtbot.waitUntil(lambda: window.intake.current.table.header_row == 5, timeout=10_000)
    assert window.intake.current.table.columns[2] == "100 Summer St"
    # The "Notes" sheet has no header row: the intake's message, and the view stays on SOV.
    sheets.setCurrentIndex(1)
    sheets.activated.emit(1)
    qtbot.waitUntil(lambda: bool(open_error_boxes(window)), timeout=10_000)
    assert "No header row found" in open_error_boxes(window)[0].text()
    assert window.intake.current.table.sheet == "SOV"
    assert sheets.currentText() == "SOV"
    assert header.value() == 5
