"""Phase timings: union of overlapping intervals, waiting = run time not covered by work."""

from __future__ import annotations

import pytest

from ping_desktop.engine.timings import Timings, union_length


def test_union_length_merges_overlaps() -> None:
    assert union_length([(0, 2), (1, 3), (5, 6)]) == pytest.approx(4.0)
    assert union_length([]) == 0.0


def test_waiting_excludes_client_work() -> None:
    timings = Timings()
    timings.add("run", 0, 10)
    timings.add("submit", 0, 1)
    timings.add("download", 8, 9)
    timings.add("parse", 8.5, 9.5)
    timings.status_requests = 7
    report = timings.report()
    assert report["waiting"] == pytest.approx(7.5)
    assert report["parse"] == pytest.approx(1.0)
    assert report["status_requests"] == 7


def test_cpu_seconds_add_up_per_phase_across_threads() -> None:
    import threading

    timings = Timings()

    def work() -> None:
        ticks = iter(range(1000))  # this thread's own clock: one tick per reading
        for _ in range(50):
            with timings.measure_cpu("parse", clock=lambda: float(next(ticks))):
                pass

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with timings.measure("parse"):
        pass
    report = timings.report()
    assert report["parse_cpu"] == 200.0  # each block read the clock twice, one tick apart
    assert "parse" in report
    assert "intake_cpu" not in report


def test_the_timeline_lists_marked_events_in_time_order() -> None:
    ticks = iter([3.0, 1.0, 2.0])  # marks from several threads may land out of order
    timings = Timings(clock=lambda: next(ticks))
    timings.mark("job 2 stored")
    timings.mark("run start")
    timings.mark("job 1 submitted")
    assert timings.timeline() == [(1.0, "run start"), (2.0, "job 1 submitted"),
                                  (3.0, "job 2 stored")]
    assert "timeline" not in timings.report()  # the phases' line stays as it was
