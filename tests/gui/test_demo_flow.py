"""The demo: sample SOV in, emulator results out, labelled as demo data everywhere."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton

from ping_desktop.domain import JobPhase


def test_demo_runs_to_complete(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    demo_button = window.findChild(QPushButton, "demoButton")
    assert demo_button.isVisible()  # no token stored -> the demo is offered
    qtbot.mouseClick(demo_button, Qt.MouseButton.LeftButton)

    sources = window.findChild(QListWidget, "sourcesList")
    qtbot.waitUntil(lambda: sources.count() > 0, timeout=10_000)
    banner = window.findChild(QLabel, "demoBanner")
    assert banner.isVisible()
    assert "Demo data" in banner.text()
    assert "Demo data" in window.windowTitle()
    start = window.findChild(QPushButton, "startButton")
    qtbot.waitUntil(start.isEnabled, timeout=10_000)
    assert window.sources_panel.selected() == ["PG", "PH"]
    cost = window.findChild(QLabel, "costLabel")
    assert cost.text().startswith("58 unique locations × 2 sources = 116 lookups")

    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    model = window.jobs_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(
        lambda: all(j.phase is JobPhase.COMPLETE
                    for j in (model.job_at(r) for r in range(model.rowCount())) if j),
        timeout=20_000,
    )
    jobs = [model.job_at(r) for r in range(model.rowCount())]
    assert sum(j.requested for j in jobs if j) == 58
    assert sum(j.completed for j in jobs if j) == 58
    runs = window.services.run_store.list_runs()
    assert len(runs) == 1
    assert runs[0].is_demo
    assert "DEMO" in runs[0].file_name


def test_demo_with_the_sample_missing_says_to_reinstall(
    qtbot: Any, make_window: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    import sys

    from tests.gui.helpers import open_error_boxes

    window = make_window()
    # A broken installation: a bundle whose resources folder lacks the sample.
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    window.start_demo()
    qtbot.waitUntil(lambda: bool(open_error_boxes(window)), timeout=5000)
    text = open_error_boxes(window)[0].text()
    assert "sample/sample-sov.xlsx" in text
    assert "Reinstall" in text
    assert not window.demo_mode
    assert window.intake.current is None
