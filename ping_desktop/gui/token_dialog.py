"""The API token dialog: masked entry, Show, Test connection (at most ``TEST_LIMIT_SECONDS``,
with a busy bar and Cancel), Save (keyring; asks first when the token just failed its test)
and Remove.

Keyring calls block (Secret Service may take a second), so they run in worker threads; the
dialog and its question are opened with ``open()`` and never ``exec()``.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.api.client import PingDataClient
from ping_desktop.api.errors import AuthenticationError, PingApiError
from ping_desktop.draft import NO_STORE, readable_store_name
from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.storage.credentials import CredentialStore, TokenStorage

log = logging.getLogger(__name__)

#: Longest wait for Test connection: an unreachable server otherwise takes the client's
#: retries (about 16 s) to give up.
TEST_LIMIT_SECONDS = 10.0
#: What the last test of a token found (see :attr:`TokenDialog.test_outcome`).
VERIFIED, REJECTED, UNREACHABLE = "verified", "rejected", "unreachable"


class TokenDialog(QDialog):
    """Enter, test, save or remove the token for one API origin.

    ``token_changed(stored)`` is emitted after a save or a removal; ``stored`` is a
    :class:`TokenStorage` value name, or "" when the token was removed.
    """

    token_changed = Signal(str)
    #: After a save: "verified" when the saved token passed Test connection, else "".
    token_checked = Signal(str)

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
            f"Paste the Ping.Data API token for <b>{origin}</b>. It is only ever sent to "
            "this server."
        )
        intro.setObjectName("tokenIntro")
        intro.setWordWrap(True)
        #: (token, outcome) of the last Test connection that finished.
        self.test_outcome: tuple[str, str] | None = None
        self.confirm_box: QMessageBox | None = None
        self.entry = QLineEdit()
        self.entry.setObjectName("tokenEntry")
        self.entry.setAccessibleName("API token")
        self.entry.setEchoMode(QLineEdit.EchoMode.Password)
        self.entry.setPlaceholderText("Paste your token here")
        self.entry.textChanged.connect(self._text_changed)
        label = QLabel("To&ken:")
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
        self.busy = QProgressBar()
        self.busy.setObjectName("tokenBusy")
        self.busy.setAccessibleName("Testing the connection")
        self.busy.setRange(0, 0)  # moving bar: how long is unknown
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(12)
        self.busy.setVisible(False)
        self.cancel_test_button = QPushButton("C&ancel test")
        self.cancel_test_button.setObjectName("tokenCancelTestButton")
        self.cancel_test_button.clicked.connect(self._cancel_test)
        self.cancel_test_button.setVisible(False)
        # Space kept while hidden: the dialog does not grow (and squeeze its wrapped texts)
        # when a test starts.
        for widget in (self.busy, self.cancel_test_button):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self.result_label.setMinimumHeight(2 * self.fontMetrics().lineSpacing())
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy, 1)
        busy_row.addWidget(self.cancel_test_button)
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
        self.save_button.setText("&Save")  # the platform's text has no mnemonic on Linux
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.storage_note)
        layout.addWidget(self.result_label)
        layout.addLayout(busy_row)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.resize(560, self.heightForWidth(560) if self.hasHeightForWidth()
                    else self.sizeHint().height())
        self._text_changed("")

    # -- lifecycle ------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        """Grow when a wrapped text gets longer (the password-store note arrives after the
        dialog is shown): Qt does not grow a shown window for height-for-width contents, so
        the layout squeezed every label and their last lines were cut off."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            layout = self.layout()
            if layout is not None and layout.hasHeightForWidth():
                need = layout.totalHeightForWidth(self.width())
                if need > self.height():
                    self.resize(self.width(), need)
        return handled

    def open(self) -> None:
        """Show window-modally and load the current state in the background."""
        super().open()
        self.tasks.start(self._load(), "token-load", preempt=True)

    async def _load(self) -> None:
        persistent = await asyncio.to_thread(self._probe_store)
        backend = await asyncio.to_thread(self.credentials.backend_name)
        has = await asyncio.to_thread(self.credentials.get_token, self.origin)
        name = readable_store_name(backend)
        if persistent and name != NO_STORE:
            self.storage_note.setText(f"The token is kept in {name}.")
        else:
            self.storage_note.setText(
                "No password store was found on this computer, so the token is kept only "
                "until you close Ping Desktop: you will need to enter it again next time."
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
        self.test_button.setEnabled(has_text and not self.busy.isVisible())

    def _test_clicked(self) -> None:
        self.tasks.start(self._test(self.entry.text().strip()), "token-test", preempt=True)

    def _set_testing(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.cancel_test_button.setVisible(on)
        self.test_button.setEnabled(not on and bool(self.entry.text().strip()))
        if on:
            self.cancel_test_button.setFocus()

    def _cancel_test(self) -> None:
        for task in self.tasks.tasks():
            if task.get_name() == "token-test":
                task.cancel()
        self._set_testing(False)
        self.result_label.setText("Test cancelled. Nothing was changed.")

    async def _test(self, token: str) -> None:
        self.result_label.setText("Testing the connection…")
        self._set_testing(True)
        client = PingDataClient(self.api_url, token)
        try:
            await asyncio.wait_for(client.check_token(), TEST_LIMIT_SECONDS)
        except TimeoutError:
            self.test_outcome = (token, UNREACHABLE)
            self.result_label.setText(
                f"✗ {self.origin} did not answer within {TEST_LIMIT_SECONDS:g} seconds. Check "
                "your internet connection, or the server address in Settings, then test again.")
        except AuthenticationError as error:
            self.test_outcome = (token, REJECTED)
            self.result_label.setText("✗ " + error.message)
        except PingApiError as error:
            self.test_outcome = (token, UNREACHABLE)
            self.result_label.setText("✗ " + error.message)
        else:
            self.test_outcome = (token, VERIFIED)
            self.result_label.setText(f"✓ Connected: {self.origin} accepted the token.")
        finally:
            await client.aclose()
            self._set_testing(False)

    def _save_clicked(self) -> None:
        token = self.entry.text().strip()
        if not token:
            return
        if self.test_outcome is not None and self.test_outcome[0] == token \
                and self.test_outcome[1] != VERIFIED:
            self._confirm_save(token, self.test_outcome[1])
            return
        self.tasks.start(self._save(token), "token-save", preempt=True)

    def _confirm_save(self, token: str, outcome: str) -> None:
        why = ("The server did not accept this token when you tested it."
               if outcome == REJECTED else
               "The connection test with this token did not succeed.")
        box = QMessageBox(QMessageBox.Icon.Warning, "Save this token?",
                          why + " Save it anyway?", parent=self)
        box.setObjectName("tokenConfirmSave")
        box.setInformativeText("Runs with a token the server refuses stop at once.")
        save = box.addButton("&Save anyway", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)

        def answered() -> None:
            if box.clickedButton() is save:
                self.tasks.start(self._save(token), "token-save", preempt=True)

        box.finished.connect(lambda _code: answered())
        self.confirm_box = box
        box.open()

    async def _save(self, token: str) -> None:
        self.save_button.setEnabled(False)
        try:
            where = await asyncio.to_thread(self.credentials.set_token, self.origin, token)
        except ValueError as exc:
            self.result_label.setText("✗ " + str(exc))
            self.save_button.setEnabled(True)
            return
        verified = self.test_outcome == (token, VERIFIED)
        self.entry.clear()
        self.token_checked.emit(VERIFIED if verified else "")
        self.token_changed.emit(where.name)
        if where is TokenStorage.SESSION_ONLY:
            self.result_label.setText(
                "Token saved until you close Ping Desktop (no password store was found on "
                "this computer)."
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
