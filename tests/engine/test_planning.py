"""Cutting locations into jobs and splitting a job the server found too large."""

from __future__ import annotations

import pytest

from ping_desktop.engine.planning import chunk, payload_hash, split, split_sizes


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
