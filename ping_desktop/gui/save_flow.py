""" "Save results…": a save dialog opened without blocking, then the export in the background.

With a :class:`~ping_desktop.worker.workbench.Workbench` (the window passes its
:class:`~ping_desktop.worker.pool.OffloadPool`) the export runs in the worker process:
merging and writing 100,000 rows holds the GIL for long stretches, which in a thread would
freeze the window. Without one it runs in a worker thread.

The dialog is shown with ``open()`` and answered through its signals, never ``exec()``: a
nested event loop inside the qasync loop can hang the app (engineering notes §3). Overwriting an
existing file is confirmed by the dialog itself (``DontConfirmOverwrite`` is left unset).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Literal

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ping_desktop.export import ExportError
from ping_desktop.export.from_store import export_raw, export_run
from ping_desktop.storage.runstore import RunStore
from ping_desktop.worker.workbench import Workbench

log = logging.getLogger(__name__)

XLSX_FILTER = "Excel workbook (*.xlsx)"
CSV_FILTER = "CSV (*.csv)"
RAW_FILTER = "Raw JSON output files (*.json)"
_SUFFIX_OF_FILTER = {XLSX_FILTER: "xlsx", CSV_FILTER: "csv", RAW_FILTER: "json"}
Format = Literal["xlsx", "csv", "json"]


class SaveResultsFlow(QObject):
    """Ask where to save run ``run_id`` and write it there, without freezing the window.

    Emits ``saving(str)`` with the target when writing starts, then exactly one of
    ``finished(object)`` (the saved :class:`Path`, or ``None`` if the user cancelled) or
    ``failed(str)`` (a plain message, e.g. the target is open in Excel). For raw JSON, the chosen
    name becomes a folder holding copies of the run's output files, and ``finished`` carries it.
    Tests replace :meth:`create_dialog` to make the dialog "return" a path.
    """

    saving = Signal(str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self, parent_widget: QWidget | None, store: RunStore, run_id: int, last_dir: str | None,
        *, offload: Workbench | None = None,
    ) -> None:
        super().__init__(parent_widget)
        self._offload = offload
        self._parent_widget = parent_widget
        self._store = store
        self._run_id = run_id
        self._last_dir = last_dir
        self.dialog: QFileDialog | None = None
        self.task: asyncio.Task[None] | None = None
        #: The folder the user saved into (for remembering "last folder"); None until saved.
        self.saved_dir: Path | None = None

    def default_path(self) -> Path:
        """``<input stem>-enriched.xlsx`` in the last folder used, else next to the input."""
        run = self._store.get_run(self._run_id)
        stem = Path(run.file_name).stem or "results"
        folder = Path(self._last_dir) if self._last_dir else run.input_path.parent
        if not folder.is_dir():
            folder = Path.home()
        return folder / f"{stem}-enriched.xlsx"

    def create_dialog(self) -> QFileDialog:
        """The save dialog, configured but not shown (tests override this)."""
        default = self.default_path()
        dialog = QFileDialog(self._parent_widget, "Save results")
        dialog.setObjectName("saveResultsDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([XLSX_FILTER, CSV_FILTER, RAW_FILTER])
        dialog.selectNameFilter(XLSX_FILTER)
        dialog.setDefaultSuffix("xlsx")
        dialog.setDirectory(str(default.parent))
        dialog.selectFile(default.name)
        dialog.filterSelected.connect(self._on_dialog_filter_selected)
        return dialog

    def start(self) -> None:
        """Show the dialog (non-blocking); the rest happens when the user answers."""
        dialog = self.create_dialog()
        self.dialog = dialog
        dialog.fileSelected.connect(self._on_dialog_file_selected)
        dialog.rejected.connect(self._on_dialog_rejected)
        dialog.open()

    def save_to(self, path: Path, fmt: Format | None = None) -> asyncio.Task[None]:
        """Write the run to ``path`` (format from ``fmt``, else the suffix) in the background."""
        fmt = fmt or _format_of(path) or "xlsx"
        self.task = asyncio.ensure_future(self._save(Path(path), fmt))
        return self.task

    # ----- dialog answers ----------------------------------------------------------------------

    def _on_dialog_filter_selected(self, name_filter: str) -> None:
        dialog = self.dialog
        suffix = _SUFFIX_OF_FILTER.get(name_filter)
        if dialog is None or suffix is None:
            return
        dialog.setDefaultSuffix(suffix)
        stem = self.default_path().stem
        dialog.selectFile(f"{stem}-raw-outputs" if suffix == "json" else f"{stem}.{suffix}")

    def _on_dialog_file_selected(self, chosen: str) -> None:
        path = Path(chosen)
        dialog = self.dialog
        fmt = _format_of(path)
        if fmt is None and dialog is not None:
            fmt = _format_of_filter(dialog.selectedNameFilter())
        self.save_to(path, fmt)

    def _on_dialog_rejected(self) -> None:
        self.finished.emit(None)

    # ----- the export --------------------------------------------------------------------------

    async def _save(self, path: Path, fmt: Format) -> None:
        target = _raw_folder(path) if fmt == "json" else path
        self.saving.emit(str(target))
        try:
            if self._offload is not None:
                await self._offload.export(self._store.path, self._run_id, target, fmt)
            elif fmt == "json":
                await asyncio.to_thread(export_raw, self._store, self._run_id, target)
            else:
                await asyncio.to_thread(export_run, self._store, self._run_id, target, fmt)
        except ExportError as exc:
            self._emit_failed(exc.message)
            return
        except OSError as exc:
            log.warning("Saving results failed: %s", exc)
            self._emit_failed(
                f"{target.name} could not be saved ({exc.strerror or 'system error'}). "
                "Choose another folder or name."
            )
            return
        except Exception:
            log.exception("Unexpected error while saving results")
            self._emit_failed(
                f"{target.name} could not be saved because of an unexpected error. "
                "Try again; if it keeps failing, export diagnostics and contact support."
            )
            return
        self.saved_dir = target.parent
        if shiboken6.isValid(self):
            self.finished.emit(target)

    def _emit_failed(self, message: str) -> None:
        # The window may have closed while the worker thread was writing.
        if shiboken6.isValid(self):
            self.failed.emit(message)


def _format_of(path: Path) -> Format | None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    return None


def _format_of_filter(name_filter: str) -> Format | None:
    suffix = _SUFFIX_OF_FILTER.get(name_filter)
    return _format_of(Path(f"x.{suffix}")) if suffix else None


def _raw_folder(path: Path) -> Path:
    """Raw outputs go into a folder: the chosen folder itself, or one named like the file."""
    if path.is_dir():
        return path
    return path.with_suffix("") if path.suffix.lower() == ".json" else path
