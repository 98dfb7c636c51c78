"""Everything one emulator instance remembers: config, faults, jobs, usage and statistics."""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ping_desktop.emulator.config import EmulatorConfig, Faults
from ping_desktop.emulator.jobs import JobStore
from ping_desktop.emulator.usage import UsageLog

_ROUTES = (
    ("POST", re.compile(r"^/api/v1/bulk_enhance/?$"), "POST /bulk_enhance"),
    (
        "GET",
        re.compile(r"^/api/v1/bulk_enhance/[^/]+/output/[^/]+$"),
        "GET /bulk_enhance/{id}/output/{filename}",
    ),
    ("GET", re.compile(r"^/api/v1/bulk_enhance/[^/]+/?$"), "GET /bulk_enhance/{id}"),
    ("GET", re.compile(r"^/api/v1/enhance/?$"), "GET /enhance"),
    ("GET", re.compile(r"^/api/v1/datasources/?$"), "GET /datasources"),
    ("GET", re.compile(r"^/api/v1/datasources/[^/]+/?$"), "GET /datasources/{code}"),
    ("GET", re.compile(r"^/api/v1/usage/?$"), "GET /usage"),
)
LOG = logging.getLogger(__name__)
STATUS_ROUTE = "GET /bulk_enhance/{id}"
OUTPUT_ROUTE = "GET /bulk_enhance/{id}/output/{filename}"
ENHANCE_ROUTE = "GET /enhance"


def route_name(method: str, path: str) -> str:
    """A stable name for the endpoint a request targets (ids replaced by placeholders)."""
    for verb, pattern, name in _ROUTES:
        if method == verb and pattern.match(path):
            return name
    return "other"


class Stats:
    """Counters tests read to prove what reached the server (e.g. no duplicate submissions)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter (jobs themselves are kept)."""
        with self._lock:
            self.jobs_created = 0
            self.jobs_failed = 0
            self.locations_received = 0
            self.authorization_failures = 0
            self.requests_by_route: Counter[str] = Counter()
            self.faults_injected: Counter[str] = Counter()

    def count_request(self, route: str) -> None:
        """Record that a request for `route` arrived (faulted or not)."""
        with self._lock:
            self.requests_by_route[route] += 1

    def count_fault(self, name: str) -> None:
        """Record that a fault was injected."""
        with self._lock:
            self.faults_injected[name] += 1

    def count_job(self, locations: int, will_fail: bool) -> None:
        """Record a created job."""
        with self._lock:
            self.jobs_created += 1
            self.locations_received += locations
            self.jobs_failed += int(will_fail)

    def count_auth_failure(self) -> None:
        """Record a 401."""
        with self._lock:
            self.authorization_failures += 1

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of the counters."""
        with self._lock:
            by_route = dict(self.requests_by_route)
            return {
                "jobs_created": self.jobs_created,
                "jobs_failed": self.jobs_failed,
                "locations_received": self.locations_received,
                "status_requests": by_route.get(STATUS_ROUTE, 0),
                "output_requests": by_route.get(OUTPUT_ROUTE, 0),
                "enhance_requests": by_route.get(ENHANCE_ROUTE, 0),
                "requests_by_route": by_route,
                "authorization_failures": self.authorization_failures,
                "faults_injected": dict(self.faults_injected),
            }


@dataclass
class EmulatorState:
    """The mutable world of one emulator app."""

    config: EmulatorConfig
    faults: Faults
    jobs: JobStore = field(default_factory=JobStore)
    usage: UsageLog = field(default_factory=UsageLog)
    stats: Stats = field(default_factory=Stats)
    _queue: queue.SimpleQueue[Callable[[], None] | None] | None = field(default=None, repr=False)

    def precompute(self, work: Callable[[], None]) -> None:
        """Run `work` on the one background thread that prepares job results in FIFO order.

        One thread leaves the GIL to the event loop (and to an in-process client) most of the
        time; a request that needs a result before its turn computes it itself (the job's lock
        prevents doing it twice). The thread is a daemon: it never delays interpreter exit.
        """
        if self._queue is None:
            self._queue = queue.SimpleQueue()
            worker = threading.Thread(
                target=_drain, args=(self._queue,), name="emulator-results", daemon=True
            )
            worker.start()
        self._queue.put(work)

    def shutdown(self) -> None:
        """Stop the background thread after its current item; queued work is dropped."""
        if self._queue is not None:
            pending = self._queue
            self._queue = None
            while True:
                try:
                    pending.get_nowait()
                except queue.Empty:
                    break
            pending.put(None)

    def allowed(self, code: str) -> bool:
        """Whether the account may use this source."""
        allowed = self.config.allowed_sources
        return allowed is None or code in {c.upper() for c in allowed}


def _drain(items: queue.SimpleQueue[Callable[[], None] | None]) -> None:
    while (work := items.get()) is not None:
        try:
            work()
        except Exception:  # a request will recompute and report it; never kill the worker
            LOG.exception("Preparing job results failed")
