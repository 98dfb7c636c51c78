"""Null standard streams for programs started without them (the windowed Windows build).

A Windows program built without a console (``ping-desktop.exe``) starts with ``sys.stdout``,
``sys.stderr`` and ``sys.stdin`` set to ``None`` and no valid C-level descriptors 0-2; so does
any Python process started with those descriptors closed. Then ``sys.stdout.flush()``, a stray
``print(..., file=sys.stderr)``, ``warnings.warn`` in some paths, or a ``logging.StreamHandler``
created with the default stream fail or vanish.

:func:`install` gives every missing stream a writable null device, at the descriptor level too:
otherwise the next file the app opens (a log, the SQLite run store) would be handed descriptor 1
or 2, and anything C code (Qt's warnings) writes to "stderr" would land in that file.

The frozen entry points (``packaging/entry_gui.py``, ``packaging/entry_cli.py``) call it before
anything else, so this module imports nothing of the app and nothing outside the standard
library.
"""

from __future__ import annotations

import os
import sys
from typing import Literal, TextIO

__all__ = ["install"]

_STD_FDS = (0, 1, 2)


def _fd_is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _reserve_descriptors() -> None:
    """Point each closed descriptor 0-2 at the null device (a no-op where all are open)."""
    for fd in _STD_FDS:
        if _fd_is_open(fd):
            continue
        mode = os.O_RDONLY if fd == 0 else os.O_WRONLY
        try:
            null = os.open(os.devnull, mode)
        except OSError:
            return
        if null != fd:
            # os.open returns the lowest free descriptor, which is normally fd itself; if a
            # lower one was free as well it was filled in an earlier round of this loop.
            try:
                os.dup2(null, fd)
            except OSError:
                pass
            finally:
                os.close(null)


def _null_text(mode: Literal["r", "w"]) -> TextIO:
    # UTF-8 and errors="replace" so no text, whatever it holds, can fail to "print".
    return open(os.devnull, mode, encoding="utf-8", errors="replace")


def install() -> list[str]:
    """Give every missing standard stream a null device; returns the names replaced.

    Streams that exist are left alone (a console build, a terminal, a redirected file), so this
    is safe to call in every program at start-up.
    """
    replaced: list[str] = []
    if sys.stdin is None or sys.stdout is None or sys.stderr is None:
        _reserve_descriptors()
    if sys.stdin is None:
        sys.stdin = _null_text("r")
        replaced.append("stdin")
    if sys.stdout is None:
        sys.stdout = _null_text("w")
        replaced.append("stdout")
    if sys.stderr is None:
        sys.stderr = _null_text("w")
        replaced.append("stderr")
    return replaced
