"""Starts, cancels, retries and resumes runs through the engine, and keeps their tasks alive.

Each run's ``engine.run(run_id)`` is a long task owned by the window's :class:`TaskOwner`
(named ``run-<id>``); whether a run is going is the engine's word
(:meth:`~ping_desktop.engine.runner.Engine.active_runs`), not the task's. Closing the window
either pauses the runs (their tasks are cancelled, which leaves them PAUSED in the store so the
next start resumes them) or cancels them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from ping_desktop.engine import resubmit as review_actions
from ping_desktop.engine.events import Event, RunProgress
from ping_desktop.engine.runner import Engine
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.intake_controller import LoadedFile
from ping_desktop.session import AppServices
from ping_desktop.storage.row_edits import EditError
from ping_desktop.worker.contract import PlanSummary

log = logging.getLogger(__name__)

#: An engine command that carries a run: ``run``, ``resume`` or ``retry_failed``.
RunCommand = Callable[[int], Awaitable[object]]


class RunController(QObject):
    """The GUI's door to the engine.

    Signals: ``progress(object)`` for every engine progress event (delivered on the Qt thread),
    ``run_started(int)``, ``run_finished(object)`` (the final RunProgress), ``error(str)``
    (plain words).
    """

    progress = Signal(object)
    run_started = Signal(int)
    #: A new run's record and all its jobs (RunRecord, list[JobRecord]), before it starts.
    jobs_listed = Signal(object, object)
    run_finished = Signal(object)
    error = Signal(str)

    def __init__(self, services: AppServices, tasks: TaskOwner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self._engines: dict[int, Engine] = {}
        self._demo_runs: set[int] = set()
        # Engines may publish from worker threads: a queued signal brings events to Qt's thread.
        services.set_event_sink(self._publish)
        self.progress.connect(self._observe)

    def _publish(self, event: Event) -> None:
        self.progress.emit(event)

    def _observe(self, event: object) -> None:
        if isinstance(event, RunProgress) and event.phase.is_final:
            self.run_finished.emit(event)

    # -- queries --------------------------------------------------------------------------------
    def active_runs(self) -> list[int]:
        """Runs an engine of this window is working on."""
        return sorted({rid for engine in set(self._engines.values())
                       for rid in engine.active_runs()})

    def _is_running(self, run_id: int) -> bool:
        engine = self._engines.get(run_id)
        return engine is not None and run_id in engine.active_runs()

    def is_demo(self, run_id: int) -> bool:
        """Whether ``run_id`` runs against the demo emulator."""
        return run_id in self._demo_runs

    # -- commands -------------------------------------------------------------------------------
    async def start(self, loaded: LoadedFile, plan: PlanSummary, sources: list[str],
                    source_fields: dict[str, list[str]] | None = None) -> int:
        """Store a new run for ``loaded`` and start it; returns the run id.

        ``source_fields`` gives each source's output fields in the API's order (from
        GET /datasources) so result columns come out in that order. The worker process that
        holds the file's table and plan stores the run (100k rows never cross to this process).
        """
        engine = await self.services.engine_for(demo=loaded.is_demo)
        run_id = await self.services.offload.create_run(
            loaded.handle, plan.plan_id, store_path=engine.store.path,
            locations_per_job=engine.locations_per_job, sources=sources,
            api_origin=engine.client.origin, is_demo=loaded.is_demo,
            source_fields=source_fields, concurrent_jobs=engine.concurrent_jobs)
        store = engine.store
        run, jobs = await engine.db(lambda: (store.get_run(run_id), store.jobs(run_id)))
        self.jobs_listed.emit(run, jobs)
        self._launch(engine, run_id, loaded.is_demo, engine.run)
        self.run_started.emit(run_id)
        return run_id

    def _launch(self, engine: Engine, run_id: int, demo: bool, method: RunCommand
                ) -> asyncio.Task[None]:
        self._engines[run_id] = engine
        if demo:
            self._demo_runs.add(run_id)
        return self.tasks.start(self._drive(method, run_id), f"run-{run_id}", preempt=True)

    async def _drive(self, method: RunCommand, run_id: int) -> None:
        try:
            await method(run_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            message = getattr(exc, "message", None)
            if isinstance(message, str):
                # EngineError / PingApiError: already plain words for people.
                self.error.emit(message)
                return
            raise

    async def _engine_of(self, run_id: int) -> Engine:
        engine = self._engines.get(run_id)
        if engine is None:
            record = await asyncio.to_thread(self.services.run_store.get_run, run_id)
            engine = await self.services.engine_for(
                demo=record.is_demo, api_origin=None if record.is_demo else record.api_origin
            )
            self._engines[run_id] = engine
            if record.is_demo:
                self._demo_runs.add(run_id)
        elif not self.is_demo(run_id):
            # The engine keeps its API client: hand it the token stored now, so a token set
            # after a rejection is used by Resume, Retry and Submit again without a restart.
            engine.client.set_token(await self.services.get_token(engine.client.api_url))
        return engine

    async def cancel(self, run_id: int) -> None:
        """Stop submitting and polling ``run_id`` (submitted jobs may still finish server-side)."""
        engine = await self._engine_of(run_id)
        await engine.cancel(run_id)

    async def resume(self, run_id: int) -> None:
        """Continue a paused run or one that needed attention (e.g. after a new token)."""
        if self._is_running(run_id):
            return
        engine = await self._engine_of(run_id)
        self._launch(engine, run_id, self.is_demo(run_id), engine.resume)

    async def retry_failed(self, run_id: int) -> None:
        """Send again only the locations whose sources failed, as new jobs of the same run."""
        engine = await self._engine_of(run_id)
        self._launch(engine, run_id, self.is_demo(run_id), engine.retry_failed)

    async def engine_of(self, run_id: int) -> Engine:
        """The engine for stored run ``run_id`` (made on first use, no network): the review
        queue's edits and accepts go through its database thread."""
        return await self._engine_of(run_id)

    async def resubmit(self, run_id: int, rows: Sequence[int] | None = None
                       ) -> asyncio.Task[None]:
        """Send the pending edits of ``rows`` (None: all) as a new job of the same run, driven
        like any run (the Jobs tab follows it; closing the window pauses it). Returns the
        run's task; a refusal (``EditError``, busy run) comes as ``error`` like any run's."""
        if self._is_running(run_id):
            # Launching would preempt (cancel) the run's own task, pausing the run.
            raise EditError("This run is still working: wait for it to finish, then resubmit "
                            "the edited rows.")
        engine = await self._engine_of(run_id)
        chosen = list(rows) if rows is not None else None

        async def send(rid: int) -> object:
            return await review_actions.resubmit(engine, rid, chosen)

        return self._launch(engine, run_id, self.is_demo(run_id), send)

    async def drop_stuck(self, run_id: int) -> None:
        """Leave the rows of jobs that need attention (lost by the server, unknown status)
        without results, so the run can end."""
        engine = await self._engine_of(run_id)
        await engine.drop_stuck(run_id)

    async def resolve_uncertain(self, job_id: int, resubmit: bool) -> None:
        """The user's answer for a job whose submission may or may not have arrived."""
        job = await asyncio.to_thread(self.services.run_store.get_job, job_id)
        engine = await self._engine_of(job.run_id)
        await engine.resolve_uncertain(job_id, resubmit)
        if resubmit and not self._is_running(job.run_id):
            self._launch(engine, job.run_id, self.is_demo(job.run_id), engine.resume)

    async def resume_unfinished(self) -> list[int]:
        """Resume every unfinished run of earlier sessions (demo runs cannot: their emulator
        is gone, so they are cancelled). Returns the resumed run ids."""
        store = self.services.run_store
        runs = await asyncio.to_thread(store.unfinished_runs)  # leaves out leased runs
        leased = await asyncio.to_thread(store.leased_runs)
        for run_id, lease in sorted(leased.items()):
            if not self._is_running(run_id):
                # Another `ping-desktop-cli resume` (or a window on another computer sharing
                # the folder) is working on it: say so instead of skipping it silently.
                self.error.emit(f"Run {run_id} was not resumed here: another Ping Desktop is "
                                f"working on it ({lease.describe()}). It continues there.")
        resumed: list[int] = []
        for record in runs:
            if self._is_running(record.id):
                continue
            if record.is_demo:
                engine = await self.services.engine_for(demo=True)
                self._engines[record.id] = engine
                self._demo_runs.add(record.id)
                await engine.cancel(record.id)
                continue
            try:
                engine = await self.services.engine_for(demo=False, api_origin=record.api_origin)
            except ValueError as exc:  # an origin no longer accepted
                self.error.emit(f"Run {record.id} ({record.file_name}) cannot resume: {exc}")
                continue
            self._launch(engine, record.id, False, engine.resume)
            resumed.append(record.id)
        if resumed:
            log.info("Resumed runs %s", resumed)
        return resumed

    async def stop_all(self, *, keep: bool) -> None:
        """Window closing: ``keep`` pauses runs for next time, otherwise cancels them."""
        cancelled: list[asyncio.Task[Any]] = []
        active = [(engine, run_id) for engine in set(self._engines.values())
                  for run_id in sorted(engine.active_runs())]
        for engine, run_id in active:
            if not keep or self.is_demo(run_id):
                try:
                    await engine.cancel(run_id)
                except Exception:
                    log.exception("Cancelling run %s failed", run_id)
                    continue
                cancelled.extend(t for t in self.tasks.tasks() if t.get_name() == f"run-{run_id}")
        if cancelled:
            # Let cancelled runs record CANCELED themselves; a task cut short would say PAUSED.
            await asyncio.wait(cancelled, timeout=5)
        tasks = [t for t in self.tasks.tasks() if t.get_name().startswith("run-")]
        for task in tasks:
            task.cancel()  # the engine marks these runs PAUSED: they resume on the next start
        if tasks:
            await asyncio.wait(tasks, timeout=5)
