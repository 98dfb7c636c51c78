"""PollSchedule: fast start, x1.5 back-off to the cap, reset on progress, Retry-After, jitter."""

from __future__ import annotations

import itertools

import pytest

from ping_desktop.engine.polling import PollSchedule, PollSettings


def _fixed(u: float) -> PollSchedule:
    return PollSchedule(PollSettings(initial=1.0, factor=1.5, cap=30.0, jitter=0.2), lambda: u)


def test_starts_at_about_one_second() -> None:
    assert _fixed(0.5).first_delay() == pytest.approx(1.0)


def test_backs_off_by_half_while_nothing_changes_up_to_the_cap() -> None:
    schedule = _fixed(0.5)  # u = 0.5 means no jitter
    schedule.first_delay()
    delays = [schedule.next_delay(progressed=False) for _ in range(12)]
    assert delays[:4] == pytest.approx([1.5, 2.25, 3.375, 5.0625])
    assert max(delays) == pytest.approx(30.0)
    assert delays[-1] == pytest.approx(30.0)
    assert all(b >= a for a, b in itertools.pairwise(delays))


def test_progress_goes_back_to_fast() -> None:
    schedule = _fixed(0.5)
    schedule.first_delay()
    for _ in range(6):
        schedule.next_delay(progressed=False)
    assert schedule.next_delay(progressed=True) == pytest.approx(1.0)
    assert schedule.next_delay(progressed=False) == pytest.approx(1.5)


@pytest.mark.parametrize(("u", "expected"), [(0.0, 0.8), (0.999999, 1.2), (0.25, 0.9)])
def test_jitter_is_plus_minus_twenty_percent(u: float, expected: float) -> None:
    assert _fixed(u).first_delay() == pytest.approx(expected, abs=1e-4)


def test_retry_after_is_a_floor_even_with_jitter_and_after_progress() -> None:
    schedule = _fixed(0.0)  # jitter pulls delays down by 20 %
    schedule.first_delay()
    assert schedule.next_delay(progressed=True, retry_after=7.0) == pytest.approx(7.0)
    # Later polls continue from at least the server's requested interval.
    assert schedule.next_delay(progressed=False) >= 7.0 * 1.5 * 0.8 - 1e-9


def test_long_retry_after_is_honoured_beyond_the_cap() -> None:
    schedule = _fixed(0.5)
    schedule.first_delay()
    assert schedule.next_delay(progressed=False, retry_after=120.0) == pytest.approx(120.0)
    assert schedule.interval == pytest.approx(30.0)


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="initial"):
        PollSettings(initial=0)
    with pytest.raises(ValueError, match="jitter"):
        PollSettings(jitter=1.0)
