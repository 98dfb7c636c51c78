"""A run watched in History while it works is read again once when it ends: one reload of its
table, summary and map, and one read of its needs-review queue (issue 13: the end of a
100,000-row run read everything twice at once, and the two reads froze the window)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.gui import review_queue_flow
from ping_desktop.gui.window_layout import Tab
from tests.conftest import TEST_TOKEN
from tests.engine.review_sov import write_review_sov
from tests.gui.helpers import wait_loaded, wait_sources


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    # Slow enough that the run is still working when it is opened in History.
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=4.0,
                          queue_seconds=0.02)


def test_a_run_that_ends_is_read_again_once(qtbot: Any, make_window: Any, emulator: Any,
                                            tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    real_queue = review_queue_flow.review_queue  # type: ignore[attr-defined]

    def counted_queue(store: Any, run_id: int, threshold: int) -> Any:
        reads.append(run_id)
        return real_queue(store, run_id, threshold)

    monkeypatch.setattr(review_queue_flow, "review_queue", counted_queue)
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"],
                         locations_per_job=2)
    window.open_files([write_review_sov(tmp_path / "review-sov.xlsx")])
    wait_loaded(qtbot, window, "review-sov.xlsx")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    started: list[int] = []
    finished: list[Any] = []
    window.runs.run_started.connect(started.append)
    window.runs.run_finished.connect(finished.append)
    window.start_button.click()
    qtbot.waitUntil(lambda: bool(started), timeout=10_000)
    panel = window.history_panel
    window.tabs.show_tab(Tab.HISTORY)
    # Opened at once, before History lists it: a run just started is still working, so its
    # queue is not read until it ends (the reads counted below include this moment).
    panel.open_run(started[0])
    panel.refresh()
    qtbot.waitUntil(lambda: panel.record(started[0]) is not None
                    and panel.record(started[0]).phase is RunPhase.RUNNING, timeout=10_000)
    review = panel.results_view
    review.tabs.setCurrentWidget(review.map.view)
    assert not finished, "the run ended before it was watched: slow the emulator down"
    loads: list[int] = []
    real_load = review.load_run

    def counted_load(store: Any, run_id: int, threshold: int) -> None:
        loads.append(run_id)
        real_load(store, run_id, threshold)

    monkeypatch.setattr(review, "load_run", counted_load)
    qtbot.waitUntil(lambda: bool(finished), timeout=30_000)
    queue = panel.queue_view
    qtbot.waitUntil(lambda: panel.record(started[0]) is not None
                    and panel.record(started[0]).phase.is_final
                    and not queue._busy and queue.model.rowCount() > 0, timeout=10_000)
    qtbot.wait(300)  # a second reload, were there one, would have started by now
    assert loads == [started[0]]
    assert reads == [started[0]]
    # And what was read once is shown: the ended run's map and its queue.
    qtbot.waitUntil(lambda: len(review.map.view.rows) > 0, timeout=10_000)
