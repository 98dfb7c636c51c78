"""The first thing a user sees: the big drop target, and the demo offer when no token is set."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ping_desktop.gui.drop_zone import DropZone


class WelcomePage(QWidget):
    """Drop zone, and "Set API token…" + "Try the demo" while no API token is stored."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        heading = QLabel("Enrich a statement of values with Ping.Data")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone = DropZone(self)
        self.busy = QLabel()
        self.busy.setObjectName("busyLabel")
        self.busy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.busy.setVisible(False)

        self.demo_text = QLabel(
            "No API token set yet. Have one? Click Set API token… to enter it. No token? Try "
            "the app with a sample spreadsheet on the demo server: made-up results, nothing "
            "sent to Ping.Data, no credits used."
        )
        self.demo_text.setWordWrap(True)
        self.demo_button = QPushButton("Try the &demo")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setAccessibleName("Try the demo with synthetic data")
        # The status bar's token button is easy to miss on a first start: offer it here too.
        self.token_button = QPushButton("Set API &token…")
        self.token_button.setObjectName("welcomeTokenButton")
        self.token_button.setAccessibleName("Set the API token")
        self.demo_box = QWidget()
        demo_layout = QHBoxLayout(self.demo_box)
        demo_layout.addWidget(self.demo_text, 1)
        demo_layout.addWidget(self.token_button)
        demo_layout.addWidget(self.demo_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.addWidget(heading)
        layout.addSpacing(8)
        layout.addWidget(self.drop_zone, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.demo_box)

    def set_has_token(self, has_token: bool) -> None:
        """The token button and the demo are offered only to people without a token."""
        self.demo_box.setVisible(not has_token)

    def set_busy(self, text: str | None) -> None:
        """Show what is being read (None hides it)."""
        self.busy.setText(text or "")
        self.busy.setVisible(bool(text))
