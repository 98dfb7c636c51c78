"""Asking for a job's status just after it should have finished (issue 15: the finishing poll
landed up to a whole interval late, half a small job's time again)."""

from ping_desktop.engine.polling import FinishEstimate, PollSchedule, PollSettings


def test_no_estimate_without_a_pace() -> None:
    finish = FinishEstimate()
    assert finish.eta(10.0, 300, 1000) is None  # first sighting: no pace yet
    assert finish.eta(11.0, 300, 1000) is None  # nothing done since
    assert finish.eta(12.0, None, 1000) is None
    assert finish.eta(12.0, 1000, 1000) is None  # done


def test_the_first_estimate_follows_the_pace_since_the_job_was_sent() -> None:
    finish = FinishEstimate((0.0, 0))
    eta = finish.eta(1.0, 500, 1000)  # 500 a second, 500 to go
    assert eta is not None
    assert abs(eta - 1.0) < 1e-9


def test_once_seen_working_twice_the_queue_before_it_started_does_not_count() -> None:
    # Sent at 0, queued 0.5 s, then 500 a second: 250 done at 1.0, 750 at 2.0.
    finish = FinishEstimate((0.0, 0))
    eta = finish.eta(1.0, 250, 1000)
    assert eta is not None
    assert abs(eta - 3.0) < 1e-9  # since sending: 250 a second, too slow
    eta = finish.eta(2.0, 750, 1000)
    assert eta is not None
    assert abs(eta - 0.5) < 1e-9  # between the sightings: 500 a second, done at 2.5
    assert finish.eta(2.4, 200, 1000) is None  # counters went back: the pace starts again
    assert finish.start == (2.4, 200)
    assert finish.working is None


def test_a_resumed_job_gets_its_pace_from_two_sightings_with_work_between() -> None:
    finish = FinishEstimate()
    assert finish.eta(10.0, 0, 1000) is None  # queued when first seen
    assert finish.eta(11.0, 0, 1000) is None  # still queued: nothing to go by
    eta = finish.eta(12.0, 200, 1000)  # the pace since 10.0 (100 a second): an upper bound
    assert eta is not None
    assert abs(eta - 8.0) < 1e-9
    eta = finish.eta(13.0, 600, 1000)  # 400 a second since it was seen working
    assert eta is not None
    assert abs(eta - 1.0) < 1e-9


def test_counters_going_backwards_start_the_pace_again() -> None:
    finish = FinishEstimate((0.0, 500))
    assert finish.eta(1.0, 100, 1000) is None
    assert finish.start == (1.0, 100)


def test_the_poll_comes_just_after_the_expected_finish_never_later_than_planned() -> None:
    schedule = PollSchedule(PollSettings(initial=1.0), rand=lambda: 0.5)
    assert schedule.at_finish(1.5, None) == 1.5
    assert schedule.at_finish(1.5, 3.0) == 1.5  # the plan already comes first
    assert abs(schedule.at_finish(1.5, 1.0) - 1.07) < 1e-9  # 2 % + 50 ms after the finish
    assert schedule.at_finish(1.5, 0.0) == 0.2  # never a burst of requests


def test_the_margin_after_the_finish_follows_the_status_round_trip() -> None:
    schedule = PollSchedule(PollSettings(initial=1.0), rand=lambda: 0.5)
    # When the server counted is known to within the round trip: twice it, at least 20 ms.
    assert abs(schedule.at_finish(1.5, 1.0, round_trip=0.004) - 1.04) < 1e-9
    assert abs(schedule.at_finish(1.5, 1.0, round_trip=0.1) - 1.22) < 1e-9
    assert schedule.at_finish(1.5, 1.0, round_trip=0.5) == 1.5  # the plan comes first
