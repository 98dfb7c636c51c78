"""Two `ping-desktop-cli resume 1` processes started together on one run (issue 17,
finding 1): the emulator creates each job once, one process does the work and the other says
the run is being worked on."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.e2e.workbench import create_run

EXIT_BUSY = 4


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Slow (half a second per 10-location job): the two processes overlap for sure."""
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=20.0,
                          queue_seconds=0.05)


def _left_waiting(home: Path, sov: Path, origin: str) -> int:
    """A stored run whose jobs are all WAITING, as a kill -9 before the first submit leaves
    it; its id."""
    with RunStore(home / "data" / "runs.sqlite3") as store:
        run_id = asyncio.run(create_run(store, sov, ("PG",), origin, 10))
        store.set_run_phase(run_id, RunPhase.PAUSED, "Interrupted")
        assert {j.phase for j in store.jobs(run_id)} == {JobPhase.WAITING}
        return run_id


def test_two_resumes_of_one_run_create_each_job_once(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    run_id = _left_waiting(home, messy_sov, emulator.base_url)
    env = dict(os.environ, PING_DESKTOP_HOME=str(home), PING_DATA_AUTH_TOKEN=TEST_TOKEN)
    cmd = [sys.executable, "-m", "ping_desktop.cli", "resume", str(run_id), "--poll-interval",
           "0.05", "--output", str(tmp_path / "out.xlsx")]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    results = [(p.wait(90), p.communicate()[1]) for p in procs]

    with RunStore(home / "data" / "runs.sqlite3") as store:
        jobs = store.jobs(run_id)
        assert store.leased_runs() == {}  # released by the one that worked
    assert [j.phase for j in jobs] == [JobPhase.COMPLETE] * 3
    assert emulator.stats()["jobs_created"] == len(jobs) == 3
    codes = sorted(code for code, _ in results)
    errors = "\n".join(err for _, err in results)
    print(f"exit codes {codes}; jobs created {emulator.stats()['jobs_created']} for {len(jobs)}")
    if codes == [0, EXIT_BUSY]:  # they overlapped, as the slow server makes sure
        assert "being worked on by another Ping Desktop" in errors
        assert "Traceback" not in errors
    else:  # the second came after the first had finished: it had nothing left to send
        assert codes == [0, 0], errors
