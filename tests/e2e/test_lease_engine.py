"""The engine and run leases (issue 17, finding 1): a run another live process holds is not
touched; a run whose lease was taken over while this engine stalled stops at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.engine import messages
from ping_desktop.engine.runner import RunBusyError
from ping_desktop.storage.runstore import LeaseOwner
from tests.conftest import TEST_TOKEN
from tests.e2e.conftest import harness


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Slow jobs (half a second each): the run is still working when its lease is lost."""
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=20.0,
                          queue_seconds=0.05)


def test_a_run_held_by_another_live_process_is_left_alone(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with harness(emulator.api_url, tmp_path) as h:
            run_id = await h.create(messy_sov, ("PG",))
            other = LeaseOwner.this_process()  # another engine of a live process
            h.store.take_lease(run_id, other, 600)
            with pytest.raises(RunBusyError, match="being worked on by another Ping Desktop"):
                await h.engine.run(run_id)
            with pytest.raises(RunBusyError):
                await h.engine.retry_failed(run_id)
            with pytest.raises(RunBusyError):
                await h.engine.cancel(run_id)
            assert h.store.get_run(run_id).phase is not RunPhase.CANCELED
            assert h.store.lease_holder(run_id) is not None
            assert h.store.lease_holder(run_id).owner == other.key  # type: ignore[union-attr]
            assert await h.engine.unfinished_runs() == []
            h.store.release_lease(run_id, other)
            assert [r.id for r in await h.engine.unfinished_runs()] == [run_id]

    asyncio.run(scenario())
    assert emulator.stats()["jobs_created"] == 0


def test_a_run_whose_lease_was_taken_over_stops_sending(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with harness(emulator.api_url, tmp_path, concurrent_jobs=1,
                           lease_seconds=0.3) as h:
            run_id = await h.create(messy_sov, ("PG",))
            task = asyncio.create_task(h.engine.run(run_id))
            # The engine takes the lease, then marks the run as working. Taking it over before
            # that second write would race it: the old owner's own start (legitimately its
            # own, written while it held the lease) would land on top of the new owner's.
            for _ in range(3000):
                if (h.store.lease_holder(run_id) is not None
                        and h.store.get_run(run_id).phase is RunPhase.RUNNING):
                    break
                await asyncio.sleep(0.01)
            # This engine stalled past its lease's end and another process took the run over.
            conn = h.store._conn()
            conn.execute("UPDATE run_leases SET owner = 'elsewhere/1/x', host = 'elsewhere', "
                         "expires_at = expires_at + 600 WHERE run_id = ?", (run_id,))
            conn.execute("UPDATE runs SET message = 'the new owner is working' WHERE id = ?",
                         (run_id,))
            run = await asyncio.wait_for(task, 30)
            assert run.phase is RunPhase.PAUSED
            assert run.message == messages.LEASE_LOST
            # The lease it lost is not released by it: the new holder keeps it.
            assert h.store.lease_holder(run_id) is not None
            # Nor does it write its own ending over the new owner's run.
            stored = h.store.get_run(run_id)
            assert stored.phase is RunPhase.RUNNING
            assert stored.message == "the new owner is working"

    asyncio.run(scenario())
    assert emulator.stats()["jobs_created"] < 3
