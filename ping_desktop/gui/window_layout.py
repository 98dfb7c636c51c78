"""The main window's frame: the named tabs, the demo banner and the status bar's server label
and token button."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QTabWidget, QWidget

from ping_desktop.session import DEMO_LABEL


class Tab(Enum):
    """The window's tabs, in display order: (title with mnemonic)."""

    FILE = "1 · &File and sources"
    JOBS = "2 · &Jobs"
    HISTORY = "3 · &History"


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


def demo_banner() -> QLabel:
    """The yellow "Demo data" line above the tabs (hidden until demo mode)."""
    banner = QLabel(f"⚠ {DEMO_LABEL}. Nothing is sent to Ping.Data; no credits are used.")
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
            self.api_label.setText("Server: built-in emulator (demo)")
        else:
            self.api_label.setText(f"Server: {origin or '(invalid API URL: check Settings)'}")

    def show_token(self, has_token: bool) -> None:
        """Whether a token is stored for the configured API."""
        self.token_button.setText("API token: set ✓" if has_token else "API token: not set")
        self.token_button.setToolTip(
            "Change or remove the API token" if has_token else "Enter your API token")
