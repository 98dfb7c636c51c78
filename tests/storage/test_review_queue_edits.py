"""Edits in the store: pending edits, resubmit as new jobs of the same run in one transaction,
history kept (two edits of a row, the last wins), shared locations untouched, migration 6->7."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.storage import runstore_schema
from ping_desktop.storage.edit_check import check_edit
from ping_desktop.storage.review_queue import QueueReason, queue_count, review_queue
from ping_desktop.storage.row_edits import EditError, RowEdit
from ping_desktop.storage.runstore import RunStore, SourceResult
from tests.storage.review_runs import make_review_run


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore(tmp_path / "runs.sqlite3") as opened:
        yield opened


def _edit(store: RunStore, run_id: int, row: int, author: str = "alice", **fields: str) -> None:
    run = store.get_run(run_id)
    values = store.row_values(run_id, row)
    assert values is not None
    latest = store.latest_edits(run_id).get(row)
    check = check_edit(run, values, RowEdit(row, fields),
                       base=latest.fields if latest else None)
    store.record_row_edits(run_id, [check], author)


def test_a_pending_edit_queues_the_row_and_changes_nothing_sent(store: RunStore) -> None:
    run_id = make_review_run(store)
    before = store.results_for_row(run_id, 4)
    _edit(store, run_id, 4, street="1 Somewhere Rd")
    queue = {q.row_number: q for q in review_queue(store, run_id, 70)}
    assert queue[4].reason is QueueReason.EDIT_PENDING
    assert queue[4].reasons == (QueueReason.EDIT_PENDING, QueueReason.NOT_FOUND)
    assert queue[4].address["street"] == "1 Somewhere Rd"
    assert queue[4].pending_edit
    assert "alice" in queue[4].message
    assert store.results_for_row(run_id, 4) == before  # nothing moves until the resubmit
    assert len(store.jobs(run_id)) == 1


def test_resubmit_points_the_row_at_a_new_location_and_keeps_the_old_results(
        store: RunStore) -> None:
    run_id = make_review_run(store)
    _edit(store, run_id, 4, street="1 Somewhere Rd")
    jobs = store.resubmit_edits(run_id, [4], locations_per_job=1000)
    assert len(jobs) == 1
    job = store.get_job(jobs[0])
    assert (job.phase, job.number, job.location_count) == (JobPhase.WAITING, 2, 1)
    [location] = store.job_location_ids(job.id)
    payload = store.job_payloads(job.id)[0]
    assert payload["address_line_1"] == "1 Somewhere Rd"
    assert payload["city"] == "Springfield"
    run = store.get_run(run_id)
    assert run.phase is RunPhase.PAUSED  # a kill now leaves a run that resume continues
    assert run_id in {r.id for r in store.unfinished_runs()}
    assert store.results_for_row(run_id, 4) == {}  # the old failures no longer show
    kept = store._conn().execute(
        "SELECT location_id, source, is_success FROM superseded_results WHERE run_id = ?"
        " ORDER BY source", (run_id,)).fetchall()
    assert [tuple(r) for r in kept] == [("row-4", "PG", 0), ("row-4", "PH", 0)]
    [edit] = store.row_edit_history(run_id, 4)
    assert (edit.state, edit.location_id, edit.previous_location_id) == ("sent", location,
                                                                          "row-4")
    assert edit.previous_payload == {"address_line_1": "1 Nowhere Rd"}
    assert edit.author == "alice"
    assert edit.sent_at is not None
    # The old location is history: retry-failed must not send it again.
    candidates, _ = store.retry_candidates(run_id)
    assert "row-4" not in {loc for loc, _ in candidates}
    # A good result for the new location takes the row out of the queue.
    store.store_results(run_id, job.id, None, [
        (location, SourceResult(s, True, 97, None, {"latitude": 42.1})) for s in ("PG", "PH")])
    assert 4 not in {q.row_number for q in review_queue(store, run_id, 70)}


def test_editing_a_row_that_shares_a_location_leaves_the_other_row_alone(
        store: RunStore) -> None:
    run_id = make_review_run(store)
    twin_before = store.results_for_row(run_id, 8)
    _edit(store, run_id, 7, street="10 Other St")
    store.resubmit_edits(run_id, [7], 1000)
    assert store.results_for_row(run_id, 8) == twin_before
    assert store.row_edit_history(run_id, 7)[0].previous_location_id == "row-7"
    still = store._conn().execute(
        "SELECT count(*) FROM locations WHERE run_id = ? AND location_id = 'row-7'",
        (run_id,)).fetchone()[0]
    assert still == 1
    assert store._conn().execute("SELECT count(*) FROM superseded_results").fetchone()[0] == 0


def test_two_resubmits_of_one_row_keep_both_edits_and_the_last_wins(store: RunStore) -> None:
    run_id = make_review_run(store)
    _edit(store, run_id, 5, street="2 Elm Street", author="alice")
    store.resubmit_edits(run_id, [5], 1000)
    store.set_run_phase(run_id, RunPhase.COMPLETE)
    _edit(store, run_id, 5, city="Cambridge", author="bob")
    store.resubmit_edits(run_id, [5], 1000)
    first, second = store.row_edit_history(run_id, 5)
    assert (first.state, second.state) == ("sent", "sent")
    assert second.previous_location_id == first.location_id
    # The second edit starts from the first: the street typed before is kept.
    assert second.fields["street"] == "2 Elm Street"
    assert second.fields["city"] == "Cambridge"
    assert second.author == "bob"
    payloads = dict(store.row_payloads(run_id))
    assert payloads[5] is not None
    assert payloads[5]["city"] == "Cambridge"
    assert len(store.jobs(run_id)) == 3


def test_a_second_edit_before_resubmitting_replaces_the_pending_one(store: RunStore) -> None:
    run_id = make_review_run(store)
    _edit(store, run_id, 4, street="A Rd")
    _edit(store, run_id, 4, street="B Rd")
    states = [e.state for e in store.row_edit_history(run_id, 4)]
    assert states == ["replaced", "pending"]
    assert store.pending_edits(run_id)[4].fields["street"] == "B Rd"


def test_an_edit_replaces_the_rows_problems_and_the_old_ones_are_kept(store: RunStore) -> None:
    run_id = make_review_run(store)
    _edit(store, run_id, 3, street="4 Maple St", city="Boston", state="MA", zip="02108")
    store.resubmit_edits(run_id, [3], 1000)
    assert [p.row_number for p in store.row_problems(run_id)].count(3) == 0
    [edit] = store.row_edit_history(run_id, 3)
    assert edit.previous_location_id is None
    assert edit.previous_problems[0].message.startswith("No usable address")
    assert store.get_run(run_id).rows_with_problems == 0


def test_resubmit_refusals_change_nothing(store: RunStore) -> None:
    run_id = make_review_run(store)
    with pytest.raises(EditError, match="Row 4 has no edit waiting"):
        store.resubmit_edits(run_id, [4], 1000)
    _edit(store, run_id, 4, street="", city="", state="", zip="")
    with pytest.raises(EditError, match="Row 4 cannot be sent: No usable address"):
        store.resubmit_edits(run_id, [4], 1000)
    _edit(store, run_id, 4, street="1 Somewhere Rd", city="Springfield", state="MA")
    store.set_run_phase(run_id, RunPhase.RUNNING)
    with pytest.raises(EditError, match="has not finished"):
        store.resubmit_edits(run_id, [4], 1000)
    assert len(store.jobs(run_id)) == 1
    assert dict(store.row_payloads(run_id))[4] == {"address_line_1": "1 Nowhere Rd"}


def test_editing_an_accepted_row_puts_it_back_in_review(store: RunStore) -> None:
    run_id = make_review_run(store)
    store.accept_rows(run_id, [5], "alice")
    assert queue_count(store, run_id, 70) == 6
    _edit(store, run_id, 5, street="2 Elm Street")
    assert store.accepted_rows(run_id) == set()
    assert queue_count(store, run_id, 70) == 7


def test_resubmit_splits_many_rows_by_the_job_size(store: RunStore) -> None:
    run_id = make_review_run(store)
    for row in (4, 5, 6):
        _edit(store, run_id, row, street=f"{row} New St")
    jobs = store.resubmit_edits(run_id, [4, 5, 6], locations_per_job=2)
    assert [store.get_job(j).location_count for j in jobs] == [2, 1]
    assert {e.row_number: e.job_id for e in store.row_edit_history(run_id)} == {
        4: jobs[0], 5: jobs[0], 6: jobs[1]}


def test_v6_database_upgrades_to_v7_with_its_runs_intact(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    # A v6 store exactly as the previous release made it: only the first six migrations.
    for statements in runstore_schema.MIGRATIONS[:6]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 6")
    conn.execute(
        """INSERT INTO runs (created_at, folder, file_name, input_path, columns_json,
               mapping_json, sources_json, api_origin, phase, rows, header_row)
           VALUES ('2026-01-01T00:00:00+00:00', 'run-old', 'old.xlsx', '/old.xlsx',
                   '["Street","City","State"]',
                   '{"fields": {"address_line_1": "Street", "city": "City", "state": "State"}}',
                   '["PG"]', 'https://api', 'COMPLETE', 1, 1)"""
    )
    conn.execute("""INSERT INTO input_rows VALUES (1, 2, '["1 Main St","Boston","MA"]')""")
    conn.execute("INSERT INTO row_locations VALUES (1, 2, 'row-2')")
    conn.execute("""INSERT INTO locations VALUES (1, 'row-2', '{"address":"1 Main St"}', 2)""")
    conn.execute("""INSERT INTO results VALUES (1, 'row-2', 'PG', 1, 40, NULL, '{}', NULL,
                    '2026-01-01T00:00:00+00:00')""")
    conn.close()

    with RunStore(path) as store:
        assert runstore_schema.schema_version(store._conn()) == 7
        [row] = review_queue(store, 1, 70)
        assert (row.row_number, row.reason) == (2, QueueReason.LOW_CONFIDENCE)
        assert row.address == {"street": "1 Main St", "city": "Boston", "state": "MA"}
        assert store.row_edit_history(1) == []
        assert store.accept_rows(1, [2], "alice") == 1
        assert queue_count(store, 1, 70) == 0
