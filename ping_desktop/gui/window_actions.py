"""The main window's secondary actions: save results, open a run's folder, the token and
settings dialogs, diagnostics and About. Each dialog is opened with ``open()``, never ``exec()``;
the last one opened stays reachable as an attribute (for the window, and for tests)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from ping_desktop.gui.save_flow import SaveResultsFlow
from ping_desktop.gui.settings_dialog import SettingsDialog
from ping_desktop.gui.support_flows import DiagnosticsFlow, show_about
from ping_desktop.gui.token_dialog import TokenDialog
from ping_desktop.storage.settings import Settings

if TYPE_CHECKING:
    from ping_desktop.gui.main_window import MainWindow


class WindowActions(QObject):
    """Menu and button actions that open a dialog or a flow on behalf of ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.save_flow: SaveResultsFlow | None = None
        self.token_dialog: TokenDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.diagnostics_flow: DiagnosticsFlow | None = None
        self.about_box: QMessageBox | None = None

    # -- results ----------------------------------------------------------------------------
    def save_results(self, run_id: int) -> None:
        """The save dialog for ``run_id``; remembers the folder used."""
        w = self.window
        flow = SaveResultsFlow(w, w.services.run_store, run_id, w.services.settings.last_save_dir,
                               offload=w.services.offload)
        flow.finished.connect(self._saved)
        flow.failed.connect(lambda message: w.show_error(message,
                                                         title="Could not save the results"))
        self.save_flow = flow
        flow.start()

    def _saved(self, path: object) -> None:
        w = self.window
        if isinstance(path, Path):
            w.statusBar().showMessage(f"Saved {path}", 15_000)
            settings = dataclasses.replace(w.services.settings, last_save_dir=str(path.parent))
            w.tasks.start(w.services.save_settings(settings), "save-settings")

    def save_selected(self) -> None:
        """Ctrl+S: save the run selected in the jobs table, else the one open in History."""
        w = self.window
        job = w.jobs_view.selected_job()
        run_id = job.run_id if job is not None else w.history_panel.current_run()
        if run_id is None:
            w.statusBar().showMessage("Select a finished run to save its results.", 8000)
            return
        self.save_results(run_id)

    def open_run_folder(self, run_id: int) -> None:
        """Show the run's folder (input copy, raw outputs) in the file manager."""
        folder = self.window.services.run_store.run_folder(run_id)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- token and settings -----------------------------------------------------------------
    def open_token_dialog(self) -> None:
        """The API token dialog for the configured server."""
        w = self.window
        try:
            api_url, origin = w.services.api_url(), w.services.api_origin()
        except ValueError as error:
            w.show_error(str(error), title="Invalid API address")
            return
        dialog = TokenDialog(w.services.credentials, api_url, origin, w)
        dialog.token_changed.connect(lambda _where: w.token_changed())
        self.token_dialog = dialog
        dialog.open()

    def open_settings_dialog(self) -> None:
        """Settings (server, job size, concurrency, threshold)."""
        w = self.window
        dialog = SettingsDialog(w.services.settings, w)
        dialog.settings_accepted.connect(
            lambda s: w.tasks.start(self._apply_settings(s), "settings", preempt=True))
        self.settings_dialog = dialog
        dialog.open()

    async def _apply_settings(self, settings: object) -> None:
        w = self.window
        assert isinstance(settings, Settings)
        old = w.services.settings
        server_changed = (settings.environment, settings.custom_api_url) != (
            old.environment, old.custom_api_url)
        await w.services.save_settings(settings)
        w.history_panel.set_threshold(settings.low_confidence_threshold)
        if server_changed:
            w.token_changed()

    # -- help -------------------------------------------------------------------------------
    def export_diagnostics(self) -> None:
        """Help > Export diagnostics… (what is included first, then where to save)."""
        w = self.window
        flow = DiagnosticsFlow(w, w.services.paths, w.services.credentials, w.tasks,
                               w.services.settings.last_save_dir)
        flow.finished.connect(self._diagnostics_saved)
        flow.failed.connect(lambda m: w.show_error(m, title="Export diagnostics"))
        self.diagnostics_flow = flow
        flow.start()

    def _diagnostics_saved(self, path: object) -> None:
        if path is not None:
            self.window.statusBar().showMessage(f"Diagnostics saved to {path}", 15_000)

    def show_about(self) -> None:
        """Help > About."""
        w = self.window
        self.about_box = show_about(w, w.services.credentials.backend_name())
