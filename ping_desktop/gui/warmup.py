"""Import the heavy modules the window needs later in a worker thread, right after start-up.

A module imported for the first time on the Qt thread stalls the window: importing is slow in
itself, and PySide6's ``__feature__`` import hook reads each new module's source on top. Doing
it here, in the background, keeps the first file read, the first run and the first save smooth.

Afterwards the heap is frozen (:func:`freeze_heap`): a full garbage collection walks every
tracked object of the process, and with Qt, httpx and the rest loaded that alone took 40-380 ms
in the middle of a run, holding the GIL the Qt thread needs.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import time

from ping_desktop.worker.pool import OffloadPool

log = logging.getLogger(__name__)

#: Imported lazily elsewhere (inside functions or by libraries on first use).
MODULES = (
    "ping_desktop.engine.runner",
    "ping_desktop.engine.jobflow",
    "ping_desktop.export.from_store",
    "ping_desktop.export",
    "ping_desktop.intake.plan",
    "ping_desktop.storage.diagnostics",
    "ping_desktop.emulator.server",
    "httpcore._async.http11",
    "httpcore._async.connection_pool",
    "h11",
    "anyio._backends._asyncio",
    "truststore",
    "gzip",
    "openpyxl",
    "xlsxwriter",
)


def warm_imports() -> float:
    """Import :data:`MODULES` (missing ones are skipped); returns the seconds it took."""
    started = time.perf_counter()
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # an optional module may be absent in a frozen build
            log.debug("Warm-up import of %s skipped (%s)", name, type(exc).__name__)
    try:
        # Loading the trust store is the slow part of a first HTTPS client.
        import ssl

        ssl.create_default_context()
    except Exception:  # only a warm-up
        log.debug("Warm-up of the TLS context failed", exc_info=True)
    freeze_heap()
    return time.perf_counter() - started


_frozen = False


def freeze_heap() -> None:
    """Once per process: collect, then move every object alive now (modules, classes, the
    window's long-lived objects) out of the collector's sight. Later collections only walk
    objects made afterwards; reference counting still frees everything as usual."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()


def warm_widgets() -> float:
    """Show a throw-away mapping panel once, off screen, on the Qt thread; returns the seconds.

    The first combo box a delegate creates makes PySide6 build some sixty enum classes of the
    widget module (~20 ms), and a first table paint loads fonts and style caches: paid here at
    start-up, not in the middle of showing the user's first file.
    """
    from pathlib import Path

    from ping_desktop.gui.mapping_panel import MappingPanel
    from ping_desktop.intake.model import ColumnMapping
    from ping_desktop.worker.contract import TablePreview

    started = time.perf_counter()
    columns = ("Location", "Street", "City", "State", "ZIP")
    preview = TablePreview(Path("warm-up.csv"), "", ("",), 1, columns,
                           [("1", "1 Main St", "Springfield", "IL", "62701")], [2], (), 1)
    panel = MappingPanel()
    try:
        panel.show_table(preview, [""], ColumnMapping())
        panel.staged.finish_now()
        panel.grab()
    finally:
        panel.deleteLater()
    return time.perf_counter() - started


async def warm_up() -> None:
    """Import the heavy modules in a thread, then build the widgets' first instances here."""
    took = await asyncio.to_thread(warm_imports)
    took += warm_widgets()
    log.debug("Warm-up took %.2f s", took)


async def start_worker_early(offload: OffloadPool) -> None:
    """Start the worker process ahead: it takes a moment, and a file may be dropped soon."""
    try:
        await offload.start()
    except Exception:  # only a head start: the first read starts it again and reports
        log.warning("The background worker could not be started ahead", exc_info=True)
