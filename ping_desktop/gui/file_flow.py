"""The first tab's work: opening files (and the demo's sample), fetching the sources the account
may use, following mapping and plan, and starting the run.

What is allowed and what to show comes from the window's :class:`~ping_desktop.draft.Draft`;
this class feeds it and carries its answers to the :class:`FilePage`, the intake and run
controllers and the session. What the rest of the window must know it announces by signals.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ping_desktop.api.errors import AuthenticationError, PingApiError
from ping_desktop.draft import (
    SOURCES_NEED_SIGN_IN,
    Draft,
    backend_of,
    sources_to_remember,
    sources_to_tick,
)
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.file_page import FilePage
from ping_desktop.gui.intake_controller import IntakeController, LoadedFile
from ping_desktop.gui.result_words import remember_source_names
from ping_desktop.gui.run_again import RunAgainPreset, RunAgainSteps
from ping_desktop.gui.run_controller import RunController
from ping_desktop.intake.model import ColumnMapping, IntakeError
from ping_desktop.resources import ResourceMissingError, sample_sov_path
from ping_desktop.session import AppServices
from ping_desktop.worker.contract import PlanSummary

DEMO_FILE_NAME = "DEMO sample-sov.xlsx"


class FileFlow(QObject):
    """Routes between the first tab's widgets, the controllers and the draft.

    Signals: ``error(message, title)``; ``status(message)`` for the status bar (empty: clear
    it); ``demo_mode_changed(bool)``; ``title_changed(str)``; ``file_shown()`` (a file was
    read: show its tab); ``run_started()`` (the file went to the run controller);
    ``token_checked(check)``: the configured API accepted ("verified") or refused ("rejected")
    the token while listing sources.
    """

    error = Signal(str, str)
    status = Signal(str)
    demo_mode_changed = Signal(bool)
    title_changed = Signal(str)
    file_shown = Signal()
    run_started = Signal()
    token_checked = Signal(str)

    def __init__(self, page: FilePage, draft: Draft, intake: IntakeController,
                 runs: RunController, services: AppServices, tasks: TaskOwner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page, self.draft, self.intake, self.runs = page, draft, intake, runs
        self.services, self.tasks = services, tasks
        #: History's *Run again*: the stored run's choices still to apply to the file read.
        self._again: RunAgainSteps | None = None
        page.close_file_button.clicked.connect(self.close_file)
        page.start_button.clicked.connect(self.start_run)
        page.welcome.demo_button.clicked.connect(self.start_demo)
        intake.loading.connect(self._on_loading)
        intake.loaded.connect(self._on_loaded)
        intake.failed.connect(self._on_intake_failed)
        intake.plan_ready.connect(self._on_plan)
        intake.queue_changed.connect(page.set_queue)
        page.mapping_panel.sheet_changed.connect(intake.choose_sheet)
        page.mapping_panel.header_row_changed.connect(intake.choose_header_row)
        page.mapping_panel.mapping_changed.connect(self._on_mapping_changed)
        page.sources_panel.selection_changed.connect(self._on_sources_changed)
        page.repairs_panel.repair_toggled.connect(self._on_repair_toggled)

    # -- files ------------------------------------------------------------------------------
    def open_files(self, paths: list[Path]) -> None:
        """Open the first file (queue the rest); leaves demo mode."""
        if not paths:
            return
        self.set_demo_mode(False)
        self._again = None
        folder = str(Path(paths[0]).parent)
        if folder != self.services.settings.last_open_dir:
            settings = dataclasses.replace(self.services.settings, last_open_dir=folder)
            self.tasks.start(self.services.save_settings(settings), "save-settings")
        self.intake.open_files(paths)

    def start_demo(self) -> None:
        """Load the bundled sample against the demo server, labelled as demo data."""
        self.set_demo_mode(True)
        self._again = None
        self.tasks.start(self._start_demo(), "demo", preempt=True)

    def run_again(self, preset: RunAgainPreset) -> None:
        """Read a stored run's input again with its sheet, header row, mapping and sources
        chosen (History's *Run again*); the last folder opened is left as it was."""
        self._again = RunAgainSteps(preset)
        self.set_demo_mode(preset.is_demo)
        self.tasks.start(self._open_again(preset), "demo", preempt=True)

    async def _open_again(self, preset: RunAgainPreset) -> None:
        if preset.is_demo:
            await self.services.demo.start()
        self.intake.open_files([preset.path], demo=preset.is_demo)

    async def _start_demo(self) -> None:
        target = self.services.paths.data_dir / "demo" / DEMO_FILE_NAME
        try:
            await asyncio.to_thread(_copy_sample, sample_sov_path(), target)
        except ResourceMissingError as error:  # a broken installation: say to reinstall
            self.set_demo_mode(False)
            self.error.emit(str(error), "Ping Desktop")
            return
        await self.services.demo.start()
        self.intake.open_files([target], demo=True)

    def set_demo_mode(self, on: bool) -> None:
        """Enter or leave demo mode (the window shows or hides every demo label)."""
        self.draft.set_demo_mode(on)
        self.demo_mode_changed.emit(on)
        self.title_changed.emit(self.draft.title())

    def close_file(self) -> None:
        """Back to the welcome state."""
        self.intake.clear()
        self.draft.close_file()
        self.page.repairs_panel.clear()
        self._again = None
        self.set_demo_mode(False)
        self.page.show_welcome()
        self.update_start()

    def _on_loading(self, name: str) -> None:
        self.page.welcome.set_busy(f"Reading {name}…")
        self.status.emit(f"Reading {name}…")

    def _on_loaded(self, read: LoadedFile) -> None:
        again = self._again
        loaded, note = again.on_loaded(read, self.intake) if again else (read, "")
        if loaded is None:
            return  # reading the run's sheet or header row first
        self.draft.open_file(loaded)
        self.page.repairs_panel.clear()  # the new sheet's repairs come with its plan
        if again is not None and again.preset.declined_repairs:
            # Run again keeps the earlier run's decision on address repairs (still changeable).
            for kind in again.preset.declined_repairs:
                self.draft.set_repair(kind, accepted=False)
            self.intake.set_declined(self.draft.declined)
        self.page.welcome.set_busy(None)
        self.status.emit(note)
        self.file_shown.emit()
        self.page.show_file(loaded)
        self.page.sources_panel.set_mapped_fields(self.draft.mapped_fields)
        self.page.mapping_panel.set_required(self.draft.required_by())
        self.title_changed.emit(self.draft.title())
        if self.draft.needs_sources():
            self.tasks.start(self.load_sources(), "datasources", preempt=True)
        else:
            panel = self.page.sources_panel
            panel.set_selected(self._ticks(list(panel.configs()), panel.selected()))
            self._on_sources_changed(panel.selected())

    def _ticks(self, offered: list[str], default: list[str]) -> list[str]:
        """The sources to tick: a run-again's (once its mapping is in), else ``default``."""
        again = self._again
        if again is None or not again.mapping_applied:
            return default
        self._again = None  # applied in full
        ticks, note = again.sources_to_tick(offered)
        if note:
            self.status.emit(note)
        return ticks

    def _on_intake_failed(self, name: str, message: str) -> None:
        self.page.welcome.set_busy(None)
        self.status.emit("")
        current = self.intake.current
        if current is not None and current.path.name == name:
            # A failed sheet/header change: the file stays open (so not "Cannot open"); the
            # selection goes back to the one really in use, and the reason stays beside it.
            kept = f"{message} The previous choice is kept."
            self.page.mapping_panel.sync_selection(current.table, kept)
            self.error.emit(kept, f"Cannot use that sheet or header row of {name}")
            return
        self.error.emit(message, f"Cannot open {name}")
        if current is not None:
            return
        self.draft.close_file()  # the worker lost the table, or no file was open
        if self.intake.queue:
            self.intake.next_file()

    def _on_mapping_changed(self, mapping: ColumnMapping) -> None:
        self.draft.set_mapping(mapping)
        self.page.sources_panel.set_mapped_fields(self.draft.mapped_fields)
        self.page.mapping_panel.set_required(self.draft.required_by())
        self.intake.set_mapping(mapping)
        self.update_start()

    # -- sources and plan -------------------------------------------------------------------
    async def load_sources(self) -> None:
        """Fetch the sources of the open file's backend (the demo emulator or the API)."""
        panel, draft = self.page.sources_panel, self.draft
        panel.set_loading("Loading the sources your account can use…")
        draft.forget_sources()
        backend = draft.backend
        try:
            client = (await self.services.demo_client() if backend == "demo"
                      else await self.services.configured_client())
            if backend == "api" and not client.has_token:
                panel.set_loading(SOURCES_NEED_SIGN_IN)
                self.update_start()
                return
            configs = await client.list_datasources()
        except PingApiError as error:
            panel.set_loading("✗ " + error.message)
            if backend == "api" and isinstance(error, AuthenticationError):
                draft.reject_token()
                self.token_checked.emit("rejected")
            self.update_start()
            return
        except ValueError as error:  # an invalid custom API URL
            panel.set_loading(f"✗ {error} (Settings > Settings…)")
            self.update_start()
            return
        draft.offer_sources(configs, backend)
        remember_source_names({code: cfg.source_name for code, cfg in configs.items()})
        if backend == "api":
            self.token_checked.emit("verified")
        panel.set_sources(configs, self._ticks(
            list(configs), sources_to_tick(backend, self.services.settings.last_sources)))

    def _on_sources_changed(self, codes: list[str]) -> None:
        self.draft.choose_sources(codes)
        self.page.mapping_panel.set_required(self.draft.required_by())
        self.intake.set_sources(codes, self.draft.required_inputs())
        self.update_start()

    def _on_repair_toggled(self, kind: str, accepted: bool) -> None:
        if self.draft.set_repair(kind, accepted):
            self.intake.set_declined(self.draft.declined)
            self.update_start()  # "Checking the rows…" until the new plan is back

    def _on_plan(self, plan: PlanSummary) -> None:
        self.draft.set_plan(plan)
        self.page.repairs_panel.show_choices(self.draft.repair_choices())
        self.page.mapping_panel.show_problems(plan.problems, plan.rows_with_problems,
                                              total=plan.problem_count, errors=plan.error_count)
        self.page.sources_panel.set_cost(plan.unique_locations, plan.rows)
        self.update_start()

    # -- start ------------------------------------------------------------------------------
    def update_start(self) -> None:
        """Enable Start or say what stops it."""
        self.page.set_start(not self.draft.start_blockers(), self.draft.start_hint())

    def start_run(self) -> None:
        """Start the current file with the ticked sources (Ctrl+Return)."""
        blockers = self.draft.start_blockers()
        if blockers:
            self.page.start_hint.setText("\n".join(blockers))
            return
        loaded, plan = self.intake.current, self.intake.plan
        assert loaded is not None
        assert plan is not None
        self.page.start_button.setEnabled(False)
        self.tasks.start(self._start(loaded, plan, list(self.draft.chosen)), "start")

    async def _start(self, loaded: LoadedFile, plan: PlanSummary, sources: list[str]) -> None:
        try:
            await self.runs.start(loaded, plan, sources, self.draft.output_fields(sources))
        except (PingApiError, IntakeError) as error:
            self.error.emit(error.message, "Ping Desktop")
            self.update_start()
            return
        settings = self.services.settings
        remember = sources_to_remember(backend_of(loaded), sources, settings.last_sources)
        if remember is not None:
            await self.services.save_settings(
                dataclasses.replace(settings, last_sources=remember))
        self.run_started.emit()
        self.intake.clear()
        self.draft.close_file()
        if not self.intake.next_file():
            self.page.show_welcome()
        self.update_start()


def _copy_sample(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
