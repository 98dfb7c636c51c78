"""A job that takes time: states advance, counters grow, ``result`` only appears at COMPLETE."""

from __future__ import annotations

import asyncio

import pytest

from ping_desktop.api import JobState, PingDataClient
from ping_desktop.emulator.config import EmulatorConfig
from tests.conftest import TEST_TOKEN


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        tokens=frozenset({TEST_TOKEN}), locations_per_second=40.0, queue_seconds=0.2
    )


async def test_states_advance_and_result_waits_for_complete(client: PingDataClient) -> None:
    locations = [{"id": f"p{i}", "address": f"{i} main st, tampa, fl"} for i in range(20)]
    started = await client.start_bulk_enhance(locations, ["PG", "DTC"])
    seen: list[JobState] = []
    completed: list[int] = []
    for _ in range(400):
        status = await client.get_job(started.id)
        seen.append(status.state)
        completed.append(status.request.num_completed or 0)
        if status.is_terminal:
            break
        assert status.result is None
        await asyncio.sleep(0.02)
    assert seen[-1] is JobState.COMPLETE
    assert status.result is not None
    assert status.result.succeeded
    assert status.request.num_completed == 20
    assert JobState.IN_PROGRESS in seen
    assert {JobState.PENDING, JobState.QUEUED} & set(seen)
    assert completed == sorted(completed)  # progress never goes backwards
    assert status.request.progress_started_at is not None
    assert status.request.requested_at is not None
    assert status.request.requested_at <= status.request.progress_started_at
