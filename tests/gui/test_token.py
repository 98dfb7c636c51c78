"""The token dialog: masked, testable, saved to and read back from the keyring, removable."""

from __future__ import annotations

from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton

from ping_desktop.storage.credentials import account_for
from ping_desktop.storage.paths import APP_ID
from tests.conftest import TEST_TOKEN


def _open_dialog(qtbot: Any, window: Any) -> Any:
    window.dialogs.open_token_dialog()
    dialog = window.dialogs.token_dialog
    qtbot.waitUntil(lambda: "Checking" not in dialog.storage_note.text(), timeout=5000)
    return dialog


def test_token_saved_read_back_and_removed(qtbot: Any, make_window: Any, emulator: Any,
                                           memory_keyring: Any) -> None:
    window = make_window(api_url=emulator.api_url)
    button = window.findChild(QPushButton, "tokenButton")
    assert button.text() == "API token: not set"
    assert window.welcome.demo_button.isVisibleTo(window)

    dialog = _open_dialog(qtbot, window)
    entry = dialog.findChild(QLineEdit, "tokenEntry")
    assert entry.echoMode() == QLineEdit.EchoMode.Password
    dialog.findChild(QCheckBox, "tokenShow").setChecked(True)
    assert entry.echoMode() == QLineEdit.EchoMode.Normal
    dialog.findChild(QCheckBox, "tokenShow").setChecked(False)

    entry.setText("wrong-token-123456")
    result = dialog.findChild(QLabel, "tokenResult")
    dialog.findChild(QPushButton, "tokenTestButton").click()
    qtbot.waitUntil(lambda: result.text().startswith("✗"), timeout=10_000)
    assert "not accepted" in result.text()

    entry.setText(TEST_TOKEN)
    dialog.findChild(QPushButton, "tokenTestButton").click()
    qtbot.waitUntil(lambda: result.text().startswith("✓"), timeout=10_000)

    dialog.findChild(QPushButton, "tokenSaveButton").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    origin = window.services.api_origin()
    assert memory_keyring.passwords == {(APP_ID, account_for(origin)): TEST_TOKEN}
    qtbot.waitUntil(lambda: button.text() == "API token: verified ✓", timeout=5000)
    assert not window.welcome.demo_button.isVisibleTo(window)  # the demo is for people without one

    # Read back by a freshly built app (same keyring, same settings file).
    again = make_window()
    assert again.has_token
    assert again.services.credentials.get_token(origin) == TEST_TOKEN

    dialog = _open_dialog(qtbot, window)
    remove = dialog.findChild(QPushButton, "tokenRemoveButton")
    qtbot.waitUntil(remove.isEnabled, timeout=5000)
    remove.click()
    qtbot.waitUntil(lambda: memory_keyring.passwords == {}, timeout=5000)
    qtbot.waitUntil(lambda: button.text() == "API token: not set", timeout=5000)
    dialog.reject()


def test_no_keyring_backend_means_session_only(qtbot: Any, make_window: Any,
                                                emulator: Any) -> None:
    window = make_window(api_url=emulator.api_url)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = _open_dialog(qtbot, window)
        assert "until you close" in dialog.storage_note.text()
        dialog.entry.setText(TEST_TOKEN)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: "until you close" in dialog.result_label.text(), timeout=5000)
        qtbot.waitUntil(lambda: window.has_token, timeout=5000)
        dialog.reject()
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize("url", ["http://example.com", "ftp://x"])
def test_invalid_custom_url_is_refused_in_settings(qtbot: Any, make_window: Any,
                                                   url: str) -> None:
    window = make_window()
    window.dialogs.open_settings_dialog()
    dialog = window.dialogs.settings_dialog
    dialog.environment.setCurrentIndex(dialog.environment.findData("__custom__"))
    dialog.custom_url.setText(url)
    dialog._accept()
    assert dialog.isVisible()
    assert dialog.error.isVisibleTo(dialog)
    assert "http" in dialog.error.text()
    dialog.reject()


def test_settings_are_saved_and_applied(qtbot: Any, make_window: Any, emulator: Any) -> None:
    window = make_window()
    window.dialogs.open_settings_dialog()
    dialog = window.dialogs.settings_dialog
    dialog.environment.setCurrentIndex(dialog.environment.findData("__custom__"))
    dialog.custom_url.setText(emulator.base_url)
    dialog.locations_per_job.setValue(10)
    dialog.concurrent_jobs.setValue(2)
    dialog.threshold.setValue(55)
    dialog._accept()
    qtbot.waitUntil(lambda: window.services.settings_store.load().locations_per_job == 10,
                    timeout=5000)
    saved = window.services.settings_store.load()
    assert (saved.custom_api_url, saved.concurrent_jobs, saved.low_confidence_threshold) == (
        emulator.base_url, 2, 55)
    qtbot.waitUntil(lambda: emulator.base_url in window.server.api_label.text(), timeout=5000)
    assert "token" not in window.services.settings_store.path.read_text().lower()


def test_welcome_page_offers_the_token_dialog_until_a_token_is_set(
        qtbot: Any, make_window: Any, emulator: Any, memory_keyring: Any) -> None:
    window = make_window(api_url=emulator.api_url)
    welcome_button = window.findChild(QPushButton, "welcomeTokenButton")
    assert welcome_button.isVisibleTo(window)
    welcome_button.click()
    dialog = window.dialogs.token_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.findChild(QLineEdit, "tokenEntry").setText(TEST_TOKEN)
    dialog.findChild(QPushButton, "tokenSaveButton").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not welcome_button.isVisibleTo(window), timeout=5000)
    assert window.has_token
