"""Cutting locations into jobs and splitting a job the server found too large."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ping_desktop.engine.planning import (
    balanced_chunks,
    chunk,
    job_sizes,
    payload_hash,
    split,
    split_sizes,
)


def test_chunk_keeps_order_and_limits_size() -> None:
    assert chunk(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert chunk([], 3) == []
    with pytest.raises(ValueError, match="at least 1"):
        chunk([1], 0)


@pytest.mark.parametrize(
    ("count", "limit", "sizes"),
    [
        (10, None, [5, 5]),
        (11, None, [6, 5]),
        (10, 4, [4, 4, 2]),
        (10, 5, [5, 5]),
        (2, None, [1, 1]),
        (1, None, [1]),
        (1, 1, [1]),
        (10, 0, [5, 5]),  # a nonsense limit falls back to halving
        (10, 10, [5, 5]),  # the server refused 10, so its "limit" of 10 is not believed
    ],
)
def test_split_sizes(count: int, limit: int | None, sizes: list[int]) -> None:
    assert split_sizes(count, limit) == sizes
    assert sum(sizes) == count


def test_split_loses_and_repeats_nothing() -> None:
    items = [f"L{i}" for i in range(23)]
    pieces = split(items, 6)
    assert [len(p) for p in pieces] == [6, 6, 6, 5]
    assert [x for p in pieces for x in p] == items


def test_payload_hash_depends_on_what_is_sent() -> None:
    a = [{"id": "1", "address": "x", "city": "y"}]
    assert payload_hash(a, ["PG"]) == payload_hash([dict(a[0])], ["PG"])
    assert payload_hash(a, ["PG"]) != payload_hash(a, ["PH"])
    assert payload_hash(a, ["PG"]) != payload_hash([{"id": "2", "address": "x"}], ["PG"])
    assert payload_hash(a, ["PG"]) != payload_hash([*a, *a], ["PG"])


def test_20000_locations_fill_7_waves_of_3_with_21_even_jobs() -> None:
    sizes = job_sizes(20_000, 1000, 3)
    assert len(sizes) == 21
    assert sum(sizes) == 20_000
    assert max(sizes) <= 1000
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize(
    ("count", "limit", "in_flight", "sizes"),
    [
        (20_000, 1000, 1, [1000] * 20),  # one at a time: full jobs are already even
        (2_500, 1000, 3, [834, 833, 833]),  # one wave: its jobs evened out, no more of them
        (3_001, 1000, 3, [501] + [500] * 5),  # two waves of 3, not 1000 x 3 + 1
        (25, 10, 3, [9, 8, 8]),
        (4, 1, 3, [1, 1, 1, 1]),  # never an empty job
        (0, 1000, 3, []),
    ],
)
def test_job_sizes(count: int, limit: int, in_flight: int, sizes: list[int]) -> None:
    assert job_sizes(count, limit, in_flight) == sizes


@given(st.integers(0, 5000), st.integers(1, 1200), st.integers(1, 8))
def test_even_jobs_keep_the_limit_and_the_waves(count: int, limit: int, in_flight: int
                                                ) -> None:
    sizes = job_sizes(count, limit, in_flight)
    full = -(-count // limit)
    assert sum(sizes) == count
    assert all(1 <= s <= limit for s in sizes)
    assert not sizes or max(sizes) - min(sizes) <= 1
    # As many waves as full jobs would take, never more.
    assert -(-len(sizes) // in_flight) == -(-full // in_flight)
    pieces = balanced_chunks(list(range(count)), limit, in_flight)
    assert [len(p) for p in pieces] == sizes
    assert [i for p in pieces for i in p] == list(range(count))  # order kept, nothing lost


def test_even_jobs_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        job_sizes(10, 0, 3)
    with pytest.raises(ValueError, match="at least 1"):
        job_sizes(10, 5, 0)
