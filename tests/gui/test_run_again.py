"""History's *Run again…*: a stored run's input opens on the File tab with the run's sheet,
mapping and sources chosen, and a new run (here with another source) starts from it — over the
emulator, with the real store."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import Qt

from ping_desktop.domain import RunPhase
from ping_desktop.gui.window_layout import Tab
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, open_error_boxes, wait_loaded, wait_sources


def _finished_runs(window: Any, count: int) -> list[Any]:
    store = window.services.run_store

    def done() -> bool:
        runs = store.list_runs()
        return len(runs) == count and all(r.phase is RunPhase.COMPLETE for r in runs)

    return store.list_runs() if done() else []


def _start_and_finish(qtbot: Any, window: Any, count: int) -> Any:
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()
    qtbot.waitUntil(lambda: bool(_finished_runs(window, count)), timeout=20_000)
    return window.services.run_store.list_runs()[0]  # newest first


def _run_again(qtbot: Any, window: Any, run_id: int) -> None:
    history = window.history_panel
    window.tabs.show_tab(Tab.HISTORY)
    window.history_panel.refresh()
    qtbot.waitUntil(lambda: history.history_view.model.row_of_run(run_id) is not None,
                    timeout=5000)
    history.history_view.table.selectRow(history.history_view.model.row_of_run(run_id))
    button = history.history_view.run_again_button
    assert button.isEnabled()
    button.click()


def test_run_again_restores_sheet_mapping_and_sources_then_starts_with_another_source(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    # A second sheet, chosen by hand: Run again must read that one, not the first.
    book = openpyxl.load_workbook(SAMPLE)
    second = book.copy_worksheet(book["SOV"])
    second.title = "SOV 2025"
    book.save(tmp_path / "client-sov.xlsx")
    source = tmp_path / "client-sov.xlsx"
    window.open_files([source])
    wait_loaded(qtbot, window, "client-sov.xlsx")
    wait_sources(qtbot, window)
    window.mapping_panel.sheet_changed.emit("SOV 2025")
    qtbot.waitUntil(lambda: window.intake.current.table.sheet == "SOV 2025", timeout=10_000)
    wait_loaded(qtbot, window, "client-sov.xlsx")
    # The user's own mapping and source: the suite and the location name left out, PH only.
    model = window.mapping_panel.mapping_model
    assert model.set_column("address_line_2", None)
    assert model.set_column("bldg_name", None)
    window.sources_panel.set_selected(["PH"])
    first = _start_and_finish(qtbot, window, 1)
    assert first.sources == ("PH",)
    assert first.sheet == "SOV 2025"
    assert "address_line_2" not in first.mapping["fields"]
    # What the window would tick for a new file now is something else: Run again must not
    # fall back to it.
    window.services.settings = dataclasses.replace(window.services.settings,
                                                   last_sources=("PG",))
    source.unlink()  # the original is gone: the kept copy is read

    _run_again(qtbot, window, first.id)
    # The copy's first sheet is read first, then the run's one.
    qtbot.waitUntil(lambda: window.intake.current is not None
                    and window.intake.current.table.sheet == "SOV 2025", timeout=10_000)
    wait_loaded(qtbot, window)
    assert window.tabs.currentWidget() is window.file_page
    loaded = window.intake.current
    assert loaded.path == first.input_copy
    assert loaded.table.sheet == "SOV 2025"
    assert loaded.table.header_row == first.header_row
    assert model.mapping.fields == first.mapping["fields"]
    assert window.draft.mapping is not None
    assert window.draft.mapping.fields == first.mapping["fields"]
    qtbot.waitUntil(lambda: window.sources_panel.selected() == ["PH"], timeout=10_000)
    assert "Mapping and sources of run" in window.statusBar().currentMessage()

    # Another source this time; the stored mapping goes with it.
    window.sources_panel.set_selected(["PG"])
    qtbot.waitUntil(lambda: window.draft.plan is not None
                    and tuple(window.draft.plan.sources) == ("PG",), timeout=10_000)
    second_run = _start_and_finish(qtbot, window, 2)
    assert second_run.id != first.id
    assert second_run.sources == ("PG",)
    assert second_run.sheet == "SOV 2025"
    assert second_run.mapping["fields"] == first.mapping["fields"]
    assert second_run.file_name == "client-sov.xlsx"
    # The earlier run is untouched.
    assert window.services.run_store.get_run(first.id).sources == ("PH",)


def test_run_again_reads_the_right_file_then_says_what_to_do(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    source = Path(shutil.copy(SAMPLE, tmp_path / "broker.xlsx"))
    window.open_files([source])
    wait_loaded(qtbot, window, "broker.xlsx")
    wait_sources(qtbot, window)
    run = _start_and_finish(qtbot, window, 1)
    assert run.input_copy is not None
    assert run.input_copy != source.resolve()

    def again(expected: Path) -> str:
        window.file_flow.close_file()
        _run_again(qtbot, window, run.id)
        qtbot.waitUntil(lambda: window.intake.current is not None
                        and window.intake.current.path == expected, timeout=10_000)
        wait_loaded(qtbot, window, "broker.xlsx")
        assert not open_error_boxes(window)
        return str(window.statusBar().currentMessage())

    # The original is still the same file: it is read, so the new run saves next to it.
    assert "changed since" not in again(source.resolve())
    # The original was edited since: the copy (what the run read) is, and the user is told.
    book = openpyxl.load_workbook(source)
    book["SOV"]["B6"] = "Renamed site"
    book.save(source)
    assert "broker.xlsx changed since that run" in again(run.input_copy)
    # The copy is gone: the original.
    run.input_copy.unlink()
    assert "the original was read" in again(source.resolve())
    # Neither: a message saying what to do, nothing half-opened.
    window.file_flow.close_file()
    source.unlink()
    _run_again(qtbot, window, run.id)
    qtbot.waitUntil(lambda: bool(open_error_boxes(window)), timeout=5000)
    box = open_error_boxes(window)[0]
    assert "broker.xlsx cannot be opened again" in box.text()
    assert "File > Open" in box.text()
    assert window.intake.current is None
    box.close()


def test_run_again_is_in_the_history_context_menu_and_keyboard_reachable(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    source = Path(shutil.copy(SAMPLE, tmp_path / "keys.xlsx"))
    window.open_files([source])
    wait_loaded(qtbot, window, "keys.xlsx")
    wait_sources(qtbot, window)
    run = _start_and_finish(qtbot, window, 1)
    view = window.history_panel.history_view
    window.tabs.show_tab(Tab.HISTORY)
    window.history_panel.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    assert view.run_again_action.isEnabled()
    # Alt+G is the button's mnemonic.
    with qtbot.waitSignal(view.run_again_requested, timeout=2000) as asked:
        window.activateWindow()
        view.table.setFocus()
        qtbot.keyClick(view.table, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert asked.args == [run.id]
    wait_loaded(qtbot, window, "keys.xlsx")


def test_run_again_of_a_demo_run_stays_in_demo_mode(qtbot: Any, make_window: Any) -> None:
    window = make_window()  # no token: only the demo can start
    window.start_demo()
    wait_loaded(qtbot, window)
    wait_sources(qtbot, window)
    window.sources_panel.set_selected(["PH"])
    run = _start_and_finish(qtbot, window, 1)
    assert run.is_demo
    assert run.sources == ("PH",)
    window.file_flow.close_file()
    assert not window.draft.demo_mode

    _run_again(qtbot, window, run.id)
    wait_loaded(qtbot, window)
    assert window.intake.current.is_demo
    assert window.draft.demo_mode
    assert window.banner.isVisibleTo(window)
    qtbot.waitUntil(lambda: window.sources_panel.selected() == ["PH"], timeout=10_000)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)


def test_steps_without_a_window() -> None:
    from ping_desktop.gui.run_again import RunAgainPreset, RunAgainSteps, kept_mapping
    from ping_desktop.intake.model import ColumnMapping

    mapping = ColumnMapping(fields={"address_line_1": "Street", "city": "Town"},
                            confidence={"address_line_1": 1.0, "city": 0.9})
    kept, lost = kept_mapping(mapping, ("Street", "City"))
    assert kept.fields == {"address_line_1": "Street"}
    assert kept.confidence == {"address_line_1": 1.0}
    assert lost == ["city"]
    steps = RunAgainSteps(RunAgainPreset(
        run_id=3, path=Path("x.xlsx"), sheet="Gone", header_row=2, mapping=mapping,
        sources=("PG", "XX"), declined_repairs=(), is_demo=False))
    ticks, note = steps.sources_to_tick(["PG", "PH"])
    assert ticks == ["PG"]
    assert note.startswith("XX of the earlier run is not offered")
    assert steps.sources_to_tick(["PG", "XX"])[1] == ""
