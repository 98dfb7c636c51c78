"""Runs and jobs against the Ping.Data Bulk Enhance API: planning, submitting, adaptive polling,
downloads, resume after a crash, cancel and retry of failed rows. No Qt.

``Engine`` is imported lazily: the run store imports :mod:`ping_desktop.engine.events`, and the
engine imports the run store, so importing the store first must not pull the engine in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ping_desktop.engine.runner import Engine, EngineError

__all__ = ["Engine", "EngineError"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ping_desktop.engine import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
