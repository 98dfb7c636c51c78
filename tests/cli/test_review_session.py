"""The window's review services (session): per-run queue counts with the Settings threshold,
and the engine of a stored run's own API."""

from __future__ import annotations

import asyncio
import dataclasses

from ping_desktop.session import build_services
from ping_desktop.storage.paths import app_paths
from ping_desktop.storage.runstore import RunStore
from tests.storage.review_runs import make_review_run


def test_review_counts_use_the_settings_threshold_and_engine_for_run_its_api() -> None:
    async def scenario() -> None:
        services = await asyncio.to_thread(build_services, app_paths())
        try:
            store: RunStore = services.run_store
            run_id = await asyncio.to_thread(make_review_run, store)
            assert await services.review_counts([run_id]) == {run_id: 7}
            services.settings = dataclasses.replace(services.settings,
                                                    low_confidence_threshold=30)
            assert await services.review_counts([run_id]) == {run_id: 6}
            run = await asyncio.to_thread(store.get_run, run_id)
            engine = await services.engine_for_run(run)
            assert engine.client.origin == "http://127.0.0.1:1"
            assert engine.store is store
        finally:
            await services.aclose()

    asyncio.run(scenario())
