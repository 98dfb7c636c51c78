"""Credit usage bookkeeping for GET /usage: locations x sources submitted, in time buckets."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable

from ping_desktop.emulator.jobs import iso

_RELATIVE = re.compile(r"^-(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_GRANULARITY = (("5m", 300, 86400), ("1h", 3600, 31 * 86400), ("1d", 86400, None))


def parse_moment(text: str | None, default: float, now: float) -> float:
    """A relative offset (`-5m`, `-1h`, `-30d`) or ISO-8601 moment; raises ValueError."""
    if text is None or not text.strip():
        return default
    text = text.strip()
    match = _RELATIVE.match(text)
    if match:
        return now - int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


class UsageLog:
    """What was submitted when, by source code."""

    def __init__(self) -> None:
        self._events: list[tuple[float, Counter[str]]] = []
        self._lock = threading.Lock()

    def record(self, codes_per_location: Iterable[Iterable[str]]) -> None:
        """Count one credit per location and source requested."""
        counts: Counter[str] = Counter()
        for codes in codes_per_location:
            counts.update(codes)
        with self._lock:
            self._events.append((time.time(), counts))

    def clear(self) -> None:
        """Forget all usage."""
        with self._lock:
            self._events.clear()

    def report(self, start: float, end: float) -> dict[str, object]:
        """The GET /usage body for [start, end]."""
        span = max(0.0, end - start)
        name, step = "1d", 86400
        for candidate, seconds, limit in _GRANULARITY:
            if limit is None or span <= limit:
                name, step = candidate, seconds
                break
        buckets: dict[int, Counter[str]] = {}
        totals: Counter[str] = Counter()
        with self._lock:
            events = list(self._events)
        for moment, counts in events:
            if start <= moment <= end:
                key = int(moment // step * step)
                buckets.setdefault(key, Counter()).update(counts)
                totals.update(counts)
        return {
            "granularity": name,
            "start": iso(start)[:-5] + "Z",
            "end": iso(end)[:-5] + "Z",
            "buckets": [
                {"bucket": iso(key)[:-5] + "Z", "counts": _with_total(buckets[key])}
                for key in sorted(buckets)
            ],
            "totals": _with_total(totals),
        }


def _with_total(counts: Counter[str]) -> dict[str, int]:
    out = dict(sorted(counts.items()))
    out["total"] = sum(counts.values())
    return out
