"""Engine behaviour that needs no server: a scripted client stands in for the API."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from ping_desktop.api import JobStatus, PingDataClient, StartedJob
from ping_desktop.api.models import DownloadedFile
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine.events import Event, JobProgress, RunProgress
from ping_desktop.engine.polling import PollSettings
from ping_desktop.engine.runner import Engine, EngineError
from ping_desktop.storage.runstore import PlannedJob, RunStore

FAST = PollSettings(initial=0.001, cap=0.005)


class ScriptedClient:
    """Answers like the API would: each job completes after ``polls`` status requests."""

    origin = "https://api.example.test"

    def __init__(self, polls: int = 3, fail_submit: BaseException | None = None) -> None:
        self.polls = polls
        self.fail_submit = fail_submit
        self.jobs: dict[str, list[str]] = {}
        self.seen: dict[str, int] = {}

    async def start_bulk_enhance(self, locations: Sequence[Mapping[str, Any]],
                                 sources: Sequence[str]) -> StartedJob:
        if self.fail_submit is not None:
            raise self.fail_submit
        job_id = f"job-{len(self.jobs) + 1}"
        self.jobs[job_id] = [str(loc["id"]) for loc in locations]
        return StartedJob(job_id)

    async def get_job(self, job_id: str) -> JobStatus:
        self.seen[job_id] = self.seen.get(job_id, 0) + 1
        n = len(self.jobs[job_id])
        done = min(n, n * self.seen[job_id] // self.polls)
        body: dict[str, Any] = {"request": {
            "status": "COMPLETE" if done == n else "IN_PROGRESS",
            "num_requested": n, "num_completed": done, "num_problems": 0}}
        if done == n:
            body["result"] = {"status": "SUCCESS", "outputs": [
                {"url": f"{self.origin}/api/v1/bulk_enhance/{job_id}/output/out.json",
                 "filename": "out.json"}]}
        return JobStatus.from_json(body, job_id)

    async def download_output(self, url: str, dest: Path, *,
                              validate_json: bool = True) -> DownloadedFile:
        job_id = url.split("/")[-3]
        data = {loc: {"PG": {"is_success": True, "confidence": 90, "latitude": 1.0}}
                for loc in self.jobs[job_id]}
        body = json.dumps(data).encode()
        await asyncio.to_thread(dest.write_bytes, body)
        return DownloadedFile(dest, len(body), hashlib.sha256(body).hexdigest())


def _engine(store: RunStore, client: ScriptedClient, **options: Any) -> Engine:
    # The engine only uses the client's methods above; no HTTP is involved in these tests.
    return Engine(store, cast(PingDataClient, client), poll=FAST, **options)


def _store_run(store: RunStore, locations: int, per_job: int) -> int:
    ids = [f"L{i}" for i in range(locations)]
    return store.create_run(
        folder=store.new_run_folder(), file_name="x.csv", input_path=Path("x.csv"),
        input_copy=None, sheet=None, header_row=1, columns=["A"], mapping={}, sources=["PG"],
        api_origin=ScriptedClient.origin, rows=[(i + 2, (f"r{i}",)) for i in range(locations)],
        row_locations=[(i + 2, loc) for i, loc in enumerate(ids)],
        locations=[(loc, {"address": loc}, i + 2) for i, loc in enumerate(ids)],
        jobs=[PlannedJob(tuple(ids[i:i + per_job])) for i in range(0, locations, per_job)],
    )


def test_events_count_up_with_an_eta_and_finish_complete(tmp_path: Path) -> None:
    events: list[Event] = []
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _store_run(store, 20, 5)
        engine = _engine(store, ScriptedClient(), on_event=events.append, concurrent_jobs=2)
        run = asyncio.run(engine.run(run_id))
    assert run.phase is RunPhase.COMPLETE
    assert run.locations_completed == 20
    runs = [e for e in events if isinstance(e, RunProgress)]
    done = [e.locations_completed for e in runs]
    assert done == sorted(done)
    assert runs[-1].jobs_done == runs[-1].jobs_total == 4
    assert any(e.eta_seconds is not None and e.eta_seconds > 0 for e in runs)
    jobs = [e for e in events if isinstance(e, JobProgress)]
    assert {e.job_count for e in jobs} == {4}
    assert jobs[-1].phase is JobPhase.COMPLETE
    assert all(e.elapsed_seconds is not None for e in jobs if e.phase is JobPhase.COMPLETE)
    in_flight = [e for e in jobs if e.phase is JobPhase.IN_PROGRESS]
    assert in_flight
    assert all(0 < e.completed < e.requested for e in in_flight)


def test_an_unexpected_error_during_the_post_makes_the_job_uncertain(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _store_run(store, 3, 5)
        client = ScriptedClient(fail_submit=RuntimeError("boom"))
        run = asyncio.run(_engine(store, client).run(run_id))
        [job] = store.jobs(run_id)
    assert job.phase is JobPhase.UNCERTAIN
    assert "may or may not exist on the server" in (job.message or "")
    assert run.phase is RunPhase.NEEDS_ATTENTION


def test_cancel_of_an_idle_run_marks_everything_and_says_credits_may_be_used(
    tmp_path: Path,
) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _store_run(store, 10, 5)
        engine = _engine(store, ScriptedClient())
        first, _ = store.jobs(run_id)
        store.set_job_submitted(first.id, "job-x")
        asyncio.run(engine.cancel(run_id))
        run = store.get_run(run_id)
        jobs = store.jobs(run_id)
    assert run.phase is RunPhase.CANCELED
    assert "may still complete on the server and use credits" in (run.message or "")
    assert [j.phase for j in jobs] == [JobPhase.CANCELED, JobPhase.CANCELED]
    assert "server may still finish" in (jobs[0].message or "")
    assert "Not sent" in (jobs[1].message or "")


def test_misuse_gets_plain_errors(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        engine = _engine(store, ScriptedClient())
        with pytest.raises(EngineError, match="no run 42"):
            asyncio.run(engine.run(42))
        run_id = _store_run(store, 2, 5)
        with pytest.raises(EngineError, match="not waiting for a decision"):
            asyncio.run(engine.resolve_uncertain(store.jobs(run_id)[0].id, resubmit=True))
        with pytest.raises(ValueError, match="at least 1"):
            _engine(store, ScriptedClient(), locations_per_job=0)


def test_cancel_mid_run_publishes_every_event_on_the_loop_thread(tmp_path: Path) -> None:
    threads: set[int] = set()
    events: list[Event] = []

    def sink(event: Event) -> None:
        threads.add(threading.get_ident())
        events.append(event)

    async def main() -> RunPhase:
        with RunStore(tmp_path / "runs.sqlite3") as store:
            run_id = _store_run(store, 10, 5)
            engine = _engine(store, ScriptedClient(polls=10_000), on_event=sink,
                             concurrent_jobs=1)
            task = asyncio.create_task(engine.run(run_id))
            while not any(j.server_job_id for j in store.jobs(run_id)):  # noqa: ASYNC110
                await asyncio.sleep(0.001)
            await engine.cancel(run_id)
            return (await task).phase

    assert asyncio.run(main()) is RunPhase.CANCELED
    assert threads == {threading.get_ident()}
    final_jobs = {e.job_id: e.phase for e in events if isinstance(e, JobProgress)}
    assert sorted(final_jobs.values()) == [JobPhase.CANCELED, JobPhase.CANCELED]
    last = events[-1]
    assert isinstance(last, RunProgress)
    assert last.phase is RunPhase.CANCELED
