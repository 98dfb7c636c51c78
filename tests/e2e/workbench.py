"""Creating a stored run in tests the one way the app does: through a workbench."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ping_desktop.storage.runstore import RunStore
from ping_desktop.worker.workbench import ThreadWorkbench


async def create_run(
    store: RunStore, path: Path, sources: Sequence[str], api_origin: str,
    locations_per_job: int, required: Mapping[str, Sequence[str]] | None = None,
    source_fields: Mapping[str, list[str]] | None = None,
) -> int:
    """Read, map (guessed), plan and store ``path`` as a new run in ``store``; its id."""
    bench = ThreadWorkbench()
    try:
        read = await bench.read(path)
        try:
            plan = await bench.plan(read.handle, read.mapping, sources, required or {})
            return await bench.create_run(
                read.handle, plan.plan_id, store_path=store.path,
                locations_per_job=locations_per_job, sources=sources, api_origin=api_origin,
                source_fields=source_fields)
        finally:
            await bench.release(read.handle)
    finally:
        bench.shutdown()
