"""Working on a stored run from the command line (``resume``, ``retry-failed``): its own API
client and engine, the output ``enhance`` remembered (or ``--output``), and the final save."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable

from ping_desktop.api import PingDataClient, normalise_api_url
from ping_desktop.cli.progress import ProgressPrinter
from ping_desktop.cli.results import Target, finish, remembered_target, target_for
from ping_desktop.cli.support import token_for, tuning
from ping_desktop.engine.runner import Engine
from ping_desktop.engine.timings import Timings
from ping_desktop.storage.runstore import RunRecord, RunStore

#: What to do with the run once its engine is ready; returns the run as stored after.
RunWork = Callable[[Engine, RunStore], Awaitable[RunRecord]]


async def work_on_run(args: argparse.Namespace, run: RunRecord, work: RunWork) -> int:
    """Open ``run``'s API with the token for its origin, do ``work``, then save the result
    where ``enhance`` meant to (or ``args.output``); returns the exit code."""
    api_url = normalise_api_url(run.api_origin)
    token = token_for(api_url)
    tune = tuning(args)
    store = RunStore()
    try:
        async with PingDataClient(api_url, token) as client:
            printer = ProgressPrinter()
            engine = tune.engine(store, client, printer)
            try:
                folder = await engine.db(store.run_folder, run.id)
                target: Target | None = remembered_target(folder)
                if args.output is not None:
                    target = target_for(args.output, run.input_path)
                done = await work(engine, store)
            finally:
                printer.finish()
                await engine.aclose()
        return await finish(store, done, target, Timings())
    finally:
        store.close()
