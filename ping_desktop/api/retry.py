"""Retry timing: exponential backoff with jitter, honouring Retry-After, bounded in total.

The official client retries immediately (zero backoff) up to ten times; this policy waits longer
each time and gives up once the total waiting would exceed ``max_total`` so a dead server is
reported to the user instead of being hammered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a request that failed in a retryable way.

    ``max_attempts`` counts every attempt including the first; ``max_total`` bounds the seconds
    spent (waiting plus requests) before giving up; ``jitter`` is the +/- fraction of randomness
    added to each backoff so that many clients do not retry in lock-step.
    """

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_total: float = 120.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if min(self.base_delay, self.max_delay, self.max_total, self.jitter) < 0:
            raise ValueError("delays and jitter must not be negative")



def next_delay(
    policy: RetryPolicy,
    attempt: int,
    retry_after: float | None,
    *,
    elapsed: float = 0.0,
    random_value: float | None = None,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None to give up.

    ``attempt`` is the number of attempts made so far (1 after the first failure); ``elapsed``
    the seconds already spent; ``random_value`` in [0, 1) fixes the jitter (tests), otherwise it
    is random. A server-sent ``retry_after`` is honoured (never waited less, plus up to
    ``jitter`` more); if it exceeds ``max_delay`` or the remaining budget, the answer is None so
    the caller can raise :class:`~ping_desktop.api.errors.ThrottledError` and schedule later.
    """
    if attempt >= policy.max_attempts:
        return None
    u = random.random() if random_value is None else min(max(random_value, 0.0), 1.0)
    if retry_after is not None:
        retry_after = max(retry_after, 0.0)
        if retry_after > policy.max_delay:
            return None
        delay = retry_after * (1.0 + policy.jitter * u)
    else:
        backoff = min(policy.max_delay, policy.base_delay * (2.0 ** (attempt - 1)))
        delay = max(0.0, backoff * (1.0 + policy.jitter * (2.0 * u - 1.0)))
    if elapsed + delay > policy.max_total:
        return None
    return delay


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent/invalid."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
        return None
    return max(seconds, 0.0)
