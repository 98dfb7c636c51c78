"""The engine: runs of jobs against the Bulk Enhance API, resumable, cancellable, retryable.

Every public method that touches the store or the network is a coroutine (``run``,
``resume``, ``cancel``, ``retry_failed``, ``resolve_uncertain``, ``unfinished_runs``;
``aclose`` at the end); :meth:`Engine.active_runs` says which runs this engine is working on.

Concurrency: at most ``concurrent_jobs`` workers each carry one job at a time from submit
until the server has finished it, so at most that many jobs are on the server at once; a
queue feeds them (a split adds its new pieces to it). A job the server has finished is then
downloaded and stored by a task of its own while its worker sends the next job (the run waits
for those tasks too); the server's capacity is not left idle meanwhile. Every store read and
write goes through the engine's ONE database thread (:meth:`Engine.db`, a single-thread
executor closed by :meth:`Engine.aclose`), never the event loop's thread, and is awaited
before the next step, so the order on disk is the order of events; :meth:`Engine.db` also
remembers writes still running when a task is cancelled, and the run waits for them before
its final bookkeeping. The heavy end of a job, turning each downloaded output into stored
results (:mod:`ping_desktop.engine.ingest`), goes through the ``ingest`` callable: the worker
process in the GUI; by default a worker thread of its own (the CLI). That default is the one
documented exception to "store access on the database thread": loading and parsing an output
are CPU-bound and would hold up every store call queued behind them, so they run, with the
few store *reads* they need, in their own thread (one output at a time per run); the ingest's
store *writes* are handed to the database thread, which stays the only writer of this process
(a second writing thread made the database thread wait for SQLite's write lock, and every job
with it: the run phase of bench_e2e took 19 s instead of 10-13).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ping_desktop.api import JobStatus, PingDataClient
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine import bookkeeping, leasing, messages
from ping_desktop.engine.context import RunContext, Sleep
from ping_desktop.engine.events import EventSink
from ping_desktop.engine.ingest import Ingest, IngestOutcome, IngestRequest, ingest_output
from ping_desktop.engine.jobflow import JobFlow
from ping_desktop.engine.planning import chunk
from ping_desktop.engine.polling import PollSettings
from ping_desktop.engine.progress import ProgressTracker
from ping_desktop.engine.timings import Timings
from ping_desktop.storage.runstore import (
    LeaseOwner,
    PlannedJob,
    RunLeasedError,
    RunRecord,
    RunStore,
)
from ping_desktop.storage.runstore_leases import DEFAULT_LEASE_SECONDS

log = logging.getLogger(__name__)

T = TypeVar("T")


class EngineError(Exception):
    """A request the engine cannot carry out; ``message`` is plain language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RunBusyError(EngineError):
    """Another live process is working on the run (it holds the run's lease)."""


class Engine:
    """Runs, resumes, cancels and retries stored runs (see the module docstring); runs are
    created by a workbench (:mod:`ping_desktop.worker.workbench`)."""

    def __init__(
        self,
        store: RunStore,
        client: PingDataClient,
        *,
        locations_per_job: int = 1000,
        concurrent_jobs: int = 3,
        on_event: EventSink | None = None,
        poll: PollSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        download_attempts: int = 3,
        timings: Timings | None = None,
        ingest: Ingest | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        if locations_per_job < 1 or concurrent_jobs < 1:
            raise ValueError("locations_per_job and concurrent_jobs must be at least 1")
        self.store = store
        self.client = client
        self.locations_per_job = locations_per_job
        self.concurrent_jobs = concurrent_jobs
        self.on_event = on_event
        self.poll = poll or PollSettings()
        self.clock = clock
        self.sleep = sleep
        self.rand = rand
        self.download_attempts = max(1, download_attempts)
        self.timings = timings or Timings()
        self._ingest: Ingest = ingest or self._ingest_in_thread
        self._active: dict[int, RunContext] = {}
        # Runs between the start of run() and their context (their record is being read),
        # with whether a cancel came meanwhile.
        self._starting: dict[int, bool] = {}
        self._pending: set[asyncio.Future[Any]] = set()
        # The one thread every store call of this engine runs on (created on first use).
        self._db_thread: ThreadPoolExecutor | None = None
        # Who this engine is in the runs' leases (one claimant per engine), and for how long
        # a claim holds without renewal (renewed every third of it while a run works).
        self.owner = LeaseOwner.this_process()
        self.lease_seconds = lease_seconds

    # -- store access ------------------------------------------------------------------------

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking store call on the engine's database thread and wait for it.

        Calls run one at a time in the order made. The write keeps going if the caller is
        cancelled meanwhile; :meth:`_settle` waits for such writes so final bookkeeping never
        races them.
        """
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._db_executor(), functools.partial(fn, *args, **kwargs))
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        return await asyncio.shield(future)

    def _db_executor(self) -> ThreadPoolExecutor:
        if self._db_thread is None:
            self._db_thread = ThreadPoolExecutor(1, thread_name_prefix="engine-db")
        return self._db_thread

    async def ingest(self, request: IngestRequest) -> IngestOutcome:
        """Ingest one downloaded output (load, record, parse, store) with the engine's ingest
        callable and wait for it; like :meth:`db`, it keeps going if the caller is cancelled
        and :meth:`_settle` waits for it."""
        future = asyncio.ensure_future(self._ingest(request))
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        return await asyncio.shield(future)

    async def _ingest_in_thread(self, request: IngestRequest) -> IngestOutcome:
        """The default ingest: a worker thread of this process, on the engine's own store."""
        return await asyncio.to_thread(self._ingest_blocking, request)

    def _ingest_blocking(self, request: IngestRequest) -> IngestOutcome:
        with self.timings.measure_cpu("parse"):
            return ingest_output(self.store, request, self._write_from_ingest)

    def _write_from_ingest(self, fn: Callable[..., T], *args: Any) -> T:
        """Run an ingest's store write on the database thread and wait for it (called from
        the ingest's thread; its CPU still counts as ``parse``)."""
        def timed() -> T:
            with self.timings.measure_cpu("parse"):
                return fn(*args)

        return self._db_executor().submit(timed).result()

    async def _settle(self) -> None:
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def aclose(self) -> None:
        """Wait for store calls still running, then stop the database thread (a later call
        starts a new one). Stop the runs first: this does not cancel them."""
        await self._settle()
        executor, self._db_thread = self._db_thread, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True)

    # -- running -----------------------------------------------------------------------------

    async def unfinished_runs(self) -> list[RunRecord]:
        """Runs that stopped before the end (app closed, offline, needing attention) and that
        neither this engine nor another live process is working on."""
        runs = await self.db(self.store.unfinished_runs)
        return [r for r in runs if r.id not in self.active_runs()]

    def active_runs(self) -> frozenset[int]:
        """The runs this engine is working on now (from the start of :meth:`run` until its
        final bookkeeping is stored)."""
        return frozenset(self._active).union(self._starting)

    async def resume(self, run_id: int) -> RunRecord:
        """Continue an unfinished run: submitted jobs are polled, unsent jobs are sent,
        downloaded outputs are not fetched again, uncertain jobs wait for the user."""
        return await self.run(run_id)

    async def run(self, run_id: int) -> RunRecord:
        """Carry every job of the run as far as possible; returns the run as stored after."""
        if run_id in self.active_runs():
            raise EngineError("This run is already in progress.")
        # The run is active from here: a cancel while its record is read stops it at once.
        self._starting[run_id] = False
        try:
            run, folder = await self.db(
                lambda: (self.store.get_run(run_id), self.store.run_folder(run_id)))
            # Before anything is sent or polled: another process may be working on this run.
            await self.db(self.store.take_lease, run_id, self.owner, self.lease_seconds)
        except KeyError:
            raise EngineError(f"There is no run {run_id}.") from None
        except RunLeasedError as exc:
            raise RunBusyError(exc.message) from exc
        finally:
            canceled = self._starting.pop(run_id, False)
        try:
            return await self._run_leased(run_id, run, folder, canceled)
        finally:
            await self.db(self.store.release_lease, run_id, self.owner)

    async def _run_leased(self, run_id: int, run: RunRecord, folder: Path,
                          canceled: bool) -> RunRecord:
        tracker = ProgressTracker(run_id, run.file_name, self.on_event, self.clock)
        ctx = RunContext(run, tracker, folder / "outputs", self.sleep)
        self._active[run_id] = ctx
        if canceled:
            self._stop(ctx)
        try:
            await asyncio.to_thread(ctx.outputs_dir.mkdir, parents=True, exist_ok=True)
            jobs = await self.db(self.store.jobs, run_id)
            tracker.load(jobs)
            todo = [j for j in jobs if not j.phase.is_final]
            # Jobs already on the server first: they are in flight and hold server capacity.
            todo.sort(key=lambda j: (j.phase not in bookkeeping.ON_SERVER, j.number))
            await self.db(self.store.set_run_phase, run_id, RunPhase.RUNNING, None)
            tracker.publish_run(RunPhase.RUNNING)
            for job in todo:
                ctx.queue.put_nowait(job.id)
            heartbeat = asyncio.create_task(leasing.heartbeat(self, ctx),
                                            name=f"run-{run_id}-lease")
            try:
                with self.timings.measure("run"):
                    self.timings.mark("run start")
                    await self._work(ctx)
                    self.timings.mark("run end")
            finally:
                heartbeat.cancel()
        except asyncio.CancelledError:
            self._stop_workers(ctx)
            try:
                # Queued behind the workers' last writes on the database thread; shielded by
                # db(), so a second cancel does not lose it. A run another process took over
                # is left as its new owner has it.
                await self.db(leasing.pause_if_ours, self, run_id)
            finally:
                self._active.pop(run_id, None)
            raise
        try:
            return await self._finalize(ctx)
        finally:
            self._active.pop(run_id, None)

    async def _work(self, ctx: RunContext) -> None:
        ctx.workers = [
            asyncio.create_task(self._worker(ctx), name=f"run-{ctx.run.id}-worker-{n}")
            for n in range(self.concurrent_jobs)
        ]
        joiner = asyncio.ensure_future(ctx.queue.join())
        try:
            await asyncio.wait({joiner, *ctx.workers}, return_when=asyncio.FIRST_COMPLETED)
            if not ctx.canceled and not joiner.done():
                # Stopping (pause/attention): workers finish their step and skip the rest.
                await asyncio.wait({joiner}, timeout=None)
        finally:
            joiner.cancel()
            self._stop_workers(ctx)
            await asyncio.gather(*ctx.workers, *ctx.collecting, return_exceptions=True)
            await self._settle()

    @staticmethod
    def _stop_workers(ctx: RunContext) -> None:
        for task in [*ctx.workers, *ctx.collecting]:
            task.cancel()

    async def _worker(self, ctx: RunContext) -> None:
        while True:
            job_id = await ctx.queue.get()
            handed_on = False
            try:
                if not ctx.stop.is_set():
                    flow = JobFlow(self, ctx, job_id)
                    status = await flow.until_finished_on_server()
                    if status is not None:
                        # The queue counts the job done when its collect task ends.
                        task = asyncio.create_task(self._collect(ctx, flow, status),
                                                   name=f"run-{ctx.run.id}-collect-{job_id}")
                        ctx.collecting.add(task)
                        task.add_done_callback(ctx.collecting.discard)
                        handed_on = True
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must not take the whole run down silently
                await self._unexpected(ctx, job_id, exc)
            finally:
                if not handed_on:
                    ctx.queue.task_done()

    async def _collect(self, ctx: RunContext, flow: JobFlow, status: JobStatus) -> None:
        try:
            await flow.collect(status)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._unexpected(ctx, flow.job_id, exc)
        finally:
            ctx.queue.task_done()

    async def _unexpected(self, ctx: RunContext, job_id: int, exc: Exception) -> None:
        log.exception("Job %d failed unexpectedly", job_id, exc_info=exc)
        ctx.tracker.update(await self.db(bookkeeping.record_unexpected, self.store, job_id,
                                         type(exc).__name__))

    async def _finalize(self, ctx: RunContext) -> RunRecord:
        run_id = ctx.run.id
        phase: RunPhase
        message: str | None
        if ctx.canceled:
            changed = await self.db(bookkeeping.mark_canceled, self.store, run_id)
            for job in changed:  # events go out on the loop thread, never a worker's
                ctx.tracker.update(job)
            phase, message = RunPhase.CANCELED, messages.CANCELED_RUN
        elif ctx.stop_phase is not None:
            phase, message = ctx.stop_phase, ctx.stop_message
        else:
            phase, message = await self.db(bookkeeping.outcome, self.store, run_id)
        if not await leasing.still_ours(self, run_id):
            return await leasing.left_to_new_owner(self, ctx)
        await self.db(self.store.refresh_run_counters, run_id)
        await self.db(self.store.set_run_phase, run_id, phase, message)
        ctx.tracker.publish_run(phase, message)
        return await self.db(self.store.get_run, run_id)

    async def cancel(self, run_id: int) -> None:
        """Stop submitting and polling for the run at once. Jobs already submitted may still
        complete on the server and use credits; the run's message says so. An active run
        stops at once (its own task records CANCELED); a stored one is marked here."""
        if run_id in self._starting:
            self._starting[run_id] = True  # run() stops it as soon as it has its context
            return
        ctx = self._active.get(run_id)
        if ctx is not None:
            self._stop(ctx)
            return
        await self._check_not_leased(run_id)
        await self.db(bookkeeping.cancel_stored, self.store, run_id)

    async def _check_not_leased(self, run_id: int) -> None:
        holder = await self.db(self.store.lease_holder, run_id)
        if holder is not None and holder.owner != self.owner.key:
            raise RunBusyError(RunLeasedError(run_id, holder).message)

    def _stop(self, ctx: RunContext) -> None:
        ctx.canceled = True
        ctx.request_stop(RunPhase.CANCELED, messages.CANCELED_RUN)
        self._stop_workers(ctx)

    async def retry_failed(self, run_id: int) -> int:
        """Send again, as new jobs of the same run, the locations whose chosen sources failed
        (only the failed sources when others succeeded); returns how many locations."""
        if run_id in self.active_runs():
            raise EngineError("Wait for the run to finish before retrying failed rows.")
        await self._check_not_leased(run_id)
        candidates, attention_jobs = await self.db(self.store.retry_candidates, run_id)
        if not candidates:
            return 0
        jobs = [
            PlannedJob(tuple(loc for loc, _ in piece), tuple(src for _, src in piece))
            for piece in chunk(candidates, self.locations_per_job)
        ]
        await self.db(self.store.add_jobs, run_id, jobs)
        for job_id in attention_jobs:
            await self.db(self.store.update_job, job_id, phase=JobPhase.FAILED,
                          message=messages.SENT_AGAIN)
        await self.run(run_id)
        return len(candidates)

    async def drop_stuck(self, run_id: int) -> int:
        """The user's other way forward for jobs that need attention (lost by the server,
        undocumented status, past their deadline): leave their rows without results and let
        the run end; returns how many jobs were dropped. Jobs whose submission is uncertain
        keep their own choice."""
        if run_id in self.active_runs():
            raise EngineError("Wait for the run to stop before leaving rows without results.")
        await self._check_not_leased(run_id)
        jobs = await self.db(self.store.jobs, run_id)
        stuck = [j.id for j in jobs if j.phase is JobPhase.NEEDS_ATTENTION]
        for job_id in stuck:
            await self.db(self.store.update_job, job_id, phase=JobPhase.CANCELED,
                          message=messages.DROPPED)
        if stuck:
            phase, message = await self.db(bookkeeping.outcome, self.store, run_id)
            await self.db(self.store.refresh_run_counters, run_id)
            await self.db(self.store.set_run_phase, run_id, phase, message)
        return len(stuck)

    async def resolve_uncertain(self, job_id: int, resubmit: bool) -> None:
        """The user's decision on a job whose submission may or may not have arrived:
        ``resubmit`` sends it again (on the run's next start or at once if it is running),
        otherwise it is left unsent."""
        job = await self.db(self.store.get_job, job_id)
        if job.phase is not JobPhase.UNCERTAIN:
            raise EngineError("This job is not waiting for a decision.")
        if resubmit:
            job = await self.db(bookkeeping.update_and_get, self.store, job_id,
                                phase=JobPhase.WAITING, message=None, server_job_id=None)
            ctx = self._active.get(job.run_id)
            if ctx is not None and not ctx.stop.is_set():
                ctx.tracker.update(job)
                ctx.queue.put_nowait(job_id)
        else:
            await self.db(self.store.update_job, job_id, phase=JobPhase.CANCELED,
                          message=messages.LEFT_UNSENT)
            if job.run_id not in self.active_runs():
                await self.db(bookkeeping.settle_attention, self.store, job.run_id)
