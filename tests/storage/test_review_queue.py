"""The needs-review queue read from a stored run: reasons, messages, addresses, count, accept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.storage.review_queue import QueueReason, queue_count, review_queue
from ping_desktop.storage.row_edits import EditError
from ping_desktop.storage.runstore import RunStore
from tests.storage.review_runs import make_review_run


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore(tmp_path / "runs.sqlite3") as opened:
        yield opened


def test_queue_lists_each_row_that_needs_a_person_with_its_reason(store: RunStore) -> None:
    run_id = make_review_run(store)
    queue = {q.row_number: q for q in review_queue(store, run_id, threshold=70)}
    assert {n: q.reason for n, q in queue.items()} == {
        3: QueueReason.NOT_SENT,
        4: QueueReason.NOT_FOUND,
        5: QueueReason.LOW_CONFIDENCE,
        6: QueueReason.ADDRESS_CHECK,
        7: QueueReason.SOURCE_FAILED,
        8: QueueReason.SOURCE_FAILED,
        9: QueueReason.SOURCE_FAILED,
    }
    assert 2 not in queue  # located well by both sources, no flag
    assert queue[3].message.startswith("Not sent: No usable address")
    assert "PG: Address not found" in queue[4].message
    assert "PG 40" in queue[5].message
    assert "below 70" in queue[5].message
    assert "not in NY" in queue[6].message
    assert "PH: no result" in queue[9].message
    assert queue[5].address == {"street": "2 Elm St", "city": "Boston", "state": "MA",
                                "zip": "02108"}
    assert queue_count(store, run_id, 70) == 7


def test_threshold_moves_low_confidence_rows_in_and_out(store: RunStore) -> None:
    run_id = make_review_run(store)
    assert queue_count(store, run_id, 30) == 6  # PG 40 is not low below 30
    assert 5 not in {q.row_number for q in review_queue(store, run_id, 30)}


def test_accept_as_is_drops_the_count_and_is_idempotent(store: RunStore) -> None:
    run_id = make_review_run(store)
    assert store.accept_rows(run_id, [5, 6], "alice") == 2
    assert store.accept_rows(run_id, [5], "alice") == 0
    assert queue_count(store, run_id, 70) == 5
    assert store.accepted_rows(run_id) == {5, 6}
    rows = {q.row_number for q in review_queue(store, run_id, 70)}
    assert rows.isdisjoint({5, 6})


def test_accepting_a_row_not_in_the_run_says_so_and_stores_nothing(store: RunStore) -> None:
    run_id = make_review_run(store)
    with pytest.raises(EditError, match="Row 99 is not a data row of run"):
        store.accept_rows(run_id, [5, 99], "alice")
    assert store.accepted_rows(run_id) == set()
