"""The desktop GUI: the only package (besides app.py) that imports PySide6 or qasync."""

from ping_desktop.gui import qt_fixes as _qt_fixes

_qt_fixes.install()
