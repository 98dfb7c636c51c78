"""Keeps the run-state lines (Jobs tab and History) true and tells the user when a run stops.

It watches the engine's run events as they reach the window: the moment a running run stops,
for whatever reason, the status bar says so, History is reloaded (so it never says "Ready to
start" about a run that went on and stopped) and, when the window is in the background, a desktop
notification says it too. The buttons of the lines (*Set API token…*, *Settings…*, *Try again*,
*Resume*, *Cancel run*, *Save results…*, *Open file*, *Show in folder*) act on the run the line
names, never on some other selection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices

from ping_desktop.domain import RunPhase
from ping_desktop.engine.events import RunProgress
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.history_panel import HistoryPanel
from ping_desktop.gui.job_texts import (
    job_from_record,
    needs_user,
    run_finished_text,
    run_from_record,
)
from ping_desktop.gui.jobs_model import JobsModel
from ping_desktop.gui.jobs_view import JobsView
from ping_desktop.gui.notifier import Notifier
from ping_desktop.gui.run_controller import RunController
from ping_desktop.gui.run_status import RunStateBanner
from ping_desktop.gui.run_status_texts import (
    RunState,
    Step,
    describe,
    stopped_now,
    summary_html,
)
from ping_desktop.gui.window_dialogs import WindowDialogs
from ping_desktop.session import AppServices
from ping_desktop.storage.run_outcome import outcome_counts

log = logging.getLogger(__name__)


class RunStatusFlow(QObject):
    """Fills both run-state lines and routes their buttons (see the module docstring)."""

    def __init__(self, services: AppServices, tasks: TaskOwner, runs: RunController,
                 dialogs: WindowDialogs, model: JobsModel, jobs_view: JobsView,
                 history: HistoryPanel, notifier: Notifier,
                 status: Callable[[str, int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services, self.tasks, self.runs, self.dialogs = services, tasks, runs, dialogs
        self.model, self.jobs_view, self.history, self.notifier = (model, jobs_view, history,
                                                                   notifier)
        self._status = status
        self._phases: dict[int, RunPhase] = {}
        self._summaries: dict[int, str] = {}
        #: Runs whose outcome counts are being read: one query per run at a time (every refresh
        #: of a finished run asked again, five 100,000-row queries at once competed with the Qt
        #: thread for the cores).
        self._counting: set[int] = set()
        self._saved: dict[int, Path] = {}
        self.closing = False
        #: What the last notification and status message said (for tests and the log).
        self.last_stop: RunState | None = None

        runs.progress.connect(self._on_event)
        model.runs_changed.connect(self.refresh)
        model.modelReset.connect(self.refresh)
        jobs_view.table.selectionModel().selectionChanged.connect(lambda *_a: self.refresh())
        history.run_selected.connect(lambda _rid: self.refresh())
        history.runs_loaded.connect(self.refresh)
        jobs_view.banner.step_requested.connect(self.do_step)
        history.banner.step_requested.connect(self.do_step)

    # ----- targets -----------------------------------------------------------------------------

    def jobs_target(self) -> int | None:
        """The run the Jobs line speaks about: the selected row's, else the running one."""
        selected = self.jobs_view.selected_run()
        if selected is not None:
            return selected
        running = self.model.latest_running_run()
        if running is not None:
            return running
        ids = self.model.run_ids()
        return ids[-1] if ids else None

    def _progress_of(self, run_id: int) -> RunProgress | None:
        live = self.model.run_summary(run_id)
        if live is not None:
            return live
        record = self.history.record(run_id)
        return run_from_record(record) if record is not None else None

    # ----- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the current state of each line's run."""
        self._fill(self.jobs_view.banner, self.jobs_target())
        self._fill(self.history.banner, self.history.selected_run())

    def _fill(self, banner: RunStateBanner, run_id: int | None) -> None:
        run = self._progress_of(run_id) if run_id is not None else None
        if run is None:
            banner.show_state(None)
            return
        started = self.model.run_started_at(run.run_id)
        record = self.history.record(run.run_id)
        if started is None and record is not None:
            started = record.created_at
        state = describe(run, started)
        summary = self._summaries.get(run.run_id)
        if summary is None and run.phase.is_final:
            self._load_summary(run.run_id)
        banner.show_state(state, summary, self._saved.get(run.run_id))

    def _load_summary(self, run_id: int) -> None:
        if run_id in self._counting:
            return
        self._counting.add(run_id)
        self.tasks.start(self._summary(run_id), f"summary-{run_id}")

    async def _summary(self, run_id: int) -> None:
        threshold = self.services.settings.low_confidence_threshold
        try:
            outcome = await asyncio.to_thread(outcome_counts, self.services.run_store, run_id,
                                              threshold)
        except Exception:  # a summary is a courtesy: the line still says how the run ended
            log.exception("Could not count the outcomes of run %s", run_id)
            self._summaries[run_id] = ""
            return
        finally:
            self._counting.discard(run_id)
        run = self._progress_of(run_id)
        if run is not None and not run.phase.is_final:
            return  # started again meanwhile: these counts are already old
        self._summaries[run_id] = summary_html(outcome)
        self.refresh()

    # ----- events ------------------------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        if not isinstance(event, RunProgress):
            return
        old = self._phases.get(event.run_id)
        self._phases[event.run_id] = event.phase
        if old is event.phase:
            return
        if event.phase is RunPhase.RUNNING:
            self._summaries.pop(event.run_id, None)
        self.history.refresh()
        if stopped_now(old, event.phase) and not self.closing:
            self._tell_stopped(event)

    def _tell_stopped(self, run: RunProgress) -> None:
        state = describe(run, self.model.run_started_at(run.run_id))
        self.last_stop = state
        if self.jobs_view.selected_run() == run.run_id:
            # The job that needs a choice is selected, so its buttons are one click away.
            waiting = next((job for job in self.model.jobs_of_run(run.run_id)
                            if needs_user(job.phase)), None)
            if waiting is not None:
                self.jobs_view.select_job(waiting.job_id)
        if run.phase.is_final:
            text = run_finished_text(run)
            self._status(text, 15_000)
            self.notifier.notify("Ping Desktop", text + ".")
        else:
            # Short: the status bar shares its line with the server and token labels.
            self._status(f"{state.headline} \u2013 see the Jobs tab.", 0)
            self.notifier.notify("Ping Desktop", f"{state.headline}. {state.detail}")

    def saved(self, run_id: int, path: Path) -> None:
        """The results of ``run_id`` were saved to ``path``: offer to open it."""
        self._saved[run_id] = path
        self.refresh()

    # ----- buttons -----------------------------------------------------------------------------

    def do_step(self, step: object, run_id: int) -> None:
        """Carry out a button of a run-state line for ``run_id``."""
        start = self.tasks.start
        if step is Step.SET_TOKEN:
            self.dialogs.open_token_dialog()
        elif step is Step.SETTINGS:
            self.dialogs.open_settings_dialog()
        elif step is Step.RESUME:
            start(self.resume(run_id), f"resume-{run_id}")
        elif step is Step.RETRY:
            run = self._progress_of(run_id)
            if run is not None and run.phase.is_final:
                start(self.retry_failed(run_id), f"retry-{run_id}")
            else:
                start(self.resume(run_id), f"resume-{run_id}")
        elif step is Step.SEND_AGAIN:
            start(self.retry_failed(run_id), f"retry-{run_id}")
        elif step is Step.DROP:
            start(self.drop_stuck(run_id), f"drop-{run_id}")
        elif step is Step.CANCEL:
            start(self.cancel(run_id), f"cancel-{run_id}")
        elif step is Step.SAVE:
            self.save(run_id)
        elif step is Step.OPEN_FILE and run_id in self._saved:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._saved[run_id])))
        elif step is Step.SHOW_FOLDER and run_id in self._saved:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._saved[run_id].parent)))

    def save(self, run_id: int) -> None:
        """The save dialog for ``run_id``; once saved, the lines offer the file."""
        self.dialogs.save_results(run_id)
        flow = self.dialogs.save_flow
        if flow is not None:
            flow.finished.connect(lambda path: self.saved(run_id, path)
                                  if isinstance(path, Path) else None)

    async def resume(self, run_id: int) -> None:
        """Resume ``run_id`` (the run controller hands the engine the token stored now)."""
        await self.runs.resume(run_id)

    async def retry_failed(self, run_id: int) -> None:
        """Send the failed locations of ``run_id`` again."""
        await self.runs.retry_failed(run_id)

    async def drop_stuck(self, run_id: int) -> None:
        """Leave the rows of the jobs that need attention without results; the run ends (its
        stored state is shown: no event reports this change)."""
        await self.runs.drop_stuck(run_id)
        await self.reload_run(run_id)

    async def cancel(self, run_id: int) -> None:
        """Cancel ``run_id``; a run no engine is working on is reloaded from the store, since
        no event will say it changed."""
        await self._until_started(run_id)
        active = run_id in self.runs.active_runs()
        await self.runs.cancel(run_id)
        if not active:
            await self.reload_run(run_id)

    async def _until_started(self, run_id: int) -> None:
        # A run launched a moment ago is not the engine's yet (it is still reading the store):
        # cancelling it as a stored run then would be undone when it starts. Wait for it.
        name = f"run-{run_id}"
        for _ in range(100):
            launching = any(t.get_name() == name and not t.done() for t in self.tasks.tasks())
            if not launching or run_id in self.runs.active_runs():
                return
            await asyncio.sleep(0.05)

    async def reload_run(self, run_id: int) -> None:
        """Show the stored state of ``run_id`` and its jobs (after a change no event reports)."""
        store = self.services.run_store
        record, jobs = await asyncio.to_thread(lambda: (store.get_run(run_id),
                                                        store.jobs(run_id)))
        for job in jobs:
            self.model.apply_event(job_from_record(job, len(jobs)))
        self.model.apply_event(run_from_record(record))
        self._phases[run_id] = record.phase
        self.history.refresh()
