"""The main window's frame: the named tabs, the demo banner and the status bar's server label
and token button."""

from __future__ import annotations

import base64
import logging
from enum import Enum

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QTabWidget, QWidget

log = logging.getLogger(__name__)

#: Room left around the first size for the window manager's borders and title bar.
_FRAME_ALLOWANCE = (8, 40)


class Tab(Enum):
    """The window's tabs, in display order: (title with mnemonic). Alt+1..3: the letters
    would clash with the menu bar's File and Help."""

    FILE = "&1 · File and sources"
    JOBS = "&2 · Jobs"
    HISTORY = "&3 · History"


class MainTabs(QTabWidget):
    """The three tabs, shown by name (:class:`Tab`), never by number."""

    def __init__(self, pages: dict[Tab, QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainTabs")
        self._pages = dict(pages)
        for tab in Tab:
            self.addTab(self._pages[tab], tab.value)

    def show_tab(self, tab: Tab) -> None:
        """Bring ``tab`` to the front."""
        self.setCurrentWidget(self._pages[tab])


def fit_default_size(window: QWidget, width: int, height: int) -> None:
    """Give ``window`` its first size, shrunk to the screen's free area when smaller."""
    # On a 1024x640 display a 1180-wide window put the sources list and half the jobs table
    # off screen.
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        # resize() sizes the inside; the title bar and borders come on top of it.
        width = min(width, room.width() - _FRAME_ALLOWANCE[0])
        height = min(height, room.height() - _FRAME_ALLOWANCE[1])
    window.resize(width, height)


def restore_geometry(window: QWidget, raw: str | None) -> None:
    """Put ``window`` back where it was (``raw``: the saved geometry, base64)."""
    if raw:
        try:
            window.restoreGeometry(QByteArray(base64.b64decode(raw)))
        except ValueError:  # binascii.Error is one
            log.warning("Ignoring unreadable window geometry")


def demo_banner() -> QLabel:
    """The yellow "Demo data" line above the tabs (hidden until demo mode)."""
    banner = QLabel("⚠ Demo data — made-up results from the demo server on this computer. "
                    "Nothing is sent to Ping.Data; no credits are used.")
    banner.setObjectName("demoBanner")
    banner.setWordWrap(True)
    banner.setStyleSheet(
        "#demoBanner { background: #fff3cd; color: #664d03; padding: 6px 10px;"
        " border: 1px solid #e0c060; border-radius: 4px; font-weight: bold; }"
    )
    banner.setVisible(False)
    return banner


class ServerStatus:
    """The status bar's permanent widgets: which server, and the API token button."""

    def __init__(self, bar: QStatusBar) -> None:
        self._has_token = False
        self._check = ""
        self.token_button = QPushButton("API token: checking…")
        self.token_button.setObjectName("tokenButton")
        self.token_button.setAccessibleName("API token")
        self.token_button.setFlat(True)
        self.api_label = QLabel()
        self.api_label.setObjectName("apiLabel")
        bar.addPermanentWidget(self.api_label)
        bar.addPermanentWidget(self.token_button)

    def show_server(self, origin: str | None, demo: bool) -> None:
        """Name the server in use (``origin`` None: the configured API URL is invalid)."""
        if demo:
            self.api_label.setText("Server: demo server on this computer")
        else:
            self.api_label.setText(f"Server: {origin or '(invalid API URL: check Settings)'}")

    def show_token(self, has_token: bool) -> None:
        """Whether a token is stored for the configured API (with the last check's answer)."""
        self._has_token = has_token
        if not has_token:
            text, tip = "API token: not set", "Enter your API token"
        elif self._check == "verified":
            text, tip = "API token: verified ✓", "The server accepted this token"
        elif self._check == "rejected":
            text, tip = ("API token: rejected ✗",
                         "The server did not accept this token: click to enter a new one")
        else:
            text, tip = ("API token: saved, not verified yet",
                         "Use Test connection in the token dialog to check it")
        self.token_button.setText(text)
        self.token_button.setToolTip(tip)

    def show_token_check(self, check: str) -> None:
        """What the server last said of the token: "verified", "rejected" or "" (not yet
        asked, e.g. a new token or another server)."""
        self._check = check
        self.show_token(self._has_token)
