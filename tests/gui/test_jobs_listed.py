"""Starting a run lists all its jobs at once, waiting ones included, as one insertion."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.domain import JobPhase
from ping_desktop.emulator.server import EmulatorConfig
from ping_desktop.gui.job_cells import JobColumn
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, jobs, open_and_start


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    # Slow: the first job is still running when the table is looked at.
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=10.0,
                          queue_seconds=0.2)


def test_start_lists_every_job_before_they_move(qtbot: Any, make_window: Any, emulator: Any,
                                                tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"],
                         locations_per_job=20, concurrent_jobs=1)
    inserted: list[tuple[int, int]] = []
    window.jobs_model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    open_and_start(qtbot, window, Path(shutil.copy(SAMPLE, tmp_path / "three-jobs.xlsx")))
    qtbot.waitUntil(lambda: len(jobs(window)) == 3, timeout=10_000)
    assert inserted == [(0, 2)]  # 58 locations in jobs of 20: three rows in one insertion
    listed = jobs(window)
    assert [j.job_number for j in listed] == [1, 2, 3]
    assert listed[2].phase is JobPhase.WAITING  # one job at a time: the third waits
    model = window.jobs_model
    assert model.index(2, JobColumn.STATUS).data() == "Waiting to be sent"
    assert model.index(2, JobColumn.FILE).data() == "three-jobs.xlsx"
