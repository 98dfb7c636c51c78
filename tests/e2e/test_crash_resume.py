"""A CLI run killed with SIGKILL mid-run, then resumed, gives the same workbook as an
uninterrupted run, and the server saw no duplicate job."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.server import EmulatorServer
from tests.conftest import TEST_TOKEN

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Slow enough (0.25 s per 10-location job) to kill the CLI while job 1 runs."""
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=40.0,
                          queue_seconds=0.05)


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ping_desktop.cli", *args]


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PING_DESKTOP_HOME=str(home), PING_DATA_AUTH_TOKEN=TEST_TOKEN)
    return env


def _stored_job_ids(db: Path) -> int:
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


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        # The Run sheet holds times and job ids, which differ between runs by nature.
        return {name: list(wb[name].values) for name in wb.sheetnames if name != "Run"}
    finally:
        wb.close()


def test_sigkill_mid_run_then_resume_matches_an_uninterrupted_run(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    common = ["--sources", "PG,PH", "--api-url", emulator.api_url, "--locations-per-job", "10",
              "--concurrency", "1", "--poll-interval", "0.05"]
    crashed_home, clean_home = tmp_path / "crashed", tmp_path / "clean"
    crashed_out, clean_out = tmp_path / "crashed.xlsx", tmp_path / "clean.xlsx"

    proc = subprocess.Popen(
        _cli(crashed_home, "enhance", str(messy_sov), *common, "--output", str(crashed_out)),
        env=_env(crashed_home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    db = crashed_home / "data" / "runs.sqlite3"
    deadline = time.monotonic() + 30
    try:
        while _stored_job_ids(db) < 1:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no job id was stored in time"
            time.sleep(0.01)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert not crashed_out.exists()
    created_before_resume = emulator.stats()["jobs_created"]
    assert created_before_resume == 1

    resumed = subprocess.run(_cli(crashed_home, "resume", "--poll-interval", "0.05"),
                             env=_env(crashed_home), capture_output=True, text=True, timeout=60,
                             check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming run 1" in resumed.stderr
    assert crashed_out.is_file()
    with sqlite3.connect(db) as conn:
        phases = [r[0] for r in conn.execute("SELECT phase FROM jobs ORDER BY number")]
        outputs = conn.execute("SELECT count(*) FROM outputs").fetchone()[0]
    assert phases == ["COMPLETE"] * 3
    assert outputs == 3
    assert emulator.stats()["jobs_created"] == len(phases)  # no job was submitted twice

    emulator.reset_stats()
    clean = subprocess.run(
        _cli(clean_home, "enhance", str(messy_sov), *common, "--output", str(clean_out)),
        env=_env(clean_home), capture_output=True, text=True, timeout=60, check=False,
    )
    assert clean.returncode == 0, clean.stderr
    assert emulator.stats()["jobs_created"] == 3

    crashed, uninterrupted = _sheets(crashed_out), _sheets(clean_out)
    assert crashed.keys() == uninterrupted.keys() == {"SOV 2025", "Problems", "Summary"}
    for name, rows in uninterrupted.items():
        assert len(crashed[name]) == len(rows)
        for number, (got, want) in enumerate(zip(crashed[name], rows, strict=True), 1):
            assert got == want, f"{name} row {number} differs"
