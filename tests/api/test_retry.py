"""Retry timing: backoff growth, jitter bounds, Retry-After handling, total budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ping_desktop.api.retry import RetryPolicy, next_delay, parse_retry_after

POLICY = RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=30.0, max_total=120.0, jitter=0.2)


def test_backoff_doubles_without_jitter_offset() -> None:
    # random_value 0.5 puts the jitter factor at exactly 1.0.
    delays = [next_delay(POLICY, attempt, None, random_value=0.5) for attempt in range(1, 6)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_gives_up_after_max_attempts() -> None:
    assert next_delay(POLICY, 6, None, random_value=0.5) is None
    assert next_delay(RetryPolicy(max_attempts=1), 1, None) is None


def test_backoff_is_capped_by_max_delay() -> None:
    policy = RetryPolicy(max_attempts=20, max_delay=3.0, max_total=1000.0, jitter=0.0)
    assert next_delay(policy, 10, None) == 3.0


@pytest.mark.parametrize("u", [0.0, 0.25, 0.999])
def test_jitter_stays_within_bounds(u: float) -> None:
    delay = next_delay(POLICY, 3, None, random_value=u)
    assert delay is not None
    assert 2.0 * 0.8 <= delay <= 2.0 * 1.2


def test_jitter_varies_when_random() -> None:
    delays = {next_delay(POLICY, 3, None) for _ in range(50)}
    assert len(delays) > 1


def test_retry_after_is_honoured_never_shorter() -> None:
    for u in (0.0, 0.5, 0.99):
        delay = next_delay(POLICY, 1, 7.0, random_value=u)
        assert delay is not None
        assert 7.0 <= delay <= 7.0 * 1.2


def test_retry_after_beyond_max_delay_gives_up() -> None:
    assert next_delay(POLICY, 1, 31.0) is None


def test_total_budget_bounds_waiting() -> None:
    assert next_delay(POLICY, 2, None, elapsed=119.5, random_value=0.5) is None
    assert next_delay(POLICY, 1, 10.0, elapsed=115.0) is None
    assert next_delay(POLICY, 1, 10.0, elapsed=100.0, random_value=0.0) == 10.0


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_delay=-1)


def test_parse_retry_after_seconds_and_dates() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.25 ") == 0.25
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(42.0)
