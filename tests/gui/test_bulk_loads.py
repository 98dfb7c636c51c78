"""The review's bulk loads run with the garbage collector off and leave their data frozen
(issue 13: full collections during a 100,000-row map load froze the window)."""

from __future__ import annotations

import gc
import threading

import pytest

from ping_desktop.gui.bulk_loads import without_gc_pauses


def test_the_collector_is_off_during_a_load_and_back_on_after() -> None:
    seen: list[bool] = []
    frozen_before = gc.get_freeze_count()

    def load() -> list[tuple[int, str]]:
        seen.append(gc.isenabled())
        return [(n, str(n)) for n in range(1000)]

    rows = without_gc_pauses(load)()
    assert seen == [False]
    assert gc.isenabled()
    assert len(rows) == 1000
    assert gc.get_freeze_count() >= frozen_before + 1000  # the rows are out of its way
    gc.unfreeze()  # leave the test process as it was


def test_overlapping_loads_keep_it_off_until_the_last_ends() -> None:
    first_inside, release = threading.Event(), threading.Event()
    during_second: list[bool] = []

    def slow() -> None:
        first_inside.set()
        release.wait(5)

    thread = threading.Thread(target=without_gc_pauses(slow))
    thread.start()
    assert first_inside.wait(5)
    without_gc_pauses(lambda: during_second.append(gc.isenabled()))()
    assert during_second == [False]
    assert not gc.isenabled()  # the first load still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()
    gc.unfreeze()


def test_a_failed_load_turns_the_collector_back_on() -> None:
    def broken() -> None:
        raise ValueError("no such run")

    with pytest.raises(ValueError, match="no such run"):
        without_gc_pauses(broken)()
    assert gc.isenabled()
    gc.unfreeze()
