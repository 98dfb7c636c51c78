"""Help menu flows: "Export diagnostics…" (says what is included, then a save dialog) and About.

Everything is non-blocking (``open()`` + signals); the zip is written in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal, qVersion
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ping_desktop import __version__
from ping_desktop.draft import readable_store_name
from ping_desktop.gui.async_support import TaskOwner, dialog_result
from ping_desktop.storage.credentials import CredentialStore
from ping_desktop.storage.diagnostics import describe_diagnostics, export_diagnostics
from ping_desktop.storage.paths import AppPaths

log = logging.getLogger(__name__)


class DiagnosticsFlow(QObject):
    """Explain, ask where, write the zip; ``finished(Path | None)``, ``failed(str)``."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QWidget, paths: AppPaths, credentials: CredentialStore,
                 tasks: TaskOwner, start_dir: str | None) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.paths = paths
        self.credentials = credentials
        self.tasks = tasks
        self.start_dir = start_dir or str(Path.home())
        self.box: QMessageBox | None = None
        self.dialog: QFileDialog | None = None

    def start(self) -> None:
        """Run the flow in the background."""
        self.tasks.start(self._run(), "diagnostics", preempt=True)

    async def _run(self) -> None:
        self.box = QMessageBox(self.parent_widget)
        self.box.setObjectName("diagnosticsInfo")
        self.box.setWindowTitle("Export diagnostics")
        self.box.setIcon(QMessageBox.Icon.Information)
        self.box.setText("A zip file for support will contain:")
        self.box.setInformativeText(
            "\n".join("• " + line for line in describe_diagnostics())
            + "\n\nYour API token is never included. Your spreadsheets are not included."
        )
        self.box.setStandardButtons(
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel
        )
        code = await dialog_result(self.box)
        if code != QMessageBox.StandardButton.Save:
            self.finished.emit(None)
            return
        name = f"ping-desktop-diagnostics-{time.strftime('%Y%m%d-%H%M%S')}.zip"
        self.dialog = QFileDialog(self.parent_widget, "Save diagnostics",
                                  str(Path(self.start_dir) / name), "Zip files (*.zip)")
        self.dialog.setObjectName("diagnosticsSaveDialog")
        self.dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.dialog.setDefaultSuffix("zip")
        if await dialog_result(self.dialog) != QFileDialog.DialogCode.Accepted:
            self.finished.emit(None)
            return
        dest = Path(self.dialog.selectedFiles()[0])
        token = await asyncio.to_thread(self._current_tokens)
        try:
            written = await asyncio.to_thread(
                export_diagnostics, dest, paths=self.paths,
                extra={"Qt": qVersion(), "App": __version__}, secrets=token,
            )
        except OSError as exc:
            self.failed.emit(
                f"The diagnostics file could not be written to {dest} ({exc.strerror}). "
                "Choose another folder, for example your Desktop."
            )
            return
        self.finished.emit(written)

    def _current_tokens(self) -> list[str]:
        # Scrub the stored token too, in case it ever reached a log by another route.
        from ping_desktop.api.environments import ENVIRONMENTS

        tokens = []
        for env in ENVIRONMENTS.values():
            token = self.credentials.get_token(env.origin)
            if token:
                tokens.append(token)
        return tokens


def show_about(parent: QWidget, keyring_backend: str) -> QMessageBox:
    """Open the About box (non-blocking) and return it."""
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About Ping Desktop")
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(f"<b>Ping Desktop {__version__}</b>")
    box.setInformativeText(
        "Enriches statements of values with Ping.Data.\n\n"
        f"Qt {qVersion()} · Password store: {readable_store_name(keyring_backend)}"
    )
    box.open()
    return box
