"""The GUI's ingest: OffloadPool.ingest in a real worker process, and an engine run whose
outputs are ingested there (real HTTP to the emulator) storing what the in-thread path does."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.api import OutputIncompleteError
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.engine.ingest import IngestLostError, IngestOutcome, IngestRequest
from ping_desktop.engine.parsing import OutputParseError
from ping_desktop.storage.runstore import RunStore
from ping_desktop.worker.pool import OffloadPool
from ping_desktop.worker.workbench import ThreadWorkbench
from tests.e2e.conftest import harness
from tests.e2e.sov import write_messy_sov
from tests.engine.ingest_support import request_for, store_run, write_output

Ingest = Callable[[IngestRequest], Awaitable[IngestOutcome]]


@pytest.fixture(scope="module")
def pool() -> Iterator[OffloadPool]:
    """One real worker process for the module (spawning one costs about a second)."""
    shared = OffloadPool()
    try:
        yield shared
    finally:
        shared.shutdown()


def test_worker_ingest_is_visible_from_this_process(pool: OffloadPool, tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id, job_id = store_run(store)
        path = tmp_path / "out.json"
        write_output(path)
        worker = asyncio.run(pool.start())
        assert worker != os.getpid()
        outcome = asyncio.run(pool.ingest(request_for(store, run_id, job_id, path)))
        # Written by the worker, read through this process's own open connection.
        assert outcome.locations == {"L1", "L2", "L3"}
        assert outcome.problem_locations == {"L2", "L3"}
        assert store.outputs(job_id)[0].parsed
        assert store.results_for_row(run_id, 2)["PH"].data == {"flood_zone": "X"}
        assert store.get_run(run_id).locations_completed == 3
        again = asyncio.run(pool.ingest(request_for(store, run_id, job_id, path,
                                                    outcome.output_id)))
        assert again.rows_stored == 0


def test_worker_errors_come_back_with_their_message(pool: OffloadPool, tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id, job_id = store_run(store)
        cut = tmp_path / "cut.json"
        write_output(cut, raw=b'{"L1": ')
        with pytest.raises(OutputIncompleteError, match=r"incomplete.*Download it again"):
            asyncio.run(pool.ingest(request_for(store, run_id, job_id, cut)))
        assert not cut.exists()
        assert store.outputs(job_id) == []
        listed = tmp_path / "list.json"
        write_output(listed, data=["L1"])
        with pytest.raises(OutputParseError, match="JSON object keyed by location"):
            asyncio.run(pool.ingest(request_for(store, run_id, job_id, listed)))


def test_a_dead_worker_is_reported_then_replaced(tmp_path: Path) -> None:
    own = OffloadPool()
    try:
        with RunStore(tmp_path / "runs.sqlite3") as store:
            run_id, job_id = store_run(store)
            path = tmp_path / "out.json"
            write_output(path)
            os.kill(asyncio.run(own.start()), signal.SIGKILL)
            with pytest.raises(IngestLostError) as caught:
                asyncio.run(own.ingest(request_for(store, run_id, job_id, path)))
            assert "resume the run" in caught.value.message
            outcome = asyncio.run(own.ingest(request_for(store, run_id, job_id, path)))
            assert outcome.rows_stored == 5
    finally:
        own.shutdown()


def _enhance(api_url: str, home: Path, sov: Path, **options: Any) -> dict[str, Any]:
    """Run ``sov`` to the end; what it stored (counters, jobs, results per row)."""
    async def go() -> dict[str, Any]:
        async with harness(api_url, home, **options) as h:
            run_id = await h.create(sov, ["PG", "PH"])
            run = await h.engine.run(run_id)
            return _stored(h.store, run_id) | {"phase": run.phase}
    return asyncio.run(go())


def _stored(store: RunStore, run_id: int) -> dict[str, Any]:
    run = store.get_run(run_id)
    return {
        "counters": (run.locations_completed, run.problems, run.jobs_done, run.jobs_total),
        "observed": run.observed_fields,
        "jobs": [(j.number, j.phase, j.completed, j.problems, j.message)
                 for j in store.jobs(run_id)],
        "outputs_parsed": [o.parsed for j in store.jobs(run_id) for o in store.outputs(j.id)],
        "rows": [(n, {s: (r.is_success, r.error_message, sorted(r.data)) for s, r in res.items()})
                 for n, _values, res in store.iter_rows(run_id)],
    }


def test_engine_ingesting_in_the_worker_stores_what_the_thread_does(
    emulator: EmulatorServer, pool: OffloadPool, tmp_path: Path
) -> None:
    sov = tmp_path / "sov.xlsx"
    write_messy_sov(sov, 40)
    in_thread = _enhance(emulator.api_url, tmp_path / "thread", sov)
    workers: set[int] = set()

    async def counted(request: IngestRequest) -> IngestOutcome:
        workers.add(await pool.start())
        return await pool.ingest(request)

    in_worker = _enhance(emulator.api_url, tmp_path / "worker", sov, ingest=counted)
    assert workers
    assert os.getpid() not in workers
    assert in_thread["phase"] in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert in_thread["counters"][0] > 0
    assert all(in_thread["outputs_parsed"])
    assert in_thread["outputs_parsed"]
    assert any(results for _n, results in in_thread["rows"])
    assert in_worker == in_thread


def _losing(times: int, then: Ingest | None) -> tuple[Ingest, list[IngestRequest]]:
    calls: list[IngestRequest] = []

    async def ingest(request: IngestRequest) -> IngestOutcome:
        calls.append(request)
        if len(calls) <= times or then is None:
            raise IngestLostError()
        return await then(request)
    return ingest, calls


def test_a_lost_ingest_is_tried_once_more(emulator: EmulatorServer, pool: OffloadPool,
                                          tmp_path: Path) -> None:
    sov = tmp_path / "sov.xlsx"
    write_messy_sov(sov, 8)
    flaky, calls = _losing(1, pool.ingest)
    stored = _enhance(emulator.api_url, tmp_path / "h", sov, locations_per_job=100,
                      ingest=flaky)
    assert stored["phase"] in (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)
    assert len(calls) == 2
    assert calls[0] == calls[1]
    assert stored["jobs"][0][1] is JobPhase.COMPLETE


def test_a_worker_lost_after_recording_needs_attention_and_resume_recovers(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    sov = tmp_path / "sov.xlsx"
    write_messy_sov(sov, 8)
    clean = _enhance(emulator.api_url, tmp_path / "clean", sov, locations_per_job=100)
    home = tmp_path / "h"
    home.mkdir()
    calls: list[IngestRequest] = []

    async def record_then_die(request: IngestRequest) -> IngestOutcome:
        # What a worker killed between recording the output and storing its rows leaves.
        calls.append(request)
        with RunStore(request.store_path) as other:
            await asyncio.to_thread(other.record_output, request.job_id, request.filename,
                                    request.url, request.local_path, request.size,
                                    request.sha256)
        raise IngestLostError()

    async def go() -> dict[str, Any]:
        async with harness(emulator.api_url, home, locations_per_job=100,
                           ingest=record_then_die) as h:
            run_id = await h.create(sov, ["PG", "PH"])
            run = await h.engine.run(run_id)
            assert run.phase is RunPhase.NEEDS_ATTENTION
            [job] = h.store.jobs(run_id)
            assert job.phase is JobPhase.NEEDS_ATTENTION
            assert job.message == IngestLostError.default_message
            assert "resume the run" in (run.message or "")
            assert len(calls) == 2  # tried once more, then left for the user
            assert calls[1].output_id is None  # the same fresh download, recorded again
            assert [o.parsed for o in h.store.outputs(job.id)] == [False]
        fetched = emulator.stats()["output_requests"]
        async with harness(emulator.api_url, home, locations_per_job=100) as h:
            again = await h.engine.resume(run_id)
            assert emulator.stats()["output_requests"] == fetched  # not downloaded again
            return _stored(h.store, again.id) | {"phase": again.phase}

    assert asyncio.run(go()) == clean


def test_in_process_pool_ingests_too(tmp_path: Path) -> None:
    threads = ThreadWorkbench()
    try:
        with RunStore(tmp_path / "runs.sqlite3") as store:
            run_id, job_id = store_run(store)
            path = tmp_path / "out.json"
            write_output(path)
            outcome = asyncio.run(threads.ingest(request_for(store, run_id, job_id, path)))
            assert outcome.rows_stored == 5
            assert store.get_run(run_id).locations_completed == 3
    finally:
        threads.shutdown()
