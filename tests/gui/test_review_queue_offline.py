"""Resubmitting with the server gone is never silent: the run stops with the window's usual
run-state message, and the edit is kept in the run (sent again by Resume)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from ping_desktop.domain import RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from tests.conftest import TEST_TOKEN
from tests.engine.review_sov import LOW
from tests.gui.test_review_queue import finished_run, open_queue, select


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=2000.0,
                          queue_seconds=0.02)


def test_resubmit_with_the_server_down_says_so(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = finished_run(qtbot, window, tmp_path)
    view = open_queue(qtbot, window, run_id)
    select(view, LOW)
    view.panel.fields["street"].setText("10 Tremont St")
    view.panel.save_button.click()
    qtbot.waitUntil(lambda: view.model.pending_rows() == [LOW], timeout=10_000)
    emulator.stop()
    view.resubmit_button.click()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "resubmitConfirm") is not None,
                    timeout=5000)
    box = window.findChild(QMessageBox, "resubmitConfirm")
    next(b for b in box.findChildren(QPushButton) if b.text() == "Send 1 row(s)").click()
    store = window.services.run_store
    # (The resubmit itself marks the run PAUSED until its job goes: wait for the real stop.)
    qtbot.waitUntil(lambda: "Cannot reach" in (store.get_run(run_id).message or ""),
                    timeout=60_000)
    assert store.get_run(run_id).phase is RunPhase.PAUSED
    # The window's run-state message says what happened and what to do.
    banner = window.history_panel.banner
    qtbot.waitUntil(lambda: "could not be reached" in banner.text(), timeout=10_000)
    assert "Nothing is lost" in banner.text()
    # The tab says where the edited row went: into the run, sent when it resumes.
    qtbot.waitUntil(lambda: "sent when you resume it" in view.summary.text(), timeout=10_000)
    assert LOW not in {r.row_number for r in view.model.rows()}
    (edit,) = store.row_edit_history(run_id, LOW)
    assert edit.state == "sent"
    assert edit.job_id is not None
    assert store.get_job(edit.job_id).run_id == run_id
