"""Tell the user a run finished while the window was in the background: a tray message where
the desktop has a system tray, otherwise the taskbar/dock alert."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget

log = logging.getLogger(__name__)


class Notifier:
    """Shows desktop notifications for ``window``; remembers the last one (for tests/logs)."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        self.last: tuple[str, str] | None = None

    def notify(self, title: str, message: str) -> None:
        """Notify only when the window is not the active one (the user is elsewhere)."""
        if self.window.isActiveWindow():
            return
        self.last = (title, message)
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                icon = self.window.windowIcon()
                if icon.isNull():
                    icon = self.window.style().standardIcon(
                        QStyle.StandardPixmap.SP_DialogApplyButton
                    )
                self.tray = QSystemTrayIcon(icon, self.window)
                self.tray.setToolTip("Ping Desktop")
                self.tray.messageClicked.connect(self._raise)
                self.tray.show()
            self.tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 10_000)
        else:
            QApplication.alert(self.window, 0)
        log.info("Notified: %s", title)

    def _raise(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def close(self) -> None:
        """Remove the tray icon."""
        if self.tray is not None:
            self.tray.hide()
            self.tray = None
