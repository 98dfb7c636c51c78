"""The queue's table model and the edit panel on their own (no store, no server): Qt's model
checks, the texts people read, and which fields an edit sends."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ping_desktop.gui.review_queue_model import (
    COLUMNS,
    ROW_NUMBER_ROLE,
    ReviewQueueModel,
    address_line,
    status_text,
)
from ping_desktop.gui.review_queue_view import ReviewQueueView, tab_title
from ping_desktop.gui.row_edit_panel import RowEditPanel
from ping_desktop.storage.review_queue import QueueReason, QueueRow
from ping_desktop.storage.row_edits import EditCheck, EditProblem, RowEdit

LOW = QueueRow(5, QueueReason.LOW_CONFIDENCE, (QueueReason.LOW_CONFIDENCE,),
               "Located with low confidence (PG: 40).",
               {"street": "?", "city": "Boston", "state": "MA", "zip": "", "country": "US"})
EDITED = QueueRow(7, QueueReason.EDIT_PENDING,
                  (QueueReason.EDIT_PENDING, QueueReason.NOT_FOUND),
                  "Edited, not sent yet.", {"street": "1 Main St", "city": "Boston"},
                  edits=2, pending_edit=True)
ONE_LINE = QueueRow(9, QueueReason.NOT_FOUND, (QueueReason.NOT_FOUND,), "Not found by PG.",
                    {"address": "1 Nowhere Rd, Springfield"})


def test_model_passes_qt_checks_and_reads_well(qtmodeltester: Any) -> None:
    model = ReviewQueueModel()
    model.set_rows([LOW, EDITED, ONE_LINE])
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.columnCount() == len(COLUMNS)
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert titles == ["Row", "Status", "Street", "City", "State", "ZIP", "Why"]
    texts = [model.index(1, c).data() for c in range(len(COLUMNS))]
    assert texts == ["7", "\u270e Edited, not sent", "1 Main St", "Boston", "", "",
                     "Edited, not sent yet."]
    assert model.index(2, 2).data() == "1 Nowhere Rd, Springfield"  # a one-line address
    assert model.index(0, 0).data(ROW_NUMBER_ROLE) == 5
    assert model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole) == "Sheet row 5"
    assert "Located with low confidence" in model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert model.pending_rows() == [7]
    assert model.position_of(9) == 2
    assert model.position_of(4) is None
    assert not model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable


def test_texts() -> None:
    assert status_text(LOW) == "Low confidence"
    pending_low = QueueRow(5, QueueReason.LOW_CONFIDENCE, (QueueReason.LOW_CONFIDENCE,), "",
                           {}, pending_edit=True)
    assert status_text(pending_low) == "\u270e Edited, not sent (low confidence)"
    assert address_line(LOW.address) == "?, Boston, MA, US"
    assert address_line({"latitude": "42.1", "longitude": "-71.0"}) == "42.1, -71.0"
    assert address_line(ONE_LINE.address) == "1 Nowhere Rd, Springfield"
    assert tab_title(None) == "&Needs review"
    assert tab_title(1234) == "&Needs review (1,234)"


def test_panel_sends_only_changed_fields_and_shows_checks(qtbot: Any) -> None:
    panel = RowEditPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.fields["street"].isEnabled()  # no row yet
    panel.show_row(LOW)
    assert panel.fields["city"].text() == "Boston"
    assert panel.fields["address"].isHidden()  # a split-address row
    assert not panel.save_button.isEnabled()
    panel.fields["street"].setText(" 10 Tremont St ")
    panel.fields["zip"].setText("02108")
    assert panel.save_button.isEnabled()
    with qtbot.waitSignal(panel.save_requested) as saved:
        qtbot.keyClick(panel.fields["zip"], Qt.Key.Key_Return)
    assert saved.args == [RowEdit(5, {"street": "10 Tremont St", "zip": "02108"})]
    panel.show_check(EditCheck(5, {}, None, None, (
        EditProblem("zip", 'ZIP "1" is not a US ZIP code.'),
        EditProblem(None, "Check the suite.", "warning"))))
    text = panel.checks.text()
    assert "cannot be sent until this is fixed" in text
    assert '\u2717 ZIP: ZIP "1" is not a US ZIP code.' in text
    assert "\u26a0 Check the suite." in text
    panel.revert_button.click()
    assert panel.fields["street"].text() == "?"
    assert panel.checks.text() == ""
    panel.show_row(ONE_LINE)
    assert not panel.fields["address"].isHidden()
    assert panel.fields["address"].text() == "1 Nowhere Rd, Springfield"
    panel.show_row(EDITED)
    assert "Corrected 1 time(s) before." in panel.heading.text()


def test_view_keeps_the_selection_and_offers_accept_and_resubmit(qtbot: Any) -> None:
    view = ReviewQueueView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    assert not view.accept_button.isEnabled()
    view.set_rows([LOW, EDITED, ONE_LINE])
    assert view.selected_rows() == [5]  # the first row, ready to edit
    view.table.selectRow(2)
    assert view.selected_rows() == [9]
    view.set_rows([LOW, ONE_LINE])  # reloaded: row 9 stays selected
    assert view.selected_rows() == [9]
    # Several rows, not next to each other, stay selected across a reload too.
    extra = [QueueRow(n, QueueReason.NOT_FOUND, (QueueReason.NOT_FOUND,), "", {})
             for n in (10, 11, 12)]
    view.set_rows([LOW, EDITED, ONE_LINE, *extra])
    view.table.selectAll()
    view.set_rows([LOW, ONE_LINE, *extra])  # row 7 left the queue
    assert view.selected_rows() == [5, 9, 10, 11, 12]
    view.table.selectRow(0)
    assert view.selected_rows() == [5]
    chosen = view.table.selectionModel()
    rows_flag = chosen.SelectionFlag.Select | chosen.SelectionFlag.Rows
    chosen.select(view.model.index(3, 0), rows_flag)  # sheet row 11
    assert view.selected_rows() == [5, 11]
    view.set_rows([LOW, ONE_LINE, *extra])
    assert view.selected_rows() == [5, 11]
    assert view.resubmit_button.text() == "Resu&bmit 0 row(s)\u2026"
    assert not view.resubmit_button.isEnabled()
    view.set_rows([LOW, EDITED])
    assert view.resubmit_button.isEnabled()
    view.table.selectAll()
    assert "2 rows selected" in view.panel.heading.text()
    with qtbot.waitSignal(view.accept_requested) as asked:
        view.accept_button.click()
    assert asked.args == [[5, 7]]
    view.set_busy("Working\u2026")
    assert not view.accept_button.isEnabled()
    assert not view.resubmit_button.isEnabled()
    view.set_busy(None)
    view.set_rows([])
    assert "Nothing needs review" in view.summary.text()


def test_the_edit_fields_keep_their_height_in_a_small_window(qtbot: Any) -> None:
    """At 1024x640 a long check message under the fields squashed each field to a few
    pixels; the panel now scrolls instead."""
    view = ReviewQueueView()
    qtbot.addWidget(view)
    view.resize(600, 260)
    view.show()
    view.set_rows([LOW])
    view.table.selectRow(0)
    view.panel.show_message("ZIP \"ABCDE\" on row 5 is not a US ZIP code: give 5 digits, or "
                            "ZIP+4 such as 02139-4307 (for another country, set country too).")
    qtbot.waitUntil(lambda: view.panel.fields["zip"].isVisible(), timeout=2000)
    for name, field in view.panel.fields.items():
        assert field.height() >= field.minimumSizeHint().height(), name


def test_model_finds_sheet_rows_in_a_long_queue_and_lists_edits_per_reload() -> None:
    """Sheet rows are found by bisection in the queue (in sheet order), edited rows are
    listed once per reload: both must follow every reload."""
    model = ReviewQueueModel()
    queue = [QueueRow(n, QueueReason.NOT_FOUND, (QueueReason.NOT_FOUND,), "", {},
                      pending_edit=n % 7 == 0) for n in range(2, 3000, 3)]
    model.set_rows(queue)
    assert [model.position_of(r.row_number) for r in queue] == list(range(len(queue)))
    assert model.position_of(0) is None
    assert model.position_of(3) is None  # between two queued rows
    assert model.position_of(3001) is None  # after the last
    assert model.pending_rows() == [r.row_number for r in queue if r.pending_edit]
    model.set_rows(queue[10:20])
    assert model.position_of(queue[10].row_number) == 0
    assert model.position_of(queue[0].row_number) is None
    assert model.pending_rows() == [r.row_number for r in queue[10:20] if r.pending_edit]
    model.set_rows([])
    assert model.position_of(2) is None
    assert model.pending_rows() == []
