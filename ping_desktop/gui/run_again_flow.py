"""History's *Run again…* carried out: the stored run is read (off the Qt thread), its input
found, and the File tab opens it with the run's choices (see :mod:`run_again`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject

from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.gui.file_flow import FileFlow
from ping_desktop.gui.run_again import RunAgainError, preset_for
from ping_desktop.session import AppServices

#: Shows a message box: (message, title).
ShowError = Callable[[str, str], object]


class RunAgainFlow(QObject):
    """Turns ``run_again(run_id)`` into the File tab showing that run's input, mapping and
    sources; ``show_file()`` brings the File tab forward, ``show_error`` says what went wrong."""

    def __init__(self, services: AppServices, tasks: TaskOwner, files: FileFlow,
                 show_file: Callable[[], object], show_error: ShowError,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services, self._tasks, self._files = services, tasks, files
        self._show_file, self._show_error = show_file, show_error

    def run_again(self, run_id: int) -> None:
        """Open run ``run_id``'s input again on the File tab (returns at once)."""
        self._tasks.start(self._run_again(run_id), "run-again", preempt=True)

    async def _run_again(self, run_id: int) -> None:
        store = self._services.run_store
        try:
            record = await asyncio.to_thread(store.get_run, run_id)
            preset = await asyncio.to_thread(preset_for, record)
        except KeyError:  # deleted meanwhile (another window, the CLI)
            self._show_error(f"Run {run_id} is no longer in the history.", "Cannot run again")
            return
        except RunAgainError as error:
            self._show_error(error.message, "Cannot run again")
            return
        self._show_file()
        self._files.run_again(preset)
