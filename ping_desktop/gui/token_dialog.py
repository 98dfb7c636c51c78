"""The API token dialog: masked entry, Show, Test connection, Save (keyring) and Remove.

Keyring calls block (Secret Service may take a second), so they run in worker threads; the
dialog is opened with ``open()`` and never ``exec()``.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.api.client import PingDataClient
from ping_desktop.api.errors import PingApiError
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.storage.credentials import CredentialStore, TokenStorage

log = logging.getLogger(__name__)


class TokenDialog(QDialog):
    """Enter, test, save or remove the token for one API origin.

    ``token_changed(stored)`` is emitted after a save or a removal; ``stored`` is a
    :class:`TokenStorage` value name, or "" when the token was removed.
    """

    token_changed = Signal(str)

    def __init__(
        self, credentials: CredentialStore, api_url: str, origin: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tokenDialog")
        self.setWindowTitle("API token")
        self.credentials = credentials
        self.api_url = api_url
        self.origin = origin
        self.tasks = TaskOwner(self, on_error=self._task_failed)

        intro = QLabel(
            f"Paste the Ping.Data API token for <b>{origin}</b>. It is stored in your "
            "system's password store and only ever sent to this server."
        )
        intro.setWordWrap(True)
        self.entry = QLineEdit()
        self.entry.setObjectName("tokenEntry")
        self.entry.setAccessibleName("API token")
        self.entry.setEchoMode(QLineEdit.EchoMode.Password)
        self.entry.setPlaceholderText("Paste your token here")
        self.entry.textChanged.connect(self._text_changed)
        label = QLabel("&Token:")
        label.setBuddy(self.entry)
        self.show_box = QCheckBox("S&how")
        self.show_box.setObjectName("tokenShow")
        self.show_box.toggled.connect(self._toggle_show)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.entry, 1)
        row.addWidget(self.show_box)

        self.storage_note = QLabel("Checking the password store…")
        self.storage_note.setObjectName("tokenStorageNote")
        self.storage_note.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("tokenResult")
        self.result_label.setWordWrap(True)

        self.test_button = QPushButton("&Test connection")
        self.test_button.setObjectName("tokenTestButton")
        self.test_button.clicked.connect(self._test_clicked)
        self.remove_button = QPushButton("&Remove token")
        self.remove_button.setObjectName("tokenRemoveButton")
        self.remove_button.clicked.connect(self._remove_clicked)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("tokenSaveButton")
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.storage_note)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self._text_changed("")

    # -- lifecycle ------------------------------------------------------------------------------
    def open(self) -> None:
        """Show window-modally and load the current state in the background."""
        super().open()
        self.tasks.start(self._load(), "token-load", preempt=True)

    async def _load(self) -> None:
        persistent = await asyncio.to_thread(self._probe_store)
        backend = await asyncio.to_thread(self.credentials.backend_name)
        has = await asyncio.to_thread(self.credentials.get_token, self.origin)
        if persistent:
            self.storage_note.setText(f"Password store: {backend}.")
        else:
            self.storage_note.setText(
                "No secure password store was found on this computer, so the token will be "
                "kept for this session only: you will need to enter it again next time."
            )
        self.remove_button.setEnabled(bool(has))
        if has and not self.entry.text():
            self.entry.setPlaceholderText(
                "A token is saved (hidden). Paste a new one to replace it."
            )

    def _probe_store(self) -> bool:
        return "session only" not in self.credentials.backend_name()

    def done(self, code: int) -> None:
        """Closing the dialog stops its background work."""
        for task in self.tasks.tasks():
            if task.get_name() != "token-save":
                task.cancel()
        super().done(code)

    # -- actions --------------------------------------------------------------------------------
    def _toggle_show(self, shown: bool) -> None:
        self.entry.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def _text_changed(self, text: str) -> None:
        has_text = bool(text.strip())
        self.save_button.setEnabled(has_text)
        self.test_button.setEnabled(has_text)

    def _test_clicked(self) -> None:
        self.tasks.start(self._test(self.entry.text().strip()), "token-test", preempt=True)

    async def _test(self, token: str) -> None:
        self.result_label.setText("Testing the connection…")
        self.test_button.setEnabled(False)
        client = PingDataClient(self.api_url, token)
        try:
            await client.check_token()
        except PingApiError as error:
            self.result_label.setText("✗ " + error.message)
        else:
            self.result_label.setText(f"✓ Connected: {self.origin} accepted the token.")
        finally:
            await client.aclose()
            self.test_button.setEnabled(bool(self.entry.text().strip()))

    def _save_clicked(self) -> None:
        token = self.entry.text().strip()
        if token:
            self.tasks.start(self._save(token), "token-save", preempt=True)

    async def _save(self, token: str) -> None:
        self.save_button.setEnabled(False)
        try:
            where = await asyncio.to_thread(self.credentials.set_token, self.origin, token)
        except ValueError as exc:
            self.result_label.setText("✗ " + str(exc))
            self.save_button.setEnabled(True)
            return
        self.entry.clear()
        self.token_changed.emit(where.name)
        if where is TokenStorage.SESSION_ONLY:
            self.result_label.setText(
                "Token kept for this session only (no secure password store is available)."
            )
            self.remove_button.setEnabled(True)
            return
        self.accept()

    def _remove_clicked(self) -> None:
        self.tasks.start(self._remove(), "token-remove", preempt=True)

    async def _remove(self) -> None:
        await asyncio.to_thread(self.credentials.delete_token, self.origin)
        self.entry.clear()
        self.entry.setPlaceholderText("Paste your token here")
        self.remove_button.setEnabled(False)
        self.result_label.setText("The token was removed from this computer.")
        self.token_changed.emit("")

    def _task_failed(self, exc: BaseException, name: str) -> None:
        log.error("Token dialog task %s failed: %s", name, type(exc).__name__)
        self.result_label.setText(
            "✗ Something went wrong talking to the password store. "
            "Details are in the log (Help > Export diagnostics)."
        )
