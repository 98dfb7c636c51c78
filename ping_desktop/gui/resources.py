"""The app icon as a QIcon. Finding the shipped files is :mod:`ping_desktop.resources`' job
(source checkout or PyInstaller bundle, and the plain message when one is missing)."""

from __future__ import annotations

import contextlib

from PySide6.QtGui import QIcon

from ping_desktop.resources import ResourceMissingError, app_icon_path, resources_root


def app_icon() -> QIcon:
    """The app icon from every bundled size (an empty icon if none is there)."""
    icon = QIcon()
    for png in sorted((resources_root() / "icons").glob("ping-desktop-*.png")):
        icon.addFile(str(png))
    # The PNGs suffice: a missing SVG must not stop the app from starting.
    with contextlib.suppress(ResourceMissingError):
        icon.addFile(str(app_icon_path()))
    return icon
