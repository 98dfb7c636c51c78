"""Every emulator fault, end to end over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.config import TRUNCATE_DISCONNECT, TRUNCATE_SHORT_BODY
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunRecord
from tests.e2e.conftest import Harness, harness

T = TypeVar("T")


def run_with(emulator: EmulatorServer, home: Path,
             body: Callable[[Harness], Awaitable[T]], **options: Any) -> T:
    async def main() -> T:
        async with harness(emulator.api_url, home, **options) as h:
            return await body(h)

    return asyncio.run(main())


def all_rows_have(h: Harness, run_id: int, sources: tuple[str, ...]) -> bool:
    """Every row with a location has a successful result from each source."""
    with_location = {n for n, loc in h.store._conn().execute(
        "SELECT row_number, location_id FROM row_locations WHERE run_id = ?", (run_id,))
        if loc is not None}
    for number, _, results in h.store.iter_rows(run_id):
        if number in with_location and not all(
            s in results and results[s].is_success for s in sources
        ):
            return False
    return True


def test_throttled_polls_and_posts_are_waited_out(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.set_faults(throttle=3, retry_after=0.1)

    async def body(h: Harness) -> RunRecord:
        return await h.engine.run(await h.create(messy_sov))

    run = run_with(emulator, tmp_path, body)
    stats = emulator.stats()
    assert run.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert stats["faults_injected"]["throttle"] == 3
    assert stats["jobs_created"] == run.jobs_total == 3


@pytest.mark.parametrize("fault", ["server_errors", "drop_connections"])
def test_5xx_bursts_and_dropped_connections_on_reads_are_retried(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path, fault: str
) -> None:
    emulator.set_faults(**{fault: 4}, only_method="GET")

    async def body(h: Harness) -> RunRecord:
        run_id = await h.create(messy_sov)
        run = await h.engine.run(run_id)
        assert all_rows_have(h, run_id, ("PG",))
        return run

    run = run_with(emulator, tmp_path, body)
    assert run.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert emulator.stats()["faults_injected"][fault] == 4
    assert emulator.stats()["jobs_created"] == 3


def test_dropped_post_is_uncertain_until_the_user_resubmits(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.set_faults(drop_connections=1, only_method="POST")

    async def body(h: Harness) -> tuple[RunRecord, RunRecord, int]:
        run_id = await h.create(messy_sov)
        first = await h.engine.run(run_id)
        [uncertain] = [j for j in h.store.jobs(run_id) if j.phase is JobPhase.UNCERTAIN]
        assert "may or may not have reached the server" in (uncertain.message or "")
        again = await h.engine.resume(run_id)  # resuming alone never resends it
        assert h.store.get_job(uncertain.id).phase is JobPhase.UNCERTAIN
        created = emulator.stats()["jobs_created"]
        await h.engine.resolve_uncertain(uncertain.id, resubmit=True)
        final = await h.engine.resume(run_id)
        assert first.phase is again.phase is RunPhase.NEEDS_ATTENTION
        return final, again, created

    final, _, created_before = run_with(emulator, tmp_path, body, concurrent_jobs=1)
    assert created_before == 2  # the dropped POST never created its job
    assert emulator.stats()["jobs_created"] == 3
    assert final.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)


def test_accepted_then_5xx_is_uncertain_and_never_resent(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.set_faults(accept_then_error=1)

    async def body(h: Harness) -> tuple[RunRecord, JobPhase]:
        run_id = await h.create(messy_sov)
        run = await h.engine.run(run_id)
        await h.engine.resume(run_id)
        return run, h.store.jobs(run_id)[0].phase

    run, phase = run_with(emulator, tmp_path, body, locations_per_job=100)
    assert phase is JobPhase.UNCERTAIN
    assert run.phase is RunPhase.NEEDS_ATTENTION
    assert "attention" in (run.message or "")
    assert emulator.stats()["jobs_created"] == 1


def test_failed_job_then_retry_failed_rows_succeeds(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.set_faults(fail_jobs=1)

    async def body(h: Harness) -> tuple[RunRecord, int, RunRecord, bool]:
        run_id = await h.create(messy_sov, ["PG"])
        run = await h.engine.run(run_id)
        failed = [j for j in h.store.jobs(run_id) if j.phase is JobPhase.FAILED]
        assert len(failed) == 1
        assert "failed" in (failed[0].message or "")
        assert "Retry failed rows" in (failed[0].message or "")
        count = await h.engine.retry_failed(run_id)
        assert count == failed[0].location_count
        after = h.store.get_run(run_id)
        return run, count, after, all_rows_have(h, run_id, ("PG",))

    run, count, after, complete = run_with(emulator, tmp_path, body)
    assert run.phase is RunPhase.COMPLETE_WITH_PROBLEMS
    assert after.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert after.jobs_total == 4
    assert complete
    assert emulator.stats()["jobs_created"] == 4
    assert emulator.stats()["locations_received"] == 28 + count


@pytest.mark.parametrize("mode", [TRUNCATE_DISCONNECT, TRUNCATE_SHORT_BODY])
def test_truncated_output_is_downloaded_again(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path, mode: str
) -> None:
    emulator.set_faults(truncate_outputs=1, truncate_mode=mode)

    async def body(h: Harness) -> tuple[RunRecord, list[Any]]:
        run_id = await h.create(messy_sov)
        run = await h.engine.run(run_id)
        outputs = [o for j in h.store.jobs(run_id) for o in h.store.outputs(j.id)]
        return run, outputs

    run, outputs = run_with(emulator, tmp_path, body)
    assert run.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert emulator.stats()["output_requests"] == 4  # 3 outputs, one fetched twice
    assert len(outputs) == 3
    for out in outputs:
        assert out.parsed
        assert out.size == out.local_path.stat().st_size
        json.loads(out.local_path.read_bytes())


def test_expired_job_needs_attention_with_a_plain_message(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.set_faults(expire_jobs=True)

    async def body(h: Harness) -> tuple[RunRecord, list[Any]]:
        run_id = await h.create(messy_sov)
        return await h.engine.run(run_id), h.store.jobs(run_id)

    run, jobs = run_with(emulator, tmp_path, body)
    assert run.phase is RunPhase.NEEDS_ATTENTION
    assert {j.phase for j in jobs} == {JobPhase.NEEDS_ATTENTION}
    assert all("expired" in (j.message or "") for j in jobs)
    assert "Traceback" not in (run.message or "")
    assert emulator.stats()["status_requests"] == 3  # one each: a 404 is not spun on


def test_status_that_keeps_failing_stops_polling(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.set_faults(server_errors=10_000, server_error_status=500, only_method="GET")

    async def body(h: Harness) -> tuple[RunRecord, list[Any]]:
        run_id = await h.create(messy_sov)
        return await h.engine.run(run_id), h.store.jobs(run_id)

    run, jobs = run_with(emulator, tmp_path, body, locations_per_job=100)
    assert run.phase is RunPhase.NEEDS_ATTENTION
    [job] = jobs
    assert job.phase is JobPhase.NEEDS_ATTENTION
    assert "failed 3 times in a row" in (job.message or "")
    requests = emulator.stats()["status_requests"]
    assert requests <= 3 * 3  # 3 engine attempts x client attempts, then it stops


def test_failing_source_retry_resends_only_those_locations_and_sources(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.set_faults(failing_sources=["PH"])

    async def body(h: Harness) -> None:
        run_id = await h.create(messy_sov)
        run = await h.engine.run(run_id)
        assert run.phase is RunPhase.COMPLETE_WITH_PROBLEMS
        candidates, _ = h.store.retry_candidates(run_id)
        pg_failed = {loc for loc, sources in candidates if sources is None}
        emulator.set_faults(failing_sources=[])
        received = emulator.stats()["locations_received"]
        count = await h.engine.retry_failed(run_id)
        assert count == len(candidates)
        assert emulator.stats()["locations_received"] - received == count
        retry_jobs = h.store.jobs(run_id)[3:]
        payloads = [p for j in retry_jobs for p in h.store.job_payloads(j.id)]
        assert {p["id"] for p in payloads} == {loc for loc, _ in candidates}
        for p in payloads:
            assert p.get("sources", ["PG", "PH"]) == (["PG", "PH"] if p["id"] in pg_failed
                                                      else ["PH"])
        after = h.store.get_run(run_id)
        assert after.problems < run.problems
        assert all_rows_have(h, run_id, ("PH",)) or after.problems > 0

    run_with(emulator, tmp_path, body)


def test_job_too_large_for_the_server_is_split(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.config.max_locations_per_job = 4

    async def body(h: Harness) -> tuple[RunRecord, list[Any], bool]:
        run_id = await h.create(messy_sov, ["PG"])
        run = await h.engine.run(run_id)
        return run, h.store.jobs(run_id), all_rows_have(h, run_id, ("PG",))

    run, jobs, complete = run_with(emulator, tmp_path, body, locations_per_job=10)
    assert run.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert all(j.location_count <= 4 for j in jobs)
    assert sum(j.location_count for j in jobs) == 28
    assert [j.number for j in jobs] == list(range(1, len(jobs) + 1))
    # 28 locations at 10 a job are planned as even jobs of 10, 9 and 9, each split in pieces
    # of the server's 4: 4+4+2, 4+4+1, 4+4+1.
    assert emulator.stats()["jobs_created"] == len(jobs) == 9
    assert complete


def test_offline_pauses_the_run_and_resume_finishes_it(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def offline() -> tuple[int, RunRecord, list[Any]]:
        async with harness(dead, tmp_path) as h:
            run_id = await h.create(messy_sov, ["PG"])
            return run_id, await h.engine.run(run_id), h.store.jobs(run_id)

    run_id, paused, jobs = asyncio.run(offline())
    assert paused.phase is RunPhase.PAUSED
    assert "Cannot reach 127.0.0.1" in (paused.message or "")
    assert "Resume" in (paused.message or "")
    assert {j.phase for j in jobs} == {JobPhase.WAITING}

    async def back_online(h: Harness) -> tuple[RunRecord, bool]:
        assert [r.id for r in await h.engine.unfinished_runs()] == [run_id]
        return await h.engine.resume(run_id), all_rows_have(h, run_id, ("PG",))

    done, complete = run_with(emulator, tmp_path, back_online)
    assert done.phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert complete
    assert emulator.stats()["jobs_created"] == 3


def test_cancel_stops_at_once_and_says_jobs_may_still_use_credits(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    emulator.config.locations_per_second = 5.0

    async def body(h: Harness) -> tuple[RunRecord, list[Any]]:
        run_id = await h.create(messy_sov, ["PG"])
        task = asyncio.create_task(h.engine.run(run_id))
        while not any(j.server_job_id for j in h.store.jobs(run_id)):  # noqa: ASYNC110
            await asyncio.sleep(0.01)  # polling the store is what the test is about
        await h.engine.cancel(run_id)
        run = await asyncio.wait_for(task, 5)
        return run, h.store.jobs(run_id)

    run, jobs = run_with(emulator, tmp_path, body)
    created = emulator.stats()["jobs_created"]
    assert run.phase is RunPhase.CANCELED
    assert "may still complete on the server and use credits" in (run.message or "")
    assert JobPhase.CANCELED in {j.phase for j in jobs}
    assert all(j.phase.is_final for j in jobs)
    assert created < 3
    assert emulator.stats()["jobs_created"] == created
