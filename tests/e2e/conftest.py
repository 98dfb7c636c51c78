"""End-to-end fixtures: a fast emulator, a messy SOV, and an engine wired to both over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.api import PingDataClient, RetryPolicy
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.engine.events import Event, JobProgress, RunProgress
from ping_desktop.engine.polling import PollSettings
from ping_desktop.engine.runner import Engine
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.e2e.sov import write_messy_sov
from tests.e2e.workbench import create_run

FAST_POLL = PollSettings(initial=0.02, cap=0.1, max_consecutive_errors=3)
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=2.0, max_total=5.0)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Jobs take a few tens of milliseconds: real state changes, fast tests."""
    return EmulatorConfig(
        tokens=frozenset({TEST_TOKEN}), locations_per_second=2000.0, queue_seconds=0.02
    )


@pytest.fixture
def messy_sov(tmp_path: Path) -> Path:
    """A 30-row SOV with a notes sheet, title rows, ZIPs missing their 0, a duplicate and a
    row with no address."""
    path = tmp_path / "ACME SOV.xlsx"
    write_messy_sov(path, 30)
    return path


@dataclass
class Harness:
    """An engine on a real store, talking to the emulator over loopback HTTP."""

    store: RunStore
    client: PingDataClient
    engine: Engine
    events: list[Event] = field(default_factory=list)

    async def create(self, path: Path, sources: Sequence[str] = ("PG", "PH")) -> int:
        """Read, map, plan and store ``path`` as a new run (through the in-thread workbench,
        as the command line does)."""
        return await create_run(self.store, path, sources, self.client.origin,
                                self.engine.locations_per_job)

    def job_events(self) -> list[JobProgress]:
        """Every job event so far."""
        return [e for e in self.events if isinstance(e, JobProgress)]

    def run_events(self) -> list[RunProgress]:
        """Every run event so far."""
        return [e for e in self.events if isinstance(e, RunProgress)]


@contextlib.asynccontextmanager
async def harness(api_url: str, home: Path, **engine_options: Any) -> AsyncIterator[Harness]:
    """A :class:`Harness` for ``api_url``; engine options override the fast defaults."""
    options: dict[str, Any] = {"locations_per_job": 10, "concurrent_jobs": 2, "poll": FAST_POLL}
    options.update(engine_options)
    store = RunStore(home / "runs.sqlite3")
    try:
        async with PingDataClient(api_url, TEST_TOKEN, retry=FAST_RETRY) as client:
            events: list[Event] = []
            engine = Engine(store, client, on_event=events.append, **options)
            try:
                yield Harness(store, client, engine, events)
            finally:
                await engine.aclose()
    finally:
        store.close()
