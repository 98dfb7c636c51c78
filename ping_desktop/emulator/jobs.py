"""Bulk enhance jobs: a lifecycle computed from timestamps, results computed once and cached.

No background worker runs: a job's status at any moment follows from when it was requested,
the processing rate and its size. Results are generated the first time they are needed (the
first status poll that sees progress, or the first download) and then kept only as the output
file's bytes plus a prefix count of problem locations, so each later poll costs O(1).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from ping_desktop.emulator.results import enhance_location

PENDING, QUEUED, IN_PROGRESS, COMPLETE, FAILED = (
    "PENDING",
    "QUEUED",
    "IN_PROGRESS",
    "COMPLETE",
    "FAILED",
)


def iso(ts: float) -> str:
    """ISO-8601 UTC with milliseconds and a Z, as the service writes timestamps."""
    moment = dt.datetime.fromtimestamp(ts, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Job:
    """One bulk enhance request and everything needed to answer for it."""

    id: str
    locations: list[dict[str, Any]] | None
    codes: list[list[str]]
    requested_at: float
    rate: float
    queue_seconds: float
    seed: int
    will_fail: bool = False
    failing_sources: frozenset[str] = frozenset()
    include_raw_response: bool = False
    check_cache: bool = True
    problem_prefix: list[int] | None = None
    source_stats: list[dict[str, Any]] | None = None
    output: bytes | None = field(default=None, repr=False)  # gzip-compressed JSON
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def ready(self) -> bool:
        """Whether results are generated (then status and downloads cost no computation)."""
        return self.output is not None

    @property
    def size(self) -> int:
        """Number of locations requested."""
        return len(self.codes)

    @property
    def filename(self) -> str:
        """The one output file's name."""
        return f"output-data-{self.id}.json"

    def _timeline(self) -> tuple[float, float, int]:
        """(processing start, end, locations completed at the end)."""
        done = self.size // 2 if self.will_fail else self.size
        if self.rate <= 0:
            return self.requested_at, self.requested_at, done
        started = self.requested_at + max(0.0, self.queue_seconds)
        return started, started + done / self.rate, done

    def state(self, now: float) -> tuple[str, int]:
        """(status, locations completed) at `now`."""
        started, end, done = self._timeline()
        if now >= end:
            return (FAILED if self.will_fail else COMPLETE), done
        if now < started:
            return (PENDING if now < self.requested_at + self.queue_seconds / 2 else QUEUED), 0
        return IN_PROGRESS, min(done, int((now - started) * self.rate))

    def materialise(self) -> None:
        """Generate every location's results once; keep only bytes and counters.

        Thread-safe: the server may run it in a worker thread while a request waits for it.
        """
        with self._lock:
            if self.output is None and self.locations is not None:
                self._generate()

    def _generate(self) -> None:
        assert self.locations is not None
        payload: dict[str, Any] = {}
        prefix = [0]
        stats: dict[str, list[float]] = {}
        fails: dict[str, int] = {}
        for location, codes in zip(self.locations, self.codes, strict=True):
            result = enhance_location(
                location,
                codes,
                seed=self.seed,
                failing_sources=self.failing_sources,
                include_raw_response=self.include_raw_response,
                check_cache=self.check_cache,
            )
            payload[str(location["id"])] = result.entries
            prefix.append(prefix[-1] + int(result.problem))
            for code, entry in result.entries.items():
                stats.setdefault(code, []).append(float(entry["fetch_time"]))
                fails[code] = fails.get(code, 0) + int(not entry["is_success"])
        self.problem_prefix = prefix
        self.source_stats = _source_stats(stats, fails)
        # Kept gzip-compressed: ~8x less memory for 100,000-location runs, and served as is to
        # clients that accept gzip (as the official client does).
        self.output = gzip.compress(json.dumps(payload).encode(), compresslevel=1, mtime=0)
        self.locations = None  # the bytes are all that is needed from now on

    def status_body(self, now: float, origin: str) -> dict[str, Any]:
        """The JSON answer of GET /bulk_enhance/{id} at `now`."""
        status, completed = self.state(now)
        started, end, _ = self._timeline()
        problems = 0
        if completed:
            self.materialise()
            problems = self.problem_prefix[completed] if self.problem_prefix else 0
        terminal = status in (COMPLETE, FAILED)
        body: dict[str, Any] = {
            "request": {
                "status": status,
                "requested_at": iso(self.requested_at),
                "progress_started_at": iso(started) if now >= started else None,
                "completed_at": iso(end) if terminal else None,
                "num_requested": self.size,
                "num_completed": completed,
                "num_problems": problems,
                "num_canceled": 0,
            }
        }
        if status == COMPLETE:
            self.materialise()
            url = f"{origin}/api/v1/bulk_enhance/{self.id}/output/{self.filename}"
            body["result"] = {
                "status": "SUCCESS",
                "message": "Success.",
                "total_processing_time": round(end - self.requested_at, 3),
                "outputs": [{"url": url, "filename": self.filename, "description": "Data file 1"}],
                "sources": self.source_stats or [],
            }
        return body


def _source_stats(durations: dict[str, list[float]], fails: dict[str, int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for code, times in durations.items():
        out.append(_stat(code, times, fails.get(code, 0)))
        if code == "PG":
            # The service reports a PG pre-processing step as its own source (workflow example).
            out.append(_stat("PGPRE", [0.079] * len(times), 0))
    return out


def _stat(code: str, times: list[float], fails: int) -> dict[str, Any]:
    measured = any(t > 0 for t in times)
    return {
        "source": code,
        "num_fetched": len(times),
        "num_successes": len(times) - fails,
        "num_fails": fails,
        "avg_fetch_duration": round(sum(times) / len(times), 4) if measured else None,
        "max_fetch_duration": max(times) if measured else None,
        "min_fetch_duration": min(times) if measured else None,
        "total_fetch_duration": round(sum(times), 3),
    }


class JobStore:
    """All jobs of one emulator, by id."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}

    def create(
        self,
        locations: list[dict[str, Any]],
        codes: list[list[str]],
        *,
        rate: float,
        queue_seconds: float,
        seed: int,
        **options: Any,
    ) -> Job:
        """Register a new job, starting its clock now."""
        job = Job(
            id=str(uuid.uuid4()),
            locations=locations,
            codes=codes,
            requested_at=time.time(),
            rate=rate,
            queue_seconds=queue_seconds,
            seed=seed,
            **options,
        )
        self._jobs[job.id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if any."""
        return self._jobs.get(job_id)

    def __len__(self) -> int:
        return len(self._jobs)

    def clear(self) -> None:
        """Forget every job."""
        self._jobs.clear()
