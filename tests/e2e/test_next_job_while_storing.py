"""A job the server has finished is stored while its worker already sends the next job, and
the server never has more jobs at once than the run's concurrency (issue 15)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.engine.ingest import IngestOutcome, IngestRequest
from ping_desktop.engine.runner import Engine
from tests.e2e.conftest import harness


def test_the_next_job_is_sent_while_the_last_one_is_stored(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path
) -> None:
    engines: list[Engine] = []
    jobs_sent_during_first_ingest: list[int] = []

    async def slow_ingest(request: IngestRequest) -> IngestOutcome:
        engine = engines[0]
        if not jobs_sent_during_first_ingest:
            # One job in flight at a time: the second can only have been sent while this
            # first one waits to be stored.
            # (The emulator's counter lives in another thread: it is polled, not awaited.)
            for _ in range(1000):
                if emulator.stats()["jobs_created"] >= 2:
                    break
                await asyncio.sleep(0.01)
            jobs_sent_during_first_ingest.append(emulator.stats()["jobs_created"])
        return await engine._ingest_in_thread(request)

    async def main() -> tuple[RunPhase, list[JobPhase]]:
        async with harness(emulator.api_url, tmp_path, concurrent_jobs=1,
                           ingest=slow_ingest) as h:
            engines.append(h.engine)
            run_id = await h.create(messy_sov, ["PG"])
            run = await h.engine.run(run_id)
            return run.phase, [j.phase for j in h.store.jobs(run_id)]

    phase, jobs = asyncio.run(main())
    assert jobs_sent_during_first_ingest == [2]
    assert phase in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert jobs == [JobPhase.COMPLETE] * 3
    assert emulator.stats()["jobs_created"] == 3
