"""Work-arounds for bugs in the Qt binding, installed once when ``ping_desktop.gui`` is imported.

PySide6 6.12.0 (seen with Python 3.11): ``SignalInstance.emit()`` returns ``True`` without
adding the reference it hands out. Every emit whose result is dropped (i.e. nearly all of them)
takes one reference away from the ``True`` singleton; after a few hundred emits (one progress
event is one emit) Python deallocates ``True`` and aborts with "Fatal Python error:
bool_dealloc" - mid-run or at exit. The fix is measured, not assumed: a probe emit checks
whether the returned bool came back without its reference, and only then ``emit`` is wrapped to
add it. On a fixed binding nothing is patched.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

log = logging.getLogger(__name__)

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None
_state = {"installed": False}


class _Probe(QObject):
    fired = Signal()


def emit_steals_bool_reference() -> bool:
    """True when ``emit()`` returns a bool without a reference of its own (the 6.12.0 bug)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    emit: Any = probe.fired.emit  # typed as returning None; it really returns a bool
    result = emit()
    after = sys.getrefcount(True)
    broken = result is True and after == before
    if broken:
        _incref(result)  # pay back the reference this probe itself is about to drop
    del result
    return broken


def install() -> bool:
    """Patch ``SignalInstance.emit`` if (and only if) the binding needs it; idempotent."""
    if _state["installed"]:
        return True
    if not emit_steals_bool_reference():
        return False
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        if result is True or result is False:
            _incref(result)
        return result

    SignalInstance.emit = emit  # type: ignore[method-assign]
    _state["installed"] = True
    log.info("Installed the SignalInstance.emit reference-count fix for this PySide6 build")
    return True
