"""The main window: welcome/drop state, file preview + mapping + sources, jobs, history.

Business logic lives in the controllers (intake, runs) and below them in the engine/intake
packages; this module lays out widgets and wires signals. No dialog is ever ``exec()``-ed.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import shutil
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.api.errors import PingApiError
from ping_desktop.domain import RunPhase
from ping_desktop.engine.events import RunProgress
from ping_desktop.gui.async_support import TaskOwner, dialog_result
from ping_desktop.gui.drop_zone import DropZone, file_dialog_filter, paths_from_mime
from ping_desktop.gui.intake_controller import IntakeController, LoadedFile
from ping_desktop.gui.jobs_model import JobsModel
from ping_desktop.gui.jobs_view import JobsView
from ping_desktop.gui.main_menus import build_menus
from ping_desktop.gui.mapping_panel import MappingPanel
from ping_desktop.gui.notifier import Notifier
from ping_desktop.gui.run_controller import RunController
from ping_desktop.gui.sources_panel import SourcesPanel
from ping_desktop.gui.warmup import warm_imports, warm_widgets
from ping_desktop.gui.welcome_page import WelcomePage
from ping_desktop.gui.window_actions import WindowActions
from ping_desktop.intake.model import ColumnMapping, IntakeError
from ping_desktop.resources import ResourceMissingError, sample_sov_path
from ping_desktop.session import DEMO_LABEL, AppServices
from ping_desktop.storage.runstore_records import JobRecord, RunRecord
from ping_desktop.worker.contract import PlanSummary

log = logging.getLogger(__name__)

APP_TITLE = "Ping Desktop"
DEMO_SOURCES = ("PG", "PH")
DEMO_FILE_NAME = "DEMO sample-sov.xlsx"
TAB_FILE, TAB_JOBS, TAB_HISTORY = range(3)


class MainWindow(QMainWindow):
    """Ping Desktop's only main window. ``closed`` fires once it has really closed."""

    closed = Signal()

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.services = services
        self.tasks = TaskOwner(self, on_error=self._task_failed)
        self.intake = IntakeController(self.tasks, self, services.offload)
        self.runs = RunController(services, self.tasks, self)
        # Progress shown at most ~7 times a second: repainting after every engine event kept
        # the window's thread busy for tens of milliseconds at a time at the end of big runs.
        self.jobs_model = JobsModel(self, coalesce_ms=150)
        self.has_token = False
        self.demo_mode = False
        self._close_ready = False
        self._closing = False
        self._datasources_for: str | None = None
        self._messages: list[QMessageBox] = []
        self._flows: list[object] = []
        self.setAcceptDrops(True)
        self._build()
        self.notifier = Notifier(self)
        self.commands = WindowActions(self)
        self.actions_ = build_menus(self)
        # One Ctrl+S for the whole window (File > Save results… saves the selected run of the
        # jobs table or the history); a second Ctrl+S on the jobs view would make the key
        # ambiguous while the table has focus, and Qt would then trigger neither.
        self.jobs_view.save_action.setShortcut(QKeySequence())
        self._wire()
        self._restore_geometry()
        self._update_title()
        self._update_start()

    # ================================================================ layout
    def _build(self) -> None:
        self.banner = QLabel(f"⚠ {DEMO_LABEL}. Nothing is sent to Ping.Data; no credits are used.")
        self.banner.setObjectName("demoBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "#demoBanner { background: #fff3cd; color: #664d03; padding: 6px 10px;"
            " border: 1px solid #e0c060; border-radius: 4px; font-weight: bold; }"
        )
        self.banner.setVisible(False)

        self.welcome = WelcomePage(self)
        self.drop_zone: DropZone = self.welcome.drop_zone
        self.demo_button = self.welcome.demo_button

        self.file_label = QLabel()
        self.file_label.setObjectName("currentFileLabel")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("queueLabel")
        self.another_button = QPushButton("Open &another file…")
        self.another_button.setObjectName("openAnotherButton")
        self.close_file_button = QPushButton("&Close file")
        self.close_file_button.setObjectName("closeFileButton")
        head = QHBoxLayout()
        head.addWidget(self.file_label, 1)
        head.addWidget(self.queue_label)
        head.addWidget(self.another_button)
        head.addWidget(self.close_file_button)

        self.mapping_panel = MappingPanel()
        self.sources_panel = SourcesPanel()
        self.start_hint = QLabel()
        self.start_hint.setObjectName("startHint")
        self.start_hint.setWordWrap(True)
        self.start_button = QPushButton("&Start enriching")
        self.start_button.setObjectName("startButton")
        self.start_button.setAccessibleName("Start enriching")
        self.start_button.setToolTip("Send the locations to Ping.Data (Ctrl+Return)")
        self.start_button.setDefault(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.sources_panel, 1)
        right_layout.addWidget(self.start_hint)
        right_layout.addWidget(self.start_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.mapping_panel)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.loaded_page = QWidget()
        loaded_layout = QVBoxLayout(self.loaded_page)
        loaded_layout.addLayout(head)
        loaded_layout.addWidget(split, 1)

        self.file_stack = QStackedWidget()
        self.file_stack.setObjectName("fileStack")
        self.file_stack.addWidget(self.welcome)
        self.file_stack.addWidget(self.loaded_page)

        self.jobs_view = JobsView(self.jobs_model)
        self.history_page = self._build_history()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self.file_stack, "1 · &File and sources")
        self.tabs.addTab(self.jobs_view, "2 · &Jobs")
        self.tabs.addTab(self.history_page, "3 · &History")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.token_button = QPushButton("API token: checking…")
        self.token_button.setObjectName("tokenButton")
        self.token_button.setAccessibleName("API token")
        self.token_button.setFlat(True)
        self.api_label = QLabel()
        self.api_label.setObjectName("apiLabel")
        self.statusBar().addPermanentWidget(self.api_label)
        self.statusBar().addPermanentWidget(self.token_button)
        self.resize(1180, 760)

    def _build_history(self) -> QWidget:
        from ping_desktop.gui.history_panel import HistoryPanel

        self.history_panel = HistoryPanel(self.services, self.tasks, self)
        return self.history_panel

    def _wire(self) -> None:
        self.drop_zone.browse_requested.connect(self.open_file_dialog)
        self.drop_zone.files_dropped.connect(self.open_files)
        self.demo_button.clicked.connect(self.start_demo)
        self.welcome.token_button.clicked.connect(self.open_token_dialog)
        self.another_button.clicked.connect(self.open_file_dialog)
        self.close_file_button.clicked.connect(self.close_file)
        self.start_button.clicked.connect(self.start_run)
        self.token_button.clicked.connect(self.open_token_dialog)

        self.intake.loading.connect(self._on_loading)
        self.intake.loaded.connect(self._on_loaded)
        self.intake.failed.connect(self._on_intake_failed)
        self.intake.plan_ready.connect(self._on_plan)
        self.intake.queue_changed.connect(self._on_queue)
        self.mapping_panel.sheet_changed.connect(self.intake.choose_sheet)
        self.mapping_panel.header_row_changed.connect(self.intake.choose_header_row)
        self.mapping_panel.mapping_changed.connect(self._on_mapping_changed)
        self.sources_panel.selection_changed.connect(self._on_sources_changed)

        self.runs.progress.connect(self.jobs_model.apply_event)
        self.runs.jobs_listed.connect(self.jobs_model.add_jobs)
        self.runs.run_finished.connect(self._on_run_finished)
        self.runs.error.connect(self.show_error)
        self.jobs_view.cancel_requested.connect(
            lambda rid: self.tasks.start(self.runs.cancel(rid), f"cancel-{rid}"))
        self.jobs_view.resume_requested.connect(
            lambda rid: self.tasks.start(self.runs.resume(rid), f"resume-{rid}"))
        self.jobs_view.retry_requested.connect(
            lambda rid: self.tasks.start(self.runs.retry_failed(rid), f"retry-{rid}"))
        self.jobs_view.resolve_uncertain_requested.connect(
            lambda jid, again: self.tasks.start(
                self.runs.resolve_uncertain(jid, again), f"resolve-{jid}"))
        self.jobs_view.save_requested.connect(self.save_results)
        self.jobs_view.open_folder_requested.connect(self.open_run_folder)
        self.history_panel.save_requested.connect(self.save_results)

    # ================================================================ start-up
    async def startup(self, files: list[Path] | None = None, demo: bool = False) -> None:
        """After show(): token state, history, resume of unfinished runs, files to open."""
        self.tasks.start(self._warm_up(), "warm-imports")
        # The worker process takes a moment to start: have it ready when a file is dropped.
        self.tasks.start(self._warm_worker(), "warm-worker")
        await self.refresh_token_state()
        self.history_panel.refresh()
        runs, jobs = await asyncio.to_thread(self._load_jobs)
        self.jobs_model.load_jobs(runs, jobs)
        resumed = await self.runs.resume_unfinished()
        if resumed:
            self.statusBar().showMessage(
                f"Resumed {len(resumed)} unfinished run(s) from last time.", 10_000)
            self.tabs.setCurrentIndex(TAB_JOBS)
        if files:
            self.open_files(files)
        elif demo and not self.has_token:
            # A real token means real work: demo mode would only get in the way.
            self.start_demo()

    async def _warm_up(self) -> None:
        took = await asyncio.to_thread(warm_imports)
        took += warm_widgets()
        log.debug("Warm-up took %.2f s", took)

    async def _warm_worker(self) -> None:
        try:
            await self.services.offload.start()
        except Exception:  # only a head start: the first read starts it again and reports
            log.warning("The background worker could not be started ahead", exc_info=True)

    def _load_jobs(self) -> tuple[list[RunRecord], list[JobRecord]]:
        store = self.services.run_store
        runs = store.list_runs()
        return runs, [job for run in runs for job in store.jobs(run.id)]

    def _update_server_label(self) -> None:
        if self.demo_mode:
            self.api_label.setText("Server: built-in emulator (demo)")
            return
        try:
            origin = self.services.api_origin()
        except ValueError:
            origin = "(invalid API URL: check Settings)"
        self.api_label.setText(f"Server: {origin}")

    async def refresh_token_state(self) -> None:
        """Read whether a token is stored for the configured API and update the UI."""
        self.has_token = await self.services.has_token()
        self.token_button.setText("API token: set ✓" if self.has_token else "API token: not set")
        self.token_button.setToolTip(
            "Change or remove the API token" if self.has_token else "Enter your API token")
        self._update_server_label()
        self.welcome.set_has_token(self.has_token)
        self._update_start()

    # ================================================================ files
    def open_file_dialog(self) -> None:
        """Ask for one or more spreadsheets (non-blocking)."""
        start = self.services.settings.last_open_dir or str(Path.home())
        dialog = QFileDialog(self, "Open a statement of values", start, file_dialog_filter())
        dialog.setObjectName("openFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda names: self.open_files([Path(n) for n in names]))
        self._flows.append(dialog)
        dialog.finished.connect(lambda _c: self._flows.remove(dialog))
        dialog.open()

    def open_files(self, paths: list[Path]) -> None:
        """Open the first file (queue the rest); leaves demo mode."""
        if not paths:
            return
        self.set_demo_mode(False)
        folder = str(Path(paths[0]).parent)
        if folder != self.services.settings.last_open_dir:
            settings = dataclasses.replace(self.services.settings, last_open_dir=folder)
            self.tasks.start(self.services.save_settings(settings), "save-settings")
        self.intake.open_files(paths)

    def start_demo(self) -> None:
        """Load the bundled sample against the built-in emulator, labelled as demo data."""
        self.set_demo_mode(True)
        self.tasks.start(self._start_demo(), "demo", preempt=True)

    async def _start_demo(self) -> None:
        target = self.services.paths.data_dir / "demo" / DEMO_FILE_NAME
        try:
            await asyncio.to_thread(_copy_sample, sample_sov_path(), target)
        except ResourceMissingError as error:  # a broken installation: say to reinstall
            self.set_demo_mode(False)
            self.show_error(str(error))
            return
        await self.services.demo.start()
        self.intake.open_files([target], demo=True)

    def set_demo_mode(self, on: bool) -> None:
        """Show or hide every demo label."""
        self.demo_mode = on
        self.banner.setVisible(on)
        self._update_title()
        self._update_server_label()
        if not on and self._datasources_for == "demo":
            self._datasources_for = None

    def close_file(self) -> None:
        """Back to the welcome state."""
        self.intake.clear()
        self.set_demo_mode(False)
        self.file_stack.setCurrentWidget(self.welcome)
        self._update_title()
        self._update_start()

    def _on_loading(self, name: str) -> None:
        self.welcome.set_busy(f"Reading {name}…")
        self.statusBar().showMessage(f"Reading {name}…")

    def _on_loaded(self, loaded: LoadedFile) -> None:
        self.welcome.set_busy(None)
        self.statusBar().clearMessage()
        self.file_stack.setCurrentWidget(self.loaded_page)
        self.tabs.setCurrentIndex(TAB_FILE)
        prefix = "Demo data — " if loaded.is_demo else ""
        self.file_label.setText(f"<b>{prefix}{loaded.path.name}</b> — {loaded.path.parent}")
        self.mapping_panel.show_table(loaded.table, loaded.sheets, loaded.mapping)
        self.sources_panel.set_mapped_fields(loaded.mapping.fields)
        self.mapping_panel.set_required(self.sources_panel.required_by())
        self._update_title()
        key = "demo" if loaded.is_demo else "api"
        if self._datasources_for != key:
            self.tasks.start(self._load_datasources(loaded.is_demo), "datasources", preempt=True)
        else:
            self._on_sources_changed(self.sources_panel.selected())

    def _on_intake_failed(self, name: str, message: str) -> None:
        self.welcome.set_busy(None)
        self.statusBar().clearMessage()
        self.show_error(message, title=f"Cannot open {name}")
        current = self.intake.current
        if current is not None:
            # A failed sheet/header change: show the selection that is really in use.
            self.mapping_panel.sync_selection(current.table)
        elif self.intake.queue:
            self.intake.next_file()

    def _on_queue(self, waiting: int) -> None:
        self.queue_label.setText(f"{waiting} more file(s) queued" if waiting else "")

    def _on_mapping_changed(self, mapping: ColumnMapping) -> None:
        self.sources_panel.set_mapped_fields(mapping.fields)
        self.mapping_panel.set_required(self.sources_panel.required_by())
        self.intake.set_mapping(mapping)
        self._update_start()

    # ================================================================ sources
    async def _load_datasources(self, demo: bool) -> None:
        self.sources_panel.set_loading("Loading the sources your account can use…")
        self._datasources_for = None
        try:
            client = (await self.services.demo_client() if demo
                      else await self.services.configured_client())
            if not demo and not client.has_token:
                self.sources_panel.set_loading(
                    "Enter your API token (button at the bottom right) to see your sources, "
                    "or try the demo.")
                self._update_start()
                return
            configs = await client.list_datasources()
        except PingApiError as error:
            self.sources_panel.set_loading("✗ " + error.message)
            self._update_start()
            return
        except ValueError as error:  # an invalid custom API URL
            self.sources_panel.set_loading(f"✗ {error} (Settings > Settings…)")
            self._update_start()
            return
        self._datasources_for = "demo" if demo else "api"
        chosen = list(DEMO_SOURCES) if demo else self.services.settings.last_sources
        self.sources_panel.set_sources(configs, chosen)

    def _on_sources_changed(self, codes: list[str]) -> None:
        required = {c: list(cfg.required_attrs) for c in codes
                    if (cfg := self.sources_panel.config(c)) is not None}
        self.mapping_panel.set_required(self.sources_panel.required_by())
        self.intake.set_sources(codes, required)
        self._update_start()

    def _on_plan(self, plan: PlanSummary) -> None:
        self.mapping_panel.show_problems(plan.problems, plan.rows_with_problems,
                                         total=plan.problem_count, errors=plan.error_count)
        self.sources_panel.set_cost(plan.unique_locations, plan.rows)
        self._update_start()

    # ================================================================ start
    def start_blockers(self) -> list[str]:
        """Why Start is not possible right now, in plain words (empty: it is)."""
        loaded = self.intake.current
        if loaded is None:
            return ["Open a file first."]
        if not loaded.is_demo and not self.has_token:
            return ["Enter your API token first (API token button at the bottom right)."]
        selected = self.sources_panel.selected()
        if not selected:
            return ["Tick at least one source."]
        blockers = self.sources_panel.blockers()
        if blockers:
            return blockers
        plan = self.intake.plan
        if plan is None or tuple(plan.sources) != tuple(selected):
            return ["Checking the rows…"]
        if plan.unique_locations == 0:
            return ["No row has a usable address or coordinates: check the column mapping."]
        return []

    def _update_start(self) -> None:
        blockers = self.start_blockers()
        self.start_button.setEnabled(not blockers)
        if blockers:
            self.start_hint.setText("\n".join(blockers))
        else:
            plan = self.intake.plan
            skipped = plan.rows - plan.sendable_rows if plan else 0
            self.start_hint.setText(
                "Ready." + (f" {skipped:,} row(s) with errors will be kept but not sent."
                            if skipped else ""))

    def start_run(self) -> None:
        """Start the current file with the ticked sources (Ctrl+Return)."""
        blockers = self.start_blockers()
        if blockers:
            self.start_hint.setText("\n".join(blockers))
            return
        loaded, plan = self.intake.current, self.intake.plan
        assert loaded is not None
        assert plan is not None
        self.start_button.setEnabled(False)
        self.tasks.start(self._start(loaded, plan, self.sources_panel.selected()), "start")

    async def _start(self, loaded: LoadedFile, plan: PlanSummary, sources: list[str]) -> None:
        try:
            fields = {c: list(cfg.output_fields) for c in sources
                      if (cfg := self.sources_panel.config(c)) is not None}
            await self.runs.start(loaded, plan, sources, fields)
        except (PingApiError, IntakeError) as error:
            self.show_error(error.message)
            self._update_start()
            return
        if not loaded.is_demo and sources != self.services.settings.last_sources:
            await self.services.save_settings(
                dataclasses.replace(self.services.settings, last_sources=list(sources)))
        self.tabs.setCurrentIndex(TAB_JOBS)
        self.history_panel.refresh()
        self.intake.clear()
        if not self.intake.next_file():
            self.file_stack.setCurrentWidget(self.welcome)
        self._update_start()

    def _on_run_finished(self, run: RunProgress) -> None:
        self.history_panel.refresh()
        words = {RunPhase.COMPLETE: "finished", RunPhase.COMPLETE_WITH_PROBLEMS:
                 "finished with problems", RunPhase.FAILED: "failed",
                 RunPhase.CANCELED: "was cancelled"}
        text = f"{run.file_name} {words.get(run.phase, 'stopped')}"
        self.statusBar().showMessage(text, 15_000)
        self.notifier.notify("Ping Desktop", text + ".")

    # ================================================================ actions
    # Thin entry points (menus, shortcuts, the jobs and history views) to WindowActions.
    def save_results(self, run_id: int) -> None:
        """Save ``run_id``'s results through the save dialog."""
        self.commands.save_results(run_id)

    def save_selected(self) -> None:
        """Ctrl+S: save the selected run."""
        self.commands.save_selected()

    def open_run_folder(self, run_id: int) -> None:
        """Show a run's folder."""
        self.commands.open_run_folder(run_id)

    def open_token_dialog(self) -> None:
        """The API token dialog."""
        self.commands.open_token_dialog()

    def open_settings_dialog(self) -> None:
        """The settings dialog."""
        self.commands.open_settings_dialog()

    def export_diagnostics(self) -> None:
        """Help > Export diagnostics…"""
        self.commands.export_diagnostics()

    def show_about(self) -> None:
        """Help > About."""
        self.commands.show_about()

    def token_changed(self) -> None:
        """The token or the server changed: refresh the token state and the sources."""
        self._datasources_for = None
        self.tasks.start(self._after_token_change(), "token-state", preempt=True)

    async def _after_token_change(self) -> None:
        await self.refresh_token_state()
        loaded = self.intake.current
        if loaded is not None and not loaded.is_demo:
            await self._load_datasources(False)

    # ================================================================ messages, errors
    def show_error(self, message: str, title: str = "Ping Desktop") -> QMessageBox:
        """A non-blocking warning with plain words."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.finished.connect(lambda _c: self._messages.remove(box)
                             if box in self._messages else None)
        self._messages.append(box)
        box.open()
        return box

    def _task_failed(self, exc: BaseException, name: str) -> None:
        message = getattr(exc, "message", None)
        if not isinstance(message, str):
            message = ("Something unexpected went wrong. The details were written to the log; "
                       "Help > Export diagnostics packs them for support.")
        self.show_error(message)
        self._update_start()

    def _update_title(self) -> None:
        loaded = self.intake.current
        parts = [APP_TITLE]
        if self.demo_mode:
            parts.append("Demo data (synthetic)")
        if loaded is not None:
            parts.append(loaded.path.name)
        self.setWindowTitle(" — ".join(parts))

    # ================================================================ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = paths_from_mime(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.open_files(paths)
        else:
            event.ignore()

    # ================================================================ geometry and closing
    def _restore_geometry(self) -> None:
        raw = self.services.settings.window_geometry
        if raw:
            try:
                self.restoreGeometry(QByteArray(base64.b64decode(raw)))
            except ValueError:
                log.warning("Ignoring unreadable window geometry")

    def _geometry_text(self) -> str:
        return base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_ready:
            event.accept()
            self.closed.emit()
            return
        event.ignore()
        if self._closing:
            return
        self._closing = True
        self.tasks.start(self._close_flow(), "close")

    async def _close_flow(self) -> None:
        keep = True
        real = [r for r in self.runs.active_runs() if not self.runs.is_demo(r)]
        if real:
            box = QMessageBox(QMessageBox.Icon.Question, "Jobs are still running",
                              f"{len(real)} run(s) are still running. Keep them for next time? "
                              "They continue automatically when you start Ping Desktop again.",
                              QMessageBox.StandardButton.NoButton, self)
            box.setObjectName("closeQuestion")
            keep_btn = box.addButton("&Keep for next time", QMessageBox.ButtonRole.AcceptRole)
            cancel_btn = box.addButton("Cancel the &jobs", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("&Don't close", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep_btn)
            await dialog_result(box)
            clicked = box.clickedButton()
            box.deleteLater()
            if clicked is not keep_btn and clicked is not cancel_btn:
                self._closing = False
                return
            keep = clicked is keep_btn
        await self.shutdown(keep=keep)
        self._close_ready = True
        self.close()

    async def shutdown(self, *, keep: bool) -> None:
        """Stop runs (paused or cancelled), remember geometry, stop background work."""
        try:
            await self.runs.stop_all(keep=keep)
        except Exception:
            log.exception("Stopping runs failed")
        settings = dataclasses.replace(self.services.settings,
                                       window_geometry=self._geometry_text())
        try:
            await self.services.save_settings(settings)
        except Exception:
            log.exception("Saving settings failed")
        self.notifier.close()
        current = asyncio.current_task()
        for task in self.tasks.tasks():
            if task is not current:
                task.cancel()


def _copy_sample(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
