"""Where the wall time of a run goes, for ``enhance --timings`` and the benchmark.

Jobs run concurrently, so a phase's time is the length of the union of its intervals (the wall
time during which at least one job was in that phase), not their sum; ``waiting`` is the run's
wall time during which no job was doing client work (only the server was busy).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

CLIENT_PHASES = ("submit", "download", "parse")


def union_length(intervals: list[tuple[float, float]]) -> float:
    """Total length covered by possibly overlapping ``(start, end)`` intervals."""
    total = 0.0
    current_start: float | None = None
    current_end = 0.0
    for start, end in sorted(intervals):
        if current_start is None or start > current_end:
            if current_start is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_start is not None:
        total += current_end - current_start
    return total


class Timings:
    """Collects phase intervals and counts status requests."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._intervals: dict[str, list[tuple[float, float]]] = {}
        self._cpu: dict[str, float] = {}
        self._cpu_lock = threading.Lock()  # several worker threads add to the same phase
        self.status_requests = 0
        self._events: list[tuple[float, str]] = []

    @contextlib.contextmanager
    def measure(self, phase: str) -> Iterator[None]:
        """Record the time spent inside the ``with`` block under ``phase``."""
        start = self._clock()
        try:
            yield
        finally:
            self._intervals.setdefault(phase, []).append((start, self._clock()))

    @contextlib.contextmanager
    def measure_cpu(self, phase: str, clock: Callable[[], float] = time.thread_time
                    ) -> Iterator[None]:
        """Add the CPU time spent inside the ``with`` block to ``phase``'s CPU seconds. The
        default clock is the calling thread's: use it around blocking work in a worker thread
        (CPU seconds barely depend on how loaded a shared machine is; wall times do)."""
        start = clock()
        try:
            yield
        finally:
            spent = clock() - start
            with self._cpu_lock:
                self._cpu[phase] = self._cpu.get(phase, 0.0) + spent

    def mark(self, event: str) -> None:
        """Note that ``event`` happened now, for :meth:`timeline` (thread-safe: a list append)."""
        self._events.append((self._clock(), event))

    def timeline(self) -> list[tuple[float, str]]:
        """The marked events in time order, each with its clock reading. The default clock
        (``perf_counter``, the system's monotonic clock on Linux and Windows) reads the same
        in every process, so a parent that noted when it started this one can place them."""
        return sorted(self._events)

    def add(self, phase: str, start: float, end: float) -> None:
        """Record an interval measured elsewhere (same clock)."""
        self._intervals.setdefault(phase, []).append((start, end))

    def seconds(self, phase: str) -> float:
        """Wall time during which ``phase`` was active."""
        return union_length(self._intervals.get(phase, []))

    def waiting(self, run_phase: str = "run") -> float:
        """Wall time of ``run_phase`` not covered by any client phase."""
        run = union_length(self._intervals.get(run_phase, []))
        busy = union_length([iv for p in CLIENT_PHASES for iv in self._intervals.get(p, [])])
        return max(0.0, run - busy)

    def report(self) -> dict[str, float | int]:
        """Every phase's seconds (rounded), its CPU seconds where measured (``<phase>_cpu``),
        plus ``waiting`` and ``status_requests``."""
        out: dict[str, float | int] = {p: round(self.seconds(p), 3) for p in self._intervals}
        out.update({f"{p}_cpu": round(cpu, 3) for p, cpu in self._cpu.items()})
        if "run" in self._intervals:
            out["waiting"] = round(self.waiting(), 3)
        out["status_requests"] = self.status_requests
        return out
