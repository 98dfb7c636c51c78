"""SaveResultsFlow: the dialog's defaults, saving through it, cancelling, a locked target."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QWidget

from ping_desktop.gui.save_flow import (
    CSV_FILTER,
    RAW_FILTER,
    XLSX_FILTER,
    SaveResultsFlow,
)
from ping_desktop.storage.runstore import RunStore
from tests.storage.test_review import COLUMNS, build_review_store, row_values

N_ROWS = 40


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[tuple[RunStore, int]]:
    store, run_id = build_review_store(tmp_path / "data" / "runs.sqlite3", N_ROWS)
    yield store, run_id
    store.close()


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


class AnsweringDialog(QFileDialog):
    """A save dialog that "returns" ``answer`` (or cancels when it is None) once opened."""

    def __init__(self, parent: QWidget | None, answer: Path | None) -> None:
        super().__init__(parent)
        self.answer = answer

    def open(self) -> None:  # type: ignore[override]
        QTimer.singleShot(0, self._answer)

    def _answer(self) -> None:
        if self.answer is None:
            self.reject()
        else:
            self.fileSelected.emit(str(self.answer))
            self.accept()


def patched(flow: SaveResultsFlow, answer: Path | None) -> SaveResultsFlow:
    flow.create_dialog = lambda: AnsweringDialog(None, answer)  # type: ignore[method-assign]
    return flow


def test_dialog_defaults_next_to_the_input(
    qtbot: Any, qloop: Any, stored: tuple[RunStore, int], parent: QWidget
) -> None:
    store, run_id = stored
    flow = SaveResultsFlow(parent, store, run_id, None)
    dialog = flow.create_dialog()
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.nameFilters() == [XLSX_FILTER, CSV_FILTER, RAW_FILTER]
    assert dialog.nameFilters()[0] == "Excel workbook (*.xlsx)"
    assert dialog.nameFilters()[2] == "Raw JSON output files (*.json)"
    # The dialog asks before replacing a file: confirmation is not switched off.
    assert not dialog.testOption(QFileDialog.Option.DontConfirmOverwrite)
    assert flow.default_path() == store.get_run(run_id).input_path.parent / "big-sov-enriched.xlsx"
    flow_last = SaveResultsFlow(parent, store, run_id, str(store.path.parent))
    assert flow_last.default_path() == store.path.parent / "big-sov-enriched.xlsx"


def test_save_xlsx_through_the_real_dialog(
    qtbot: Any, qloop: Any, stored: tuple[RunStore, int], parent: QWidget, tmp_path: Path
) -> None:
    store, run_id = stored
    target = tmp_path / "out" / "enriched.xlsx"
    target.parent.mkdir()
    flow = SaveResultsFlow(parent, store, run_id, str(target.parent))
    flow.start()
    dialog = flow.dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.selectFile(str(target))
    with qtbot.waitSignal(flow.finished, timeout=15000) as blocker:
        dialog.accept()
    assert blocker.args == [target]
    assert flow.saved_dir == target.parent
    book = openpyxl.load_workbook(target, read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    assert list(rows[0][: len(COLUMNS)]) == COLUMNS
    assert len(rows) == N_ROWS + 1
    for n, row in enumerate(rows[1:]):
        assert tuple(row[: len(COLUMNS)]) == row_values(n), f"row {n}"
    assert "PG status" in rows[0]


def test_save_csv_by_choosing_its_filter(
    qtbot: Any, qloop: Any, stored: tuple[RunStore, int], parent: QWidget, tmp_path: Path
) -> None:
    store, run_id = stored
    flow = SaveResultsFlow(parent, store, run_id, str(tmp_path))
    flow.start()
    dialog = flow.dialog
    assert dialog is not None
    dialog.selectNameFilter(CSV_FILTER)
    dialog.filterSelected.emit(CSV_FILTER)  # what picking it in the list does
    assert dialog.defaultSuffix() == "csv"
    dialog.selectFile(str(tmp_path / "as-text"))  # no suffix typed: the filter decides
    with qtbot.waitSignal(flow.finished, timeout=15000) as blocker:
        dialog.accept()
    saved = blocker.args[0]
    assert saved == tmp_path / "as-text.csv"
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][: len(COLUMNS)] == COLUMNS
    assert [r[0] for r in rows[1:]] == [row_values(n)[0] for n in range(N_ROWS)]
    assert rows[1][4] == "00000"  # ZIP keeps its leading zeros


def test_cancel_finishes_with_none(
    qtbot: Any, qloop: Any, stored: tuple[RunStore, int], parent: QWidget, tmp_path: Path
) -> None:
    store, run_id = stored
    flow = patched(SaveResultsFlow(parent, store, run_id, str(tmp_path)), None)
    with qtbot.waitSignal(flow.finished) as blocker:
        flow.start()
    assert blocker.args == [None]
    assert list(tmp_path.glob("*.xlsx")) == []


def test_locked_target_fails_with_a_plain_message(
    qtbot: Any,
    qloop: Any,
    stored: tuple[RunStore, int],
    parent: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, run_id = stored
    target = tmp_path / "open-in-excel.xlsx"
    target.write_bytes(b"the user's previous file")

    def refuse(_src: Any, _dst: Any) -> None:
        # What Windows does when Excel holds the file open.
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr("ping_desktop.export.files.os.replace", refuse)
    monkeypatch.setattr("ping_desktop.export.files.time.sleep", lambda _s: None)
    flow = patched(SaveResultsFlow(parent, store, run_id, None), target)
    finished: list[Any] = []
    flow.finished.connect(finished.append)
    with qtbot.waitSignal(flow.failed, timeout=15000) as blocker:
        flow.start()
    message = blocker.args[0]
    assert "open-in-excel.xlsx" in message
    assert "Close it" in message
    assert "Traceback" not in message
    assert "Errno" not in message
    assert finished == []
    assert target.read_bytes() == b"the user's previous file"  # never half-overwritten
