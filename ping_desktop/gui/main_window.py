"""The main window: puts the pieces together and routes what happens between them.

The rules about the file being prepared live in :class:`~ping_desktop.draft.Draft` (Qt-free);
reading and planning in the intake controller, runs in the run controller, dialogs in
:class:`WindowDialogs`, commands in :class:`ActionRegistry`. No dialog is ever ``exec()``-ed.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from ping_desktop.draft import Draft
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.background_threads import use_background_threads
from ping_desktop.gui.close_flow import ask_keep_runs
from ping_desktop.gui.drop_zone import file_dialog_filter, paths_from_mime
from ping_desktop.gui.file_flow import FileFlow
from ping_desktop.gui.file_page import FilePage
from ping_desktop.gui.history_panel import HistoryPanel
from ping_desktop.gui.intake_controller import IntakeController
from ping_desktop.gui.jobs_model import JobsModel
from ping_desktop.gui.jobs_view import JobsView
from ping_desktop.gui.main_menus import build_menus
from ping_desktop.gui.notifier import Notifier
from ping_desktop.gui.run_again_flow import RunAgainFlow
from ping_desktop.gui.run_controller import RunController
from ping_desktop.gui.run_status_flow import RunStatusFlow
from ping_desktop.gui.warmup import start_worker_early, warm_up
from ping_desktop.gui.window_actions import ActionRegistry, WindowAction
from ping_desktop.gui.window_dialogs import WindowDialogs
from ping_desktop.gui.window_layout import (
    MainTabs,
    ServerStatus,
    Tab,
    demo_banner,
    fit_default_size,
    restore_geometry,
)
from ping_desktop.session import AppServices
from ping_desktop.storage.runstore_records import JobRecord, RunRecord

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Ping Desktop's only main window. ``closed`` fires once it has really closed."""

    closed = Signal()

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.services = services
        self.draft = Draft()
        self.tasks = TaskOwner(self, on_error=self._task_failed)
        self.intake = IntakeController(self.tasks, self, services.offload)
        self.runs = RunController(services, self.tasks, self)
        # Progress shown at most ~7 times a second: repainting after every engine event kept
        # the window's thread busy for tens of milliseconds at a time at the end of big runs.
        self.jobs_model = JobsModel(self, coalesce_ms=150)
        self._close_ready = False
        self._closing = False
        self._messages: list[QMessageBox] = []
        self._flows: list[object] = []
        self.setAcceptDrops(True)

        self.file_page = page = FilePage()
        self.welcome, self.file_stack = page.welcome, page
        self.mapping_panel, self.sources_panel = page.mapping_panel, page.sources_panel
        self.start_button = page.start_button
        self.jobs_view = JobsView(self.jobs_model)
        self.history_panel = HistoryPanel(services, self.tasks, self, self.runs)
        self.tabs = MainTabs({Tab.FILE: page, Tab.JOBS: self.jobs_view,
                              Tab.HISTORY: self.history_panel})
        self.banner = demo_banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.server = ServerStatus(self.statusBar())
        fit_default_size(self, 1180, 760)

        self.notifier = Notifier(self)
        self.file_flow = FileFlow(page, self.draft, self.intake, self.runs, services, self.tasks,
                                  self)
        self.dialogs = WindowDialogs(self, services, self.tasks, self._selected_run)
        self.run_status = RunStatusFlow(services, self.tasks, self.runs, self.dialogs,
                                        self.jobs_model, self.jobs_view, self.history_panel,
                                        self.notifier, self.statusBar().showMessage, self)
        self.menu_actions = ActionRegistry(self, self._handlers())
        build_menus(self.menuBar(), self.menu_actions)
        # One Ctrl+S for the whole window (File > Save results… saves the selected run of the
        # jobs table or the history); a second Ctrl+S on the jobs view would make the key
        # ambiguous while the table has focus, and Qt would then trigger neither.
        self.jobs_view.save_action.setShortcut(QKeySequence())
        self._wire()
        restore_geometry(self, self.services.settings.window_geometry)
        self.setWindowTitle(self.draft.title())
        self.file_flow.update_start()

    @property
    def has_token(self) -> bool:
        """Whether a token is stored for the configured API."""
        return self.draft.has_token

    @property
    def demo_mode(self) -> bool:
        """Whether demo labels are shown."""
        return self.draft.demo_mode

    def _handlers(self) -> dict[WindowAction, Callable[[], object]]:
        d, a = self.dialogs, WindowAction
        return {a.OPEN: self.open_file_dialog, a.DEMO: self.start_demo,
                a.SAVE_RESULTS: self._save_selected, a.CLOSE_FILE: self.file_flow.close_file,
                a.QUIT: self.close, a.START: self.start_run,
                a.SHOW_FILE: lambda: self.tabs.show_tab(Tab.FILE),
                a.SHOW_JOBS: lambda: self.tabs.show_tab(Tab.JOBS),
                a.SHOW_HISTORY: lambda: self.tabs.show_tab(Tab.HISTORY),
                a.TOKEN: d.open_token_dialog, a.SETTINGS: d.open_settings_dialog,
                a.DIAGNOSTICS: d.export_diagnostics, a.ABOUT: d.show_about}

    def _wire(self) -> None:
        page, d, flow = self.file_page, self.dialogs, self.file_flow
        page.welcome.drop_zone.browse_requested.connect(self.open_file_dialog)
        page.welcome.drop_zone.files_dropped.connect(self.open_files)
        page.welcome.token_button.clicked.connect(d.open_token_dialog)
        page.another_button.clicked.connect(self.open_file_dialog)
        self.server.token_button.clicked.connect(d.open_token_dialog)
        flow.error.connect(self.show_error)
        flow.status.connect(self._on_status)
        flow.demo_mode_changed.connect(self._on_demo_mode)
        flow.title_changed.connect(self.setWindowTitle)
        flow.file_shown.connect(lambda: self.tabs.show_tab(Tab.FILE))
        flow.run_started.connect(self._on_run_started)
        d.error.connect(self.show_error)
        d.status.connect(self.statusBar().showMessage)
        d.token_changed.connect(self.token_changed)
        d.token_checked.connect(self.server.show_token_check)
        flow.token_checked.connect(self.server.show_token_check)
        d.threshold_changed.connect(self.history_panel.set_threshold)

        runs = self.runs
        runs.progress.connect(self.jobs_model.apply_event)
        runs.jobs_listed.connect(self.jobs_model.add_jobs)
        runs.error.connect(self.show_error)
        jv, start, status = self.jobs_view, self.tasks.start, self.run_status
        jv.cancel_requested.connect(lambda rid: start(status.cancel(rid), f"cancel-{rid}"))
        jv.resume_requested.connect(lambda rid: start(status.resume(rid), f"resume-{rid}"))
        jv.retry_requested.connect(lambda rid: start(status.retry_failed(rid), f"retry-{rid}"))
        jv.resolve_uncertain_requested.connect(
            lambda jid, again: start(runs.resolve_uncertain(jid, again), f"resolve-{jid}"))
        jv.save_requested.connect(status.save)
        jv.open_folder_requested.connect(d.open_run_folder)
        self.history_panel.save_requested.connect(status.save)
        self.run_again = RunAgainFlow(self.services, self.tasks, flow,
                                      lambda: self.tabs.show_tab(Tab.FILE), self.show_error, self)
        self.history_panel.run_again_requested.connect(self.run_again.run_again)
        self.history_panel.error.connect(self.show_error)

    # ================================================================ start-up
    async def startup(self, files: list[Path] | None = None, demo: bool = False) -> None:
        """After show(): token state, history, resume of unfinished runs, files to open."""
        use_background_threads(asyncio.get_running_loop())
        self.tasks.start(warm_up(), "warm-imports")
        self.tasks.start(start_worker_early(self.services.offload), "warm-worker")
        await self.refresh_token_state()
        self.history_panel.refresh()
        runs, jobs = await asyncio.to_thread(self._load_jobs)
        self.jobs_model.load_jobs(runs, jobs)
        self.run_status.refresh()
        resumed = await self.runs.resume_unfinished()
        if resumed:
            self.statusBar().showMessage(
                f"Resumed {len(resumed)} unfinished run(s) from last time.", 10_000)
            self.tabs.show_tab(Tab.JOBS)
        if files:
            self.open_files(files)
        elif demo and not self.has_token:
            # A real token means real work: demo mode would only get in the way.
            self.start_demo()

    def _load_jobs(self) -> tuple[list[RunRecord], list[JobRecord]]:
        store = self.services.run_store
        runs = store.list_runs()
        return runs, [job for run in runs for job in store.jobs(run.id)]

    def _update_server_label(self) -> None:
        try:
            origin: str | None = self.services.api_origin()
        except ValueError:
            origin = None
        self.server.show_server(origin, self.draft.demo_mode)

    async def refresh_token_state(self) -> None:
        """Read whether a token is stored for the configured API and update the UI."""
        self.draft.has_token = await self.services.has_token()
        self.server.show_token(self.draft.has_token)
        self._update_server_label()
        self.welcome.set_has_token(self.draft.has_token)
        self.file_flow.update_start()

    # ================================================================ the first tab
    def open_file_dialog(self) -> None:
        """Ask for one or more spreadsheets (non-blocking)."""
        start = self.services.settings.last_open_dir or str(Path.home())
        dialog = QFileDialog(self, "Open a statement of values", start, file_dialog_filter())
        dialog.setObjectName("openFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda names: self.open_files([Path(n) for n in names]))
        self._flows.append(dialog)
        dialog.finished.connect(lambda _c: self._forget_flow(dialog))
        dialog.open()

    def _forget_flow(self, flow: object) -> None:
        # Return in the file-name suggestions can finish a file dialog twice.
        if flow in self._flows:
            self._flows.remove(flow)

    def open_files(self, paths: list[Path]) -> None:
        """Open the first file (queue the rest); leaves demo mode."""
        self.file_flow.open_files(paths)

    def start_demo(self) -> None:
        """Load the bundled sample against the built-in emulator, labelled as demo data."""
        self.file_flow.start_demo()

    def start_run(self) -> None:
        """Start the current file with the ticked sources (Ctrl+Return)."""
        self.file_flow.start_run()

    def _on_demo_mode(self, on: bool) -> None:
        self.banner.setVisible(on)
        self._update_server_label()

    def _on_status(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _on_run_started(self) -> None:
        self.tabs.show_tab(Tab.JOBS)
        self.history_panel.refresh()

    def _save_selected(self) -> None:
        run_id = self._selected_run()
        if run_id is None:
            self.statusBar().showMessage("Select a finished run to save its results.", 8000)
            return
        self.run_status.save(run_id)

    def _selected_run(self) -> int | None:
        job = self.jobs_view.selected_job()
        return job.run_id if job is not None else self.history_panel.current_run()

    def token_changed(self) -> None:
        """The token or the server changed: refresh the token state and the sources."""
        self.draft.forget_sources()
        self.tasks.start(self._after_token_change(), "token-state", preempt=True)

    async def _after_token_change(self) -> None:
        await self.refresh_token_state()
        if self.draft.file is not None and self.draft.backend == "api":
            await self.file_flow.load_sources()

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
        self.file_flow.update_start()

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
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_ready:
            event.accept()
            self.closed.emit()
            return
        event.ignore()
        if not self._closing:
            self._closing = True
            self.tasks.start(self._close_flow(), "close")

    async def _close_flow(self) -> None:
        real = [r for r in self.runs.active_runs() if not self.runs.is_demo(r)]
        keep = await ask_keep_runs(self, len(real)) if real else True
        if keep is None:
            self._closing = False
            return
        await self.shutdown(keep=keep)
        self._close_ready = True
        self.close()

    async def shutdown(self, *, keep: bool) -> None:
        """Stop runs (paused or cancelled), remember geometry, stop background work."""
        self.run_status.closing = True  # runs paused by closing are no news to announce
        try:
            await self.runs.stop_all(keep=keep)
        except Exception:
            log.exception("Stopping runs failed")
        geometry = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
        settings = dataclasses.replace(self.services.settings, window_geometry=geometry)
        try:
            await self.services.save_settings(settings)
        except Exception:
            log.exception("Saving settings failed")
        self.notifier.close()
        current = asyncio.current_task()
        for task in self.tasks.tasks():
            if task is not current:
                task.cancel()

