"""When to ask for a job's status next: adaptive, jittered, and polite to the server.

The official client polls every 5 s forever (reference §5.3). Here polling starts fast (about a
second) so small jobs finish quickly, slows down by x1.5 while nothing changes up to a cap,
jumps back to fast as soon as the job moves, never asks sooner than a Retry-After the server
sent, and spreads requests with +/-20 % jitter so several jobs do not poll in lock-step.

A job whose counters move at a steady pace is also asked again just after it should have
finished (:class:`FinishEstimate`), not up to a whole interval later: at 1,000 locations a job
and 500 locations/s, the finishing poll landed about a second late, half a job's time again.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PollSettings:
    """Tunable polling numbers (tests use tiny ones)."""

    initial: float = 1.0
    factor: float = 1.5
    cap: float = 30.0
    jitter: float = 0.2
    #: Consecutive failed status requests after which a job needs the user's attention.
    max_consecutive_errors: int = 5
    #: Consecutive answers with a status the API does not document (e.g. "CANCELED") after
    #: which the job needs the user's attention instead of being polled forever.
    max_unknown_statuses: int = 5
    #: Seconds from submission after which a job that is still not finished needs the user's
    #: attention (a job that never ends would otherwise hold the run open forever).
    job_deadline: float = 24 * 3600.0

    def __post_init__(self) -> None:
        if self.initial <= 0 or self.cap < self.initial or self.factor < 1:
            raise ValueError("poll settings need 0 < initial <= cap and factor >= 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        if self.max_consecutive_errors < 1 or self.max_unknown_statuses < 1:
            raise ValueError("max_consecutive_errors and max_unknown_statuses must be >= 1")
        if self.job_deadline <= 0:
            raise ValueError("job_deadline must be positive")


@dataclass
class PollSchedule:
    """The delay before each next status request of one job.

    Call :meth:`next_delay` after every poll with whether the job progressed (state or counters
    changed) and the server's Retry-After if it sent one. ``rand`` returns values in [0, 1)
    and is injectable so tests can pin the jitter.
    """

    settings: PollSettings = field(default_factory=PollSettings)
    rand: Callable[[], float] = random.random
    interval: float = field(init=False)

    def __post_init__(self) -> None:
        self.interval = self.settings.initial

    def first_delay(self) -> float:
        """The delay before the first status request after submitting."""
        self.interval = self.settings.initial
        return self._jittered(self.interval)

    def next_delay(self, progressed: bool, retry_after: float | None = None) -> float:
        """The delay before the next request, updating the interval.

        Progress resets the interval to ``initial``; no progress multiplies it by ``factor``
        (up to ``cap``). A Retry-After is a floor: the answer is never below it, even with
        jitter, and later polls continue from at least that interval (capped).
        """
        s = self.settings
        if progressed:
            self.interval = s.initial
        else:
            self.interval = min(s.cap, self.interval * s.factor)
        delay = self._jittered(self.interval)
        if retry_after is not None and retry_after > 0:
            self.interval = max(self.interval, min(s.cap, retry_after))
            delay = max(delay, retry_after)
        return delay

    def at_finish(self, delay: float, eta: float | None,
                  round_trip: float | None = None) -> float:
        """``delay``, or sooner when the job should finish before it (``eta`` seconds from
        now): a little after that moment, never sooner than a fifth of the first interval.

        "A little": 2 % of the wait (the pace may vary) plus twice the status request's
        ``round_trip`` (when the server counted is known to within it; at least 20 ms), or
        50 ms when the round trip is not known. A poll that comes too early costs another
        wait of at least a fifth of the first interval; one that comes late, its lateness.
        """
        if eta is None or eta >= delay:
            return delay
        margin = 0.05 if round_trip is None else max(0.02, 2 * round_trip)
        return min(delay, max(eta * 1.02 + margin, self.settings.initial / 5))

    def _jittered(self, base: float) -> float:
        u = min(max(self.rand(), 0.0), 1.0)
        return base * (1.0 + self.settings.jitter * (2.0 * u - 1.0))


@dataclass
class FinishEstimate:
    """When a job should finish, from how fast its completed count grows (``now`` is the
    engine's monotonic clock).

    ``start`` is where the count was known to stand first: ``(sent, 0)`` for a job just sent,
    None for one found already under way (a resume). Until the job has been seen working
    twice, the pace is counted from ``start``; from then on, between the first sighting with
    something done and now. A job sent waits in the server's queue before it starts, so the
    pace since sending is too slow and the finishing poll landed late: at 1,000 locations a
    job, 500 locations/s and the emulator's 0.5 s queue, about 0.2 s late in every wave.
    """

    start: tuple[float, int] | None = None
    #: The first sighting with more done than at ``start`` (the job seen working).
    working: tuple[float, int] | None = None

    def eta(self, now: float, completed: int | None, requested: int | None) -> float | None:
        """Seconds until ``completed`` reaches ``requested`` at the pace seen so far; None
        while there is no pace yet (the first sighting, nothing done, counters missing)."""
        if completed is None or not requested or completed >= requested:
            return None
        if (self.start is None or completed < self.start[1]
                or (self.working is not None and completed < self.working[1])):
            self.start, self.working = (now, completed), None  # counters went back
            return None
        since, done_then = self.start
        if self.working is None:
            if completed > done_then:
                self.working = (now, completed)
        elif now > self.working[0] and completed > self.working[1]:
            since, done_then = self.working
        elapsed, done = now - since, completed - done_then
        if elapsed <= 0 or done <= 0:
            return None
        return (requested - completed) * elapsed / done
