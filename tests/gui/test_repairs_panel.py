"""Issue 12: the proposed address repairs shown before Start, one checkbox per kind, ticked by
default; unticking one (by keyboard) plans the file again without it, and the run started then
is stored with the decision. Real window, real worker process, the emulator over loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ping_desktop.draft import CHECKING
from ping_desktop.gui.repairs_panel import RepairsPanel
from ping_desktop.storage.runstore import RunStore
from ping_desktop.worker.contract import RepairOffer
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import wait_loaded, wait_sources
from tests.gui.test_issue11_inputs_layout import clipped_labels

SOV = ("Location,Address,TIV\n"
       'HQ,"77 Massachusetts Ave, Cambridge, MA 2139",1000\n'
       'Depot,"1 Main St, Springfield, 1103",2000\n'
       'Annex,"10 Pearl St, Hartford, CT 6103",2500\n'
       'Plant,"500 Elm St, Chicago, IL 60601",3000\n')


def tab_stops_after(widget: QWidget, count: int) -> list[QWidget]:
    """The next ``count`` widgets Tab would focus after ``widget``."""
    stops: list[QWidget] = []
    while len(stops) < count:
        widget = widget.nextInFocusChain()
        tabbable = widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        if widget.isVisible() and widget.isEnabled() and tabbable:
            stops.append(widget)
    return stops


def test_panel_shows_each_kind_ticked_and_hides_when_nothing_is_proposed(qtbot: Any) -> None:
    panel = RepairsPanel()
    qtbot.addWidget(panel)
    panel.show()
    zips = RepairOffer("zip_restored", 2, "2 ZIPs restored (leading zeros)")
    states = RepairOffer("state_filled", 1, "1 state filled from the ZIP")
    panel.show_choices([(zips, True), (states, False)])
    assert panel.isVisible()
    assert [(b.text(), b.isChecked()) for b in panel.boxes.values()] == [
        ("2 ZIPs restored (leading zeros)", True), ("1 state filled from the ZIP", False)]
    toggled: list[tuple[str, bool]] = []
    panel.repair_toggled.connect(lambda kind, on: toggled.append((kind, on)))
    box = panel.boxes["zip_restored"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert toggled == [("zip_restored", False)]
    # A new plan re-labels the same boxes (focus stays) and showing it is not a new decision.
    panel.show_choices([(zips, False), (states, False)])
    assert panel.boxes["zip_restored"] is box
    assert toggled == [("zip_restored", False)]
    panel.show_choices([(states, True)])
    assert not box.isVisibleTo(panel)
    assert panel.boxes["state_filled"].isVisibleTo(panel)
    panel.clear()
    assert not panel.isVisible()


def test_unticking_a_repair_replans_and_the_run_keeps_the_decision(
    qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path,
) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    window.resize(1024, 640)
    sov = tmp_path / "sov.csv"
    sov.write_text(SOV, encoding="utf-8")
    window.open_files([sov])
    wait_loaded(qtbot, window, "sov.csv")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    panel = window.file_page.repairs_panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    labels = {kind: (b.text(), b.isChecked()) for kind, b in panel.boxes.items()
              if b.isVisible()}
    assert labels == {"zip_restored": ("3 ZIPs restored (leading zeros)", True),
                      "state_filled": ("1 state filled from the ZIP", True)}
    # It fits at 1024x640 with Start still on screen and nothing cut off.
    qtbot.wait(50)
    assert (window.width(), window.height()) == (1024, 640)
    for widget in (*panel.boxes.values(), window.start_button):
        corner = widget.mapTo(window, widget.rect().bottomRight())
        assert window.rect().contains(corner)
    assert clipped_labels(window) == []

    # Tab goes from the sources to each repair, then to Start (boxes made when the plan
    # arrived would otherwise come after Start, at the end of the window's tab order).
    assert tab_stops_after(window.sources_panel.list, 3) == [
        panel.boxes["zip_restored"], panel.boxes["state_filled"], window.start_button]

    box = panel.boxes["zip_restored"]
    assert box.focusPolicy() & Qt.FocusPolicy.TabFocus
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not box.isChecked()
    assert window.draft.declined == {"zip_restored"}
    if window.draft.plan.declined != {"zip_restored"}:  # the new plan is not back yet
        assert not window.start_button.isEnabled()
        assert window.file_page.start_hint.text() == CHECKING
    qtbot.waitUntil(lambda: window.intake.plan is not None
                    and window.intake.plan.declined == {"zip_restored"}, timeout=10_000)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    assert window.file_page.start_hint.text() == (
        "Ready. Declined, sent as written: 3 ZIPs restored (leading zeros).")
    assert not box.isChecked()
    assert box.hasFocus()
    problems = [window.mapping_panel.problems.item(i).text()
                for i in range(window.mapping_panel.problems.count())]
    assert any("repair declined: sent as written" in p for p in problems)

    window.start_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)

    def stored() -> bool:
        with RunStore() as store:
            return bool(store.list_runs())

    qtbot.waitUntil(stored, timeout=10_000)
    with RunStore() as store:
        (run,) = store.list_runs()
        assert run.declined_repairs == {"zip_restored"}
        sent = dict(store.row_payloads(run.id))
    assert sent[2] is not None
    assert sent[2]["address"] == "77 Massachusetts Ave, Cambridge, MA 2139"
    assert sent[3] is not None
    assert sent[3]["address"] == "1 Main St, Springfield, MA 1103"
