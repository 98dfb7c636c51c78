"""Turning one downloaded output into stored results: load its JSON, record it, parse, store.

This is the CPU-heavy end of a job (``json.load`` of a multi-MB file and the parse loop hold
the GIL for ~0.1 s at a time). The engine runs it through a pluggable callable
(``Engine(ingest=...)``): the CLI in a thread of its own process, the GUI in its worker process
(:meth:`ping_desktop.worker.pool.OffloadPool.ingest`) so the window's Qt thread never waits
for the GIL. Hence everything here is blocking, Qt-free, and crosses a process boundary:
the request, the outcome and the exceptions raised all pickle.

What the job needs from the store (its locations, their wanted sources, whether the output was
parsed already) is read here from the store itself, not sent along, so a request stays small
and a stale view of the caller can never skip a store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ping_desktop.engine.parsing import (
    OutputParseError,
    load_downloaded,
    parse_output_data,
    read_output,
)
from ping_desktop.storage.runstore import RunStore


class IngestLostError(Exception):
    """The process doing the ingest died before answering (e.g. out of memory). Nothing is
    lost: what was stored stays, and the output is parsed again from its file on resume."""

    default_message = (
        "The background worker stopped unexpectedly while saving results (perhaps out of "
        "memory). Nothing was lost: resume the run to save them."
    )

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


@dataclass(frozen=True)
class IngestRequest:
    """One output to ingest. ``output_id`` is None for a fresh download (recorded only once it
    parses), else the id of the output already recorded (resume, or a retry)."""

    store_path: Path
    run_id: int
    job_id: int
    filename: str
    url: str
    local_path: Path
    size: int
    sha256: str
    #: The run's sources: what a location asks for unless the job overrides it.
    sources: tuple[str, ...]
    output_id: int | None = None


@dataclass(frozen=True)
class IngestOutcome:
    """What the job keeps of an ingested output: the locations it holds and those with a
    failed or missing wanted source (the rows themselves are in the store)."""

    output_id: int
    locations: frozenset[str]
    problem_locations: frozenset[str]
    #: Result rows written now (0 when the output had been stored before).
    rows_stored: int


#: How the engine runs an ingest: the default is a thread of its own process.
Ingest = Callable[[IngestRequest], Awaitable[IngestOutcome]]

T = TypeVar("T")


def _direct(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


def ingest_output(store: RunStore, request: IngestRequest,
                  write: Callable[..., Any] = _direct) -> IngestOutcome:
    """Load, record (if new), parse and store (unless done before) one output (blocking).

    ``write(fn, *args)`` runs each store write: directly by default (the worker process), on
    the engine's database thread for the engine's in-thread ingest, so that thread stays the
    process's only writer and never waits for SQLite's write lock held by another thread.

    A fresh download that does not parse is deleted and raises
    :class:`~ping_desktop.api.OutputIncompleteError` (download it again; nothing is recorded).
    An already recorded output that cannot be read, or any output that is not the documented
    JSON object, raises :class:`~ping_desktop.engine.parsing.OutputParseError`.
    """
    job_id = request.job_id
    data: Any
    if request.output_id is None:
        data, fast = load_downloaded(request.local_path)
        output_id = write(store.record_output, job_id, request.filename, request.url,
                          request.local_path, request.size, request.sha256)
        already_parsed = False
    else:
        data, fast = read_output(request.local_path)
        output_id = request.output_id
        record = next((o for o in store.outputs(job_id) if o.id == output_id), None)
        already_parsed = record is not None and record.parsed
    locations = store.job_location_ids(job_id)
    # Only the per-location source overrides: rebuilding the whole payloads (5,000 JSON
    # objects) just for them cost ~0.1 s a job.
    overrides = store.job_source_overrides(job_id)
    wanted = {loc: overrides.get(loc, request.sources) for loc in locations}
    parsed = parse_output_data(data, set(locations), wanted, fast)
    del data
    stored = 0
    if not already_parsed:
        stored = write(store.store_result_rows, request.run_id, job_id, output_id,
                       parsed.rows, parsed.observed)
    return IngestOutcome(output_id, frozenset(parsed.locations),
                         frozenset(parsed.problem_locations), stored)


__all__ = [
    "Ingest",
    "IngestLostError",
    "IngestOutcome",
    "IngestRequest",
    "OutputParseError",
    "ingest_output",
]
