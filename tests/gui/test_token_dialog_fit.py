"""The token dialog grows when its texts get longer after it is shown (the password-store note
arrives from a worker thread), instead of squeezing every wrapped label and cutting lines."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from ping_desktop.gui.token_dialog import TokenDialog
from ping_desktop.storage.credentials import CredentialStore


def test_wrapped_texts_keep_their_height_when_a_note_grows(qtbot: Any) -> None:
    dialog = TokenDialog(CredentialStore(), "http://127.0.0.1:9/api/v1", "http://127.0.0.1:9")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    dialog.storage_note.setText(" ".join(["The token is kept only until you close the app."] * 6))
    dialog.result_label.setText(" ".join(["The server did not answer within 10 seconds."] * 4))

    def fits() -> None:
        for label in dialog.findChildren(QLabel):
            if label.wordWrap() and label.text():
                assert label.height() >= label.heightForWidth(label.width()), label.objectName()

    qtbot.waitUntil(fits, timeout=3000)
    assert dialog.height() > before
