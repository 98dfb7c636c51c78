"""Where bundled resources live: next to the source tree, or inside a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon


def resource_path(*parts: str) -> Path:
    """``resources/<parts>`` from the source checkout or the frozen bundle (``sys._MEIPASS``)."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    return base.joinpath("resources", *parts)


def app_icon() -> QIcon:
    """The app icon from every bundled size (an empty icon if none is there)."""
    icon = QIcon()
    folder = resource_path("icons")
    for png in sorted(folder.glob("ping-desktop-*.png")):
        icon.addFile(str(png))
    svg = folder / "ping-desktop.svg"
    if svg.exists():
        icon.addFile(str(svg))
    return icon
