"""The engine's public API: coroutines only, every store call on its one database thread, and
``active_runs`` saying which runs it is working on."""

from __future__ import annotations

import asyncio
import inspect
import threading
from pathlib import Path
from typing import Any

from ping_desktop.domain import RunPhase
from ping_desktop.engine.runner import Engine
from ping_desktop.storage.runstore import RunStore
from tests.engine.test_runner import ScriptedClient, _engine, _store_run

#: RunStore methods the engine calls, and the ingest's writes (its reads, the one documented
#: exception, run on its parse thread and are not watched here).
_WATCHED = ("get_run", "get_job", "jobs", "run_folder", "update_job", "finish_job",
            "set_run_phase", "refresh_run_counters", "mark_job_submitting", "set_job_submitted",
            "job_payloads_and_digest", "unfinished_runs", "retry_candidates",
            "record_output", "store_result_rows")


class WatchedStore(RunStore):
    """A run store noting the thread of every watched call made once ``watching`` is set."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.watching = False
        self.threads: set[tuple[int, str]] = set()

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name not in _WATCHED:
            return value
        threads = super().__getattribute__("threads")

        def watched(*args: Any, **kwargs: Any) -> Any:
            if self.watching:  # noted where the call runs, not where the method was looked up
                thread = threading.current_thread()
                threads.add((thread.ident or 0, thread.name))
            return value(*args, **kwargs)

        return watched


def test_public_methods_that_touch_store_or_network_are_coroutines() -> None:
    for name in ("run", "resume", "cancel", "retry_failed", "resolve_uncertain",
                 "unfinished_runs", "aclose", "db"):
        assert inspect.iscoroutinefunction(getattr(Engine, name)), name
    assert not hasattr(Engine, "is_active")
    assert not hasattr(Engine, "create_run")


def test_every_store_call_runs_on_the_one_database_thread(tmp_path: Path) -> None:
    loop_thread = threading.get_ident()

    async def main() -> tuple[RunPhase, set[tuple[int, str]]]:
        store = WatchedStore(tmp_path / "runs.sqlite3")
        try:
            run_id = _store_run(store, 12, 4)
            idle = _store_run(store, 3, 4)
            engine = _engine(store, ScriptedClient(), concurrent_jobs=3)
            store.watching = True
            assert sorted(r.id for r in await engine.unfinished_runs()) == [run_id, idle]
            run = await engine.run(run_id)
            await engine.cancel(idle)
            await engine.retry_failed(run_id)
            await engine.aclose()
            store.watching = False
            return run.phase, store.threads
        finally:
            store.close()

    phase, threads = asyncio.run(main())
    assert phase is RunPhase.COMPLETE
    assert len(threads) == 1, threads
    [(ident, name)] = threads
    assert ident != loop_thread
    assert name.startswith("engine-db")


def test_active_runs_while_running_and_after(tmp_path: Path) -> None:
    seen: list[frozenset[int]] = []

    async def main() -> tuple[int, frozenset[int]]:
        with RunStore(tmp_path / "runs.sqlite3") as store:
            run_id = _store_run(store, 6, 3)
            engine = _engine(store, ScriptedClient(polls=50), concurrent_jobs=1)
            assert engine.active_runs() == frozenset()
            task = asyncio.create_task(engine.run(run_id))
            while not engine.active_runs():  # noqa: ASYNC110
                await asyncio.sleep(0.001)
            seen.append(engine.active_runs())
            await task
            after = engine.active_runs()
            await engine.aclose()
            return run_id, after

    run_id, after = asyncio.run(main())
    assert seen == [frozenset({run_id})]
    assert after == frozenset()


def test_a_run_cancelled_while_it_starts_ends_cancelled(tmp_path: Path) -> None:
    # The window may cancel a run it has just launched, while the engine still reads its record:
    # it must not be cancelled as a stored run and then started anyway.
    async def main() -> tuple[RunPhase, bool, int]:
        with RunStore(tmp_path / "runs.sqlite3") as store:
            run_id = _store_run(store, 6, 3)
            client = ScriptedClient()
            engine = _engine(store, client, concurrent_jobs=1)
            task = asyncio.create_task(engine.run(run_id))
            await asyncio.sleep(0)  # run() is now waiting for the run's record
            starting = run_id in engine.active_runs()
            await engine.cancel(run_id)
            run = await task
            await engine.aclose()
            return run.phase, starting, len(client.jobs)

    phase, starting, submitted = asyncio.run(main())
    assert starting
    assert phase is RunPhase.CANCELED
    assert submitted == 0
