"""Resuming after a crash at the worst moments: never a duplicate job, nothing fetched twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.e2e.conftest import harness


def test_crash_between_submitting_and_id_stored_leaves_the_job_uncertain(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    async def main_() -> None:
        async with harness(emulator.api_url, tmp_path) as h:
            run_id = await h.create(messy_sov, ["PG"])
            first = h.store.jobs(run_id)[0]
            # What a kill right after "SUBMITTING" and before the answer leaves behind.
            h.store.mark_job_submitting(first.id, "hash")
            h.store.set_run_phase(run_id, RunPhase.RUNNING)
            run = await h.engine.resume(run_id)
            job = h.store.get_job(first.id)
            assert job.phase is JobPhase.UNCERTAIN
            assert "never resent automatically" in (job.message or "")
            assert run.phase is RunPhase.NEEDS_ATTENTION
            assert emulator.stats()["jobs_created"] == 2  # only the other two jobs
            await h.engine.resolve_uncertain(first.id, resubmit=False)
            after = h.store.get_run(run_id)
            assert after.phase is RunPhase.COMPLETE_WITH_PROBLEMS
            assert h.store.get_job(first.id).phase is JobPhase.CANCELED

    asyncio.run(main_())


def test_crash_after_download_does_not_fetch_again(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    async def main_() -> None:
        async with harness(emulator.api_url, tmp_path, locations_per_job=100) as h:
            run_id = await h.create(messy_sov, ["PG"])
            run = await h.engine.run(run_id)
            assert run.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
            [job] = h.store.jobs(run_id)
            # Back to "downloaded but not yet marked complete" (a kill after the download).
            h.store.update_job(job.id, phase=JobPhase.DOWNLOADING)
            h.store.set_run_phase(run_id, RunPhase.RUNNING)
            before = emulator.stats()
            again = await h.engine.resume(run_id)
            after = emulator.stats()
            assert again.phase is run.phase
            assert after["output_requests"] == before["output_requests"]
            assert after["jobs_created"] == before["jobs_created"] == 1
            assert after["status_requests"] == before["status_requests"] + 1

    asyncio.run(main_())


def test_cli_resume_resubmit_uncertain(
    emulator: EmulatorServer, messy_sov: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], app_home: Path,
) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    emulator.set_faults(accept_then_error=1)
    args = ["--poll-interval", "0.02"]
    assert main(["enhance", str(messy_sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--locations-per-job", "100", *args]) == 1
    err = capsys.readouterr().err
    assert "NEEDS_ATTENTION" in err
    assert "ping-desktop-cli resume 1" in err
    assert main(["resume", "1", *args]) == 1  # still undecided: nothing is resent
    assert "--resubmit-uncertain" in capsys.readouterr().err
    assert emulator.stats()["jobs_created"] == 1
    assert main(["resume", "1", "--resubmit-uncertain", *args]) == 0
    assert emulator.stats()["jobs_created"] == 2
    assert messy_sov.with_name("ACME SOV-enriched.xlsx").is_file()
    with RunStore(app_home / "data" / "runs.sqlite3") as store:
        assert store.get_run(1).phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
