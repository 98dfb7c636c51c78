"""Resubmitting while the run is still working is refused in words and leaves the run going
(launching it would have cancelled the run's own task)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.storage.row_edits import EditError
from tests.conftest import TEST_TOKEN
from tests.engine.review_sov import write_review_sov
from tests.gui.helpers import wait_loaded, wait_sources


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    # Slow enough that the run is still working when the resubmit is asked for.
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=4.0,
                          queue_seconds=0.3)


def test_resubmit_while_the_run_works_is_refused_and_the_run_goes_on(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path, run_coro: Any) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    sov = write_review_sov(tmp_path / "busy.xlsx")
    window.open_files([sov])
    wait_loaded(qtbot, window, "busy.xlsx")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()
    store = window.services.run_store
    qtbot.waitUntil(lambda: bool(window.runs.active_runs()), timeout=10_000)
    run_id = window.runs.active_runs()[0]
    with pytest.raises(EditError, match="still working"):
        run_coro(window.runs.resubmit(run_id))
    assert run_id in window.runs.active_runs()
    qtbot.waitUntil(lambda: store.get_run(run_id).phase is RunPhase.COMPLETE, timeout=20_000)
    assert len(store.jobs(run_id)) == 1
