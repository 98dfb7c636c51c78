"""Edit, accept and resubmit through the engine, over real HTTP to the emulator: the new job
belongs to the same run, only edited rows are sent, and offline editing works."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.engine import resubmit as review
from ping_desktop.engine.runner import RunBusyError
from ping_desktop.storage.review_queue import QueueReason
from ping_desktop.storage.row_edits import EditError, RowEdit
from ping_desktop.storage.runstore import LeaseOwner
from tests.conftest import TEST_TOKEN
from tests.e2e.conftest import harness
from tests.engine.review_sov import LOW, LOW_TOO, NOT_SENT, write_review_sov


def run_async(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test body in its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return wrapper


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=2000.0,
                          queue_seconds=0.02)


@run_async
async def test_resubmit_sends_only_the_edited_rows_as_a_job_of_the_same_run(
        emulator: EmulatorServer, tmp_path: Path) -> None:
    sov = write_review_sov(tmp_path / "sov.xlsx")
    async with harness(emulator.api_url, tmp_path) as h:
        run_id = await h.create(sov, ("PG",))
        await h.engine.run(run_id)
        queue = await review.review_queue(h.engine, run_id, 70)
        assert {q.row_number: q.reason for q in queue} == {
            NOT_SENT: QueueReason.NOT_SENT, LOW: QueueReason.LOW_CONFIDENCE,
            LOW_TOO: QueueReason.LOW_CONFIDENCE}
        jobs_before = emulator.stats()["jobs_created"]

        plan = await review.record_edits(h.engine, run_id, [
            RowEdit(LOW, {"street": "10 Tremont St", "zip": "02108"}),
            RowEdit(NOT_SENT, {"street": "1 Federal St", "city": "Boston", "state": "MA"}),
        ], author="alice")
        assert plan.sendable_rows == (LOW, NOT_SENT)
        assert plan.lookups == 2
        queue = await review.review_queue(h.engine, run_id, 70)
        assert {q.row_number for q in queue if q.pending_edit} == {LOW, NOT_SENT}

        run = await review.resubmit(h.engine, run_id)
        assert run.id == run_id
        assert run.phase is RunPhase.COMPLETE
        assert emulator.stats()["jobs_created"] == jobs_before + 1
        jobs = h.store.jobs(run_id)
        assert [j.phase for j in jobs] == [JobPhase.COMPLETE] * len(jobs)
        assert jobs[-1].location_count == 2
        located = h.store.results_for_row(run_id, LOW)["PG"]
        assert located.is_success
        assert located.confidence is not None
        assert located.confidence >= 70
        assert h.store.results_for_row(run_id, NOT_SENT)["PG"].is_success
        queue = await review.review_queue(h.engine, run_id, 70)
        assert [q.row_number for q in queue] == [LOW_TOO]
        assert run.rows_with_problems == 0


@run_async
async def test_edits_and_accepts_work_offline_and_survive_a_new_engine(
        tmp_path: Path, emulator: EmulatorServer) -> None:
    sov = write_review_sov(tmp_path / "sov.xlsx")
    async with harness(emulator.api_url, tmp_path) as h:
        run_id = await h.create(sov, ("PG",))
        await h.engine.run(run_id)
    emulator.stop()
    # The API is gone: editing and accepting only touch the store.
    async with harness(emulator.api_url, tmp_path) as h:
        await review.record_edits(h.engine, run_id, [RowEdit(LOW, {"street": "10 Tremont St"})])
        assert await review.accept_rows(h.engine, run_id, [LOW_TOO]) == 1
    async with harness(emulator.api_url, tmp_path) as h:  # "after a restart"
        queue = await review.review_queue(h.engine, run_id, 70)
        assert {q.row_number: q.reason for q in queue} == {
            NOT_SENT: QueueReason.NOT_SENT, LOW: QueueReason.EDIT_PENDING}
        [edit] = h.store.row_edit_history(run_id, LOW)
        assert edit.state == "pending"
        assert edit.fields["street"] == "10 Tremont St"
        assert edit.author


@run_async
async def test_bad_edits_are_refused_with_plain_messages_and_nothing_stored(
        emulator: EmulatorServer, tmp_path: Path) -> None:
    sov = write_review_sov(tmp_path / "sov.xlsx")
    async with harness(emulator.api_url, tmp_path) as h:
        run_id = await h.create(sov, ("PG",))
        await h.engine.run(run_id)
        cases = [
            (RowEdit(99, {"street": "1 A St"}), "Row 99 is not a data row of run"),
            (RowEdit(1, {"street": "1 A St"}), "Row 1 is not a data row"),  # the header
            (RowEdit(LOW, {"stret": "1 A St"}), 'Unknown field "stret"'),
            (RowEdit(LOW, {"zip": "123"}), 'ZIP "123" on row 5 is not a US ZIP code'),
            (RowEdit(LOW, {"latitude": "north", "longitude": "1"}), 'Latitude "north"'),
            (RowEdit(LOW, {"latitude": "42.1"}), "only one coordinate"),
        ]
        for edit, message in cases:
            with pytest.raises(EditError, match=message):
                await review.record_edits(h.engine, run_id, [edit])
        with pytest.raises(EditError, match="There is no run 42"):
            await review.record_edits(h.engine, 42, [RowEdit(LOW, {"street": "1 A St"})])
        assert h.store.row_edit_history(run_id) == []
        with pytest.raises(EditError, match="no edit waiting"):
            await review.resubmit(h.engine, run_id, [LOW])
        with pytest.raises(EditError, match="no edited rows"):
            await review.resubmit(h.engine, run_id)
        assert len(h.store.jobs(run_id)) == 1


@run_async
async def test_an_edit_with_an_error_is_kept_but_not_sent(
        emulator: EmulatorServer, tmp_path: Path) -> None:
    sov = write_review_sov(tmp_path / "sov.xlsx")
    async with harness(emulator.api_url, tmp_path) as h:
        run_id = await h.create(sov, ("PG",))
        await h.engine.run(run_id)
        plan = await review.record_edits(h.engine, run_id, [
            RowEdit(LOW, {"street": "", "city": "", "state": ""})])
        assert plan.blocked_rows == (LOW,)
        assert plan.lookups == 0
        assert plan.rows[0].problems[-1].message.startswith("No usable address")
        with pytest.raises(EditError, match="Row 5 cannot be sent"):
            await review.resubmit(h.engine, run_id)
        assert len(h.store.jobs(run_id)) == 1
        assert h.store.pending_edits(run_id)[LOW].fields == {}


@run_async
async def test_resubmit_leaves_a_run_another_process_works_on_alone(
        emulator: EmulatorServer, tmp_path: Path) -> None:
    sov = write_review_sov(tmp_path / "sov.xlsx")
    async with harness(emulator.api_url, tmp_path) as h:
        run_id = await h.create(sov, ("PG",))
        await h.engine.run(run_id)
        await review.record_edits(h.engine, run_id, [RowEdit(LOW, {"street": "10 Tremont St"})])
        h.store.take_lease(run_id, LeaseOwner("other-host", 4242, "abc"), 60)
        with pytest.raises(RunBusyError, match="other-host"):
            await review.resubmit(h.engine, run_id)
        assert len(h.store.jobs(run_id)) == 1
        assert h.store.pending_edits(run_id)[LOW].state == "pending"
        h.store.release_lease(run_id, LeaseOwner("other-host", 4242, "abc"))
        run = await review.resubmit(h.engine, run_id)
        assert run.phase is RunPhase.COMPLETE
        assert len(h.store.jobs(run_id)) == 2
