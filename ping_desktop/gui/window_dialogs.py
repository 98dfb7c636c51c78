"""The dialogs and flows the window's commands open: save results, a run's folder, the token
and settings dialogs, diagnostics and About. Each dialog is opened with ``open()``, never
``exec()``; the last one opened stays reachable as an attribute (for tests).

What they need is passed in; what they change is announced by signals the window connects, so
this class never reaches into the window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.save_flow import SaveResultsFlow
from ping_desktop.gui.settings_dialog import SettingsDialog
from ping_desktop.gui.support_flows import DiagnosticsFlow, show_about
from ping_desktop.gui.token_dialog import TokenDialog
from ping_desktop.session import AppServices
from ping_desktop.storage.settings import Settings


class WindowDialogs(QObject):
    """Opens dialogs and flows over ``parent``.

    Signals: ``error(message, title)``, ``status(message, milliseconds)`` for the status bar,
    ``token_changed()`` (the token or the server changed), ``threshold_changed(int)`` (the
    low-confidence threshold of the settings), ``token_checked(check)`` ("verified" when a
    token that passed its test was saved, "" when the token or server changed untested).
    """

    error = Signal(str, str)
    status = Signal(str, int)
    token_changed = Signal()
    token_checked = Signal(str)
    threshold_changed = Signal(int)

    def __init__(self, parent: QWidget, services: AppServices, tasks: TaskOwner,
                 selected_run: Callable[[], int | None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._services = services
        self._tasks = tasks
        self._selected_run = selected_run
        self.save_flow: SaveResultsFlow | None = None
        self.token_dialog: TokenDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.diagnostics_flow: DiagnosticsFlow | None = None
        self.about_box: QMessageBox | None = None

    # -- results ----------------------------------------------------------------------------
    def save_results(self, run_id: int) -> None:
        """The save dialog for ``run_id``; remembers the folder used."""
        s = self._services
        flow = SaveResultsFlow(self._parent, s.run_store, run_id, s.settings.last_save_dir,
                               offload=s.offload)
        flow.finished.connect(self._saved)
        flow.failed.connect(lambda message: self.error.emit(message,
                                                            "Could not save the results"))
        self.save_flow = flow
        flow.start()

    def _saved(self, path: object) -> None:
        if isinstance(path, Path):
            self.status.emit(f"Saved {path}", 15_000)
            settings = dataclasses.replace(self._services.settings,
                                           last_save_dir=str(path.parent))
            self._tasks.start(self._services.save_settings(settings), "save-settings")

    def save_selected(self) -> None:
        """Ctrl+S: save the selected run (jobs table first, else the one open in History)."""
        run_id = self._selected_run()
        if run_id is None:
            self.status.emit("Select a finished run to save its results.", 8000)
            return
        self.save_results(run_id)

    def open_run_folder(self, run_id: int) -> None:
        """Show the run's folder (input copy, raw outputs) in the file manager."""
        folder = self._services.run_store.run_folder(run_id)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- token and settings -----------------------------------------------------------------
    def open_token_dialog(self) -> None:
        """The API token dialog for the configured server."""
        s = self._services
        try:
            api_url, origin = s.api_url(), s.api_origin()
        except ValueError as error:
            self.error.emit(str(error), "Invalid API address")
            return
        dialog = TokenDialog(s.credentials, api_url, origin, self._parent)
        dialog.token_checked.connect(self.token_checked)
        dialog.token_changed.connect(lambda _where: self.token_changed.emit())
        self.token_dialog = dialog
        dialog.open()

    def open_settings_dialog(self) -> None:
        """Settings (server, job size, concurrency, threshold)."""
        dialog = SettingsDialog(self._services.settings, self._parent)
        dialog.settings_accepted.connect(
            lambda s: self._tasks.start(self._apply_settings(s), "settings", preempt=True))
        self.settings_dialog = dialog
        dialog.open()

    async def _apply_settings(self, settings: Settings) -> None:
        old = self._services.settings
        server_changed = (settings.environment, settings.custom_api_url) != (
            old.environment, old.custom_api_url)
        await self._services.save_settings(settings)
        self.threshold_changed.emit(settings.low_confidence_threshold)
        if server_changed:
            self.token_checked.emit("")
            self.token_changed.emit()

    # -- help -------------------------------------------------------------------------------
    def export_diagnostics(self) -> None:
        """Help > Export diagnostics… (what is included first, then where to save)."""
        s = self._services
        flow = DiagnosticsFlow(self._parent, s.paths, s.credentials, self._tasks,
                               s.settings.last_save_dir)
        flow.finished.connect(self._diagnostics_saved)
        flow.failed.connect(lambda m: self.error.emit(m, "Export diagnostics"))
        self.diagnostics_flow = flow
        flow.start()

    def _diagnostics_saved(self, path: object) -> None:
        if path is not None:
            self.status.emit(f"Diagnostics saved to {path}", 15_000)

    def show_about(self) -> None:
        """Help > About."""
        self.about_box = show_about(self._parent, self._services.credentials.backend_name())
