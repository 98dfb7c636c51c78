"""Settings of the Ping.Data emulator: the fixed configuration and the switchable faults.

`EmulatorConfig` is chosen when the emulator starts. `Faults` can be changed while it runs
(from tests, through `EmulatorServer.set_faults` or `POST /__emulator__/faults`); each counter
is consumed by one matching request, so a test can say "the next two requests are throttled".
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

#: Values of `Faults.truncate_mode`.
TRUNCATE_DISCONNECT = "disconnect"
TRUNCATE_SHORT_BODY = "short_body"


@dataclass
class EmulatorConfig:
    """How the emulator behaves for its whole life.

    `locations_per_second` is the processing rate of a job; 0.0 means instant (a job is COMPLETE
    as soon as it exists). `queue_seconds` is the time a job spends PENDING then QUEUED before
    IN_PROGRESS (ignored when the rate is 0). `allowed_sources` None means the account may use
    every source; otherwise other sources are refused with 403 and hidden from /datasources.
    """

    tokens: frozenset[str] = frozenset({"demo"})
    locations_per_second: float = 50.0
    queue_seconds: float = 0.5
    max_locations_per_job: int = 1000
    allowed_sources: frozenset[str] | None = None
    seed: int = 0
    #: Largest accepted request body (after gzip decoding), like a reverse proxy's limit.
    max_body_bytes: int = 64 * 1024 * 1024
    #: The "username" the usage endpoint reports for every token.
    username: str = "emulator-user"
    #: Generate a job's results in a worker thread as soon as it is created (off the event
    #: loop); when False they are generated on the first poll that needs them.
    precompute_results: bool = True


@dataclass
class Faults:
    """Faults injected into the next matching requests; mutable while the server runs.

    Counters (`throttle`, `server_errors`, `drop_connections`, `accept_then_error`, `fail_jobs`,
    `truncate_outputs`) each lose one per request (or job) they affect. `only_path_prefix` and
    `only_method` restrict the request-level faults (throttle, server errors, dropped connections,
    slowness) to matching requests; the prefix is compared with the path both with and without
    the leading ``/api/v1`` (so ``/bulk_enhance/`` targets status polls and downloads).
    """

    throttle: int = 0
    retry_after: float = 1.0
    server_errors: int = 0
    server_error_status: int = 503
    drop_connections: int = 0
    accept_then_error: int = 0
    accept_then_error_status: int = 502
    #: Next N POST /bulk_enhance create the job, then close the connection without answering.
    accept_then_drop: int = 0
    slow_seconds: float = 0.0
    fail_jobs: int = 0
    truncate_outputs: int = 0
    #: "disconnect": announce the full length, send part, close the connection (transport error);
    #: "short_body": a complete HTTP response whose JSON body is cut off.
    truncate_mode: str = TRUNCATE_DISCONNECT
    expire_jobs: bool = False
    #: Render `result.outputs` and `result.sources` as single objects (first item) instead of
    #: lists, as one version of the vendor's status page shows them.
    result_as_objects: bool = False
    failing_sources: set[str] = field(default_factory=set)
    only_path_prefix: str | None = None
    only_method: str | None = None
    _lock: threading.Lock = field(
        default_factory=threading.Lock, repr=False, compare=False, init=False
    )

    def matches(self, method: str, path: str) -> bool:
        """Whether request-level faults apply to this request."""
        if self.only_method and method.upper() != self.only_method.upper():
            return False
        prefix = self.only_path_prefix
        if not prefix:
            return True
        short = path[len("/api/v1") :] if path.startswith("/api/v1") else path
        return path.startswith(prefix) or short.startswith(prefix)

    def take(self, counter: str) -> bool:
        """Consume one occurrence of `counter`; True when there was one to consume."""
        with self._lock:
            value = int(getattr(self, counter))
            if value <= 0:
                return False
            setattr(self, counter, value - 1)
            return True

    def update(self, values: Mapping[str, Any]) -> None:
        """Set several fields at once, checking names and coercing types (JSON-friendly)."""
        known = {f.name: f for f in fields(self) if not f.name.startswith("_")}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"Unknown fault field(s): {', '.join(unknown)}.")
        with self._lock:
            for name, value in values.items():
                setattr(self, name, _coerce(name, value, getattr(self, name)))

    def reset(self) -> None:
        """Back to no faults at all."""
        self.update(_default_values())

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of the current fault settings."""
        with self._lock:
            out: dict[str, Any] = {}
            for f in fields(self):
                if f.name.startswith("_"):
                    continue
                value = getattr(self, f.name)
                out[f.name] = sorted(value) if isinstance(value, set) else value
            return out


def _default_values() -> dict[str, Any]:
    fresh = Faults()
    return {f.name: getattr(fresh, f.name) for f in fields(fresh) if not f.name.startswith("_")}


def _coerce(name: str, value: Any, current: Any) -> Any:
    if name == "failing_sources":
        if isinstance(value, str):
            value = [value]
        return {str(v).upper() for v in value or ()}
    if name in ("only_path_prefix", "only_method"):
        return None if value in (None, "") else str(value)
    if name == "truncate_mode":
        if value not in (TRUNCATE_DISCONNECT, TRUNCATE_SHORT_BODY):
            raise ValueError(
                f"truncate_mode must be {TRUNCATE_DISCONNECT!r} or {TRUNCATE_SHORT_BODY!r}."
            )
        return value
    if isinstance(current, bool):
        return bool(value)
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    return value
