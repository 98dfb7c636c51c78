"""A terminal answer for every job state (issue 17, finding 5): jobs the server no longer
knows and undocumented statuses end as NEEDS_ATTENTION with the choices offered;
`retry-failed` sends their rows again or `--drop` finishes without them; exit codes tell
success (0), partial success (3) and failure (1)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ping_desktop.api import PingDataClient
from ping_desktop.api.models import JobStatus
from ping_desktop.cli import main
from ping_desktop.cli.support import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.engine.runner import Engine
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.e2e.conftest import FAST_POLL, FAST_RETRY
from tests.e2e.workbench import create_run


def _run_the_server_forgot(sov: Path, origin: str) -> int:
    """A run whose every job has a server id the server does not know (it restarted)."""
    with RunStore() as store:
        run_id = asyncio.run(create_run(store, sov, ("PG",), origin, 10))
        for job in store.jobs(run_id):
            store.mark_job_submitting(job.id, "digest")
            store.set_job_submitted(job.id, f"lost-{job.number}")
        store.set_run_phase(run_id, RunPhase.PAUSED, "Interrupted")
        return run_id


def test_lost_jobs_offer_choices_and_retry_failed_sends_their_rows_again(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    run_id = _run_the_server_forgot(messy_sov, emulator.base_url)
    out = tmp_path / "out.xlsx"
    fast = ["--poll-interval", "0.01"]
    assert main(["resume", str(run_id), *fast, "--output", str(out)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"ping-desktop-cli retry-failed {run_id} --drop" in err
    assert "was not found" in err
    assert emulator.stats()["jobs_created"] == 0

    code = main(["retry-failed", str(run_id), *fast, "--output", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_OK, err
    assert "28 location(s) sent again" in err, err
    assert emulator.stats()["jobs_created"] == 1  # 28 locations, up to 1000 per job
    with RunStore() as store:
        assert store.get_run(run_id).phase is RunPhase.COMPLETE
    assert out.is_file()


def test_drop_finishes_the_run_without_the_lost_rows_as_a_partial_success(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    run_id = _run_the_server_forgot(messy_sov, emulator.base_url)
    out = tmp_path / "out.csv"
    assert main(["resume", str(run_id), "--poll-interval", "0.01"]) == EXIT_FAILED
    assert main(["retry-failed", str(run_id), "--drop", "--output", str(out)]) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert "3 job(s) left without results" in err
    assert emulator.stats()["jobs_created"] == 0
    with RunStore() as store:
        assert store.get_run(run_id).phase is RunPhase.COMPLETE_WITH_PROBLEMS
        assert {j.phase for j in store.jobs(run_id)} == {JobPhase.CANCELED}
    assert out.is_file()
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) > 1


class _UndocumentedStatus(PingDataClient):
    """The real client over loopback, but the server's status comes back as 'CANCELED'."""

    async def get_job(self, job_id: str) -> JobStatus:
        await super().get_job(job_id)
        return JobStatus.from_json({"request": {"status": "CANCELED"}}, job_id)


def test_an_undocumented_status_needs_attention_instead_of_polling_forever(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
) -> None:
    async def scenario() -> None:
        with RunStore(tmp_path / "runs.sqlite3") as store:
            async with _UndocumentedStatus(emulator.api_url, TEST_TOKEN,
                                           retry=FAST_RETRY) as client:
                engine = Engine(store, client, locations_per_job=10, poll=FAST_POLL)
                try:
                    run_id = await create_run(store, messy_sov, ("PG",), client.origin, 10)
                    run = await asyncio.wait_for(engine.run(run_id), 30)
                finally:
                    await engine.aclose()
                assert run.phase is RunPhase.NEEDS_ATTENTION
                jobs = store.jobs(run_id)
                assert {j.phase for j in jobs} == {JobPhase.NEEDS_ATTENTION}
                assert "status Ping Desktop does not know" in (jobs[0].message or "")

    asyncio.run(scenario())


def test_a_job_past_its_deadline_needs_attention(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
) -> None:
    async def scenario() -> None:
        with RunStore(tmp_path / "runs.sqlite3") as store:
            async with PingDataClient(emulator.api_url, TEST_TOKEN, retry=FAST_RETRY) as client:
                poll = FAST_POLL.__class__(initial=0.02, cap=0.1, job_deadline=1e-6)
                engine = Engine(store, client, locations_per_job=10, poll=poll)
                try:
                    run_id = await create_run(store, messy_sov, ("PG",), client.origin, 10)
                    run = await asyncio.wait_for(engine.run(run_id), 30)
                finally:
                    await engine.aclose()
                assert run.phase is RunPhase.NEEDS_ATTENTION
                messages = {j.message for j in store.jobs(run_id)}
                assert all("has not finished" in (m or "") for m in messages)

    asyncio.run(scenario())


