"""Locating the files shipped next to the code (icons, the demo's sample SOV).

From a source checkout they live in ``<repo>/resources``; in a PyInstaller bundle the spec copies
that folder to ``<bundle>/resources`` and the bootloader points ``sys._MEIPASS`` at the bundle
(on macOS at ``Contents/Frameworks``, where PyInstaller links the data files from
``Contents/Resources``). Callers ask for a path by its parts and never see the difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_ICON = ("icons", "ping-desktop.svg")
SAMPLE_SOV = ("sample", "sample-sov.xlsx")


class ResourceMissingError(FileNotFoundError):
    """A file that ships with the app is not where it should be (a broken installation)."""


def resources_root() -> Path:
    """Return the folder holding the shipped resources, frozen or from source."""
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Return the path of a shipped file, e.g. ``resource_path("sample", "sample-sov.xlsx")``.

    Raises :class:`ResourceMissingError` with a message a person can act on when the file is
    absent, instead of letting a later open() fail with a bare path.
    """
    path = resources_root().joinpath(*parts)
    if not path.exists():
        relative = "/".join(parts)
        raise ResourceMissingError(
            f"Ping Desktop is missing one of its own files ({relative}). "
            "Reinstall the app to restore it."
        )
    return path


def app_icon_path(size: int | None = None) -> Path:
    """Return the app icon: the SVG by default, or the rendered PNG of ``size`` pixels.

    PNG sizes available: 16, 24, 32, 48, 64, 128, 256, 512. The SVG needs Qt's svg
    image-format/icon-engine plugins, which the bundle ships; the PNGs need nothing extra.
    """
    if size is None:
        return resource_path(*APP_ICON)
    return resource_path("icons", f"ping-desktop-{size}.png")


def sample_sov_path() -> Path:
    """Return the synthetic statement of values used by the demo mode and the self-test."""
    return resource_path(*SAMPLE_SOV)
