"""Issue 11, finding 3: the token dialog tells the truth (time limit, busy bar, Cancel, asks
before saving a token that failed its test, names the real password store), the status bar
says whether the token was verified, and Start waits when the server refused the token."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

import ping_desktop.gui.token_dialog as token_dialog
from ping_desktop.draft import REFUSED_BY_SERVER
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, wait_loaded


def _open_dialog(qtbot: Any, window: Any) -> Any:
    window.dialogs.open_token_dialog()
    dialog = window.dialogs.token_dialog
    qtbot.waitUntil(lambda: "Checking" not in dialog.storage_note.text(), timeout=5000)
    return dialog


def mnemonics(root: QWidget) -> list[str]:
    """The Alt+letter of every visible button and label under ``root``."""
    keys = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
        text = text.replace("&&", "")
        if "&" in text and isinstance(widget, QAbstractButton | QLabel):
            keys.append(text[text.index("&") + 1].lower())
    return keys


def test_test_connection_is_limited_busy_and_cancellable(
        qtbot: Any, make_window: Any, emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(api_url=emulator.api_url)
    dialog = _open_dialog(qtbot, window)
    dialog.entry.setText(TEST_TOKEN)
    emulator.set_faults(slow_seconds=3.0)
    monkeypatch.setattr(token_dialog, "TEST_LIMIT_SECONDS", 0.3)
    dialog.test_button.click()
    qtbot.waitUntil(dialog.busy.isVisible, timeout=2000)
    assert dialog.cancel_test_button.isVisible()
    for label in dialog.findChildren(QLabel):  # nothing squeezed by the busy bar
        if label.isVisible() and len(label.text()) > 20:
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    qtbot.waitUntil(lambda: "did not answer within" in dialog.result_label.text(), timeout=5000)
    assert not dialog.busy.isVisible()
    assert dialog.test_button.isEnabled()

    monkeypatch.setattr(token_dialog, "TEST_LIMIT_SECONDS", 10.0)
    dialog.test_button.click()
    qtbot.waitUntil(dialog.cancel_test_button.isVisible, timeout=2000)
    dialog.cancel_test_button.click()
    assert "cancelled" in dialog.result_label.text()
    assert not dialog.busy.isVisible()
    qtbot.waitUntil(lambda: not any(t.get_name() == "token-test" for t in dialog.tasks.tasks()),
                    timeout=3000)
    emulator.set_faults(slow_seconds=0.0)
    dialog.reject()


def test_saving_a_token_that_failed_its_test_asks_first(
        qtbot: Any, make_window: Any, emulator: Any, memory_keyring: Any) -> None:
    window = make_window(api_url=emulator.api_url)
    dialog = _open_dialog(qtbot, window)
    dialog.entry.setText("wrong-token-123456")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✗"), timeout=10_000)
    dialog.save_button.click()
    box = dialog.confirm_box
    assert box is not None
    assert box.isVisible()
    assert "did not accept" in box.text()
    go_back = next(b for b in box.buttons() if "Go back" in b.text())
    go_back.click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
    assert memory_keyring.passwords == {}
    assert dialog.isVisible()

    dialog.save_button.click()
    box = dialog.confirm_box
    next(b for b in box.buttons() if "Save anyway" in b.text()).click()
    qtbot.waitUntil(lambda: memory_keyring.passwords != {}, timeout=5000)
    button = window.server.token_button
    qtbot.waitUntil(lambda: button.text() == "API token: saved, not verified yet", timeout=5000)


def test_status_bar_says_verified_then_rejected(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token="revoked-token-123456",
                         last_sources=["PG"])
    button = window.server.token_button
    assert button.text() == "API token: saved, not verified yet"
    path = Path(shutil.copy(SAMPLE, tmp_path / "sov.xlsx"))
    window.open_files([path])
    wait_loaded(qtbot, window, "sov.xlsx")
    qtbot.waitUntil(lambda: button.text() == "API token: rejected ✗", timeout=10_000)
    assert not window.start_button.isEnabled()
    assert REFUSED_BY_SERVER in window.file_page.start_hint.text()
    assert window.file_page.start_hint.isVisible()

    # A good token (tested in the dialog) clears it: verified, and Start comes back.
    dialog = _open_dialog(qtbot, window)
    dialog.entry.setText(TEST_TOKEN)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✓"), timeout=10_000)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: button.text() == "API token: verified ✓", timeout=10_000)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)


def test_without_a_password_store_no_text_claims_one(
        qtbot: Any, make_window: Any, emulator: Any) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        window = make_window(api_url=emulator.api_url)
        assert "password store" not in window.welcome.demo_text.text()
        dialog = _open_dialog(qtbot, window)
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "kept in your system" not in texts
        assert "No password store was found" in dialog.storage_note.text()
        dialog.reject()
        window.dialogs.show_about()
        about = window.dialogs.about_box.informativeText()
        assert "keyring.backends" not in about
        assert "none found" in about
        window.dialogs.about_box.reject()
    finally:
        keyring.set_keyring(previous)


def test_token_dialog_keys_are_unique_and_text_not_clipped(
        qtbot: Any, make_window: Any, emulator: Any) -> None:
    window = make_window(api_url=emulator.api_url)
    dialog = _open_dialog(qtbot, window)
    keys = mnemonics(dialog)
    assert len(keys) == len(set(keys)), keys
    qtbot.wait(50)
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and len(label.text()) > 20:
            assert label.wordWrap(), label.text()
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    dialog.reject()


