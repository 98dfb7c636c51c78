"""A resubmit killed (SIGKILL) while its job runs on the server resumes like any run: the job
is polled, not sent again, and the corrected row gets its result."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.engine.review_sov import LOW, NOT_SENT, write_review_sov

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Slow (4 locations a second): the resubmitted job runs long enough to be killed."""
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=4.0,
                          queue_seconds=0.05)


def _jobs_on_server(db: Path) -> int:
    """Jobs with a server id, read without disturbing the writer (read-only connection)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return 0
    try:
        return int(conn.execute(
            "SELECT count(*) FROM jobs WHERE server_job_id IS NOT NULL").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def test_resubmit_killed_midway_resumes_with_no_duplicate_job(
        emulator: EmulatorServer, tmp_path: Path, app_home: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    sov = write_review_sov(tmp_path / "sov.xlsx")
    out = tmp_path / "out.xlsx"
    assert main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--output", str(out), "--poll-interval", "0.05"]) == 0
    out.unlink()
    db = app_home / "data" / "runs.sqlite3"
    env = dict(os.environ, PING_DESKTOP_HOME=str(app_home), PING_DATA_AUTH_TOKEN=TEST_TOKEN)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ping_desktop.cli", "resubmit", "1",
         "--row", str(LOW), "--set", "street=10 Tremont St",
         "--row", str(NOT_SENT), "--set", "street=1 Federal St", "--set", "city=Boston",
         "--set", "state=MA", "--poll-interval", "0.05"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    try:
        while _jobs_on_server(db) < 2:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the resubmitted job got no server id in time"
            time.sleep(0.01)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert emulator.stats()["jobs_created"] == 2
    with RunStore(db) as store:
        assert not store.get_run(1).phase.is_final  # left where resume finds it
        assert not out.exists()

    resumed = subprocess.run(
        [sys.executable, "-m", "ping_desktop.cli", "resume", "--poll-interval", "0.05"],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming run 1" in resumed.stderr
    assert emulator.stats()["jobs_created"] == 2  # the resubmitted job was not sent twice
    assert out.is_file()  # saved where enhance saved it
    with RunStore(db) as store:
        run = store.get_run(1)
        assert run.phase is RunPhase.COMPLETE
        assert [j.phase for j in store.jobs(1)] == [JobPhase.COMPLETE] * 2
        assert store.results_for_row(1, LOW)["PG"].is_success
        assert store.results_for_row(1, NOT_SENT)["PG"].is_success
        assert {e.state for e in store.row_edit_history(1)} == {"sent"}
