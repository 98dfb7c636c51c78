"""Composition root: builds the services and starts the window (placeholder for now)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ping-desktop``."""
    os.environ.setdefault("QT_API", "pyside6")
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(list(argv) if argv is not None else sys.argv)
    label = QLabel("Ping Desktop")
    label.show()
    return app.exec()
