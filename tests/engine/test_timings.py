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
