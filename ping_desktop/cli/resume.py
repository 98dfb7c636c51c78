"""``resume``: continue unfinished runs where they stopped."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from ping_desktop.cli.results import (
    DONE,
    finish,
    output_pending,
    remembered_target,
)
from ping_desktop.cli.stored_run import work_on_run
from ping_desktop.cli.support import (
    EXIT_BUSY,
    EXIT_OK,
    CliError,
    guarded,
    stored_run,
)
from ping_desktop.domain import JobPhase
from ping_desktop.engine.runner import Engine
from ping_desktop.engine.timings import Timings
from ping_desktop.storage.runstore import Lease, RunLeasedError, RunRecord, RunStore


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``resume``."""
    p = subparsers.add_parser(
        "resume", help="continue unfinished runs",
        description="Continue RUN (or every unfinished run): submitted jobs are polled, unsent "
        "jobs are sent, downloaded results are kept. Jobs whose submission is uncertain are "
        "only sent again with --resubmit-uncertain.",
    )
    p.add_argument("run", nargs="?", type=int, help="run id (default: every unfinished run)")
    p.add_argument("--resubmit-uncertain", action="store_true",
                   help="send again jobs that may or may not have reached the server "
                        "(may use credits twice)")
    p.add_argument("--output", type=Path, help="where to save the result (default: as enhance)")
    p.add_argument("--poll-interval", type=float, help=argparse.SUPPRESS)
    p.set_defaults(func=guarded(run_resume))


def run_resume(args: argparse.Namespace) -> int:
    """Continue one or every unfinished run (runs another live process is working on are
    left alone, and said so)."""
    with RunStore() as store:
        leased = store.leased_runs()
        if args.run:
            runs = [stored_run(store, args.run)]
        else:
            runs = store.unfinished_runs()
            busy = store.unfinished_runs(include_leased=True)
            for run in busy:
                if run.id in leased:
                    print(f"Run {run.id} ({run.file_name}) skipped: another Ping Desktop is "
                          f"working on it ({leased[run.id].describe()}).", file=sys.stderr)
            if not runs and busy:
                return EXIT_BUSY
        unsaved = [] if args.run else _unsaved(store, leased)
    if args.run and args.run in leased:
        raise CliError(RunLeasedError(args.run, leased[args.run]).message, EXIT_BUSY)
    if not runs and not unsaved:
        print("Nothing to resume: every run has finished.", file=sys.stderr)
        return EXIT_OK
    code = EXIT_OK
    for run in unsaved:  # finished, but a kill stopped the export: write it now
        print(f"Saving run {run.id} ({run.file_name}), which finished before it was saved.",
              file=sys.stderr)
        code = max(code, asyncio.run(_save_only(run)))
    for run in runs:
        code = max(code, asyncio.run(_resume_one(args, run)))
    return code


def _unsaved(store: RunStore, leased: dict[int, Lease]) -> list[RunRecord]:
    """Finished runs whose requested output was never written (a kill during the export)."""
    return [r for r in store.list_runs()[::-1]
            if r.phase in DONE and r.id not in leased and output_pending(store.run_folder(r.id))]


async def _save_only(run: RunRecord) -> int:
    store = RunStore()
    try:
        target = remembered_target(await asyncio.to_thread(store.run_folder, run.id))
        return await finish(store, run, target, Timings())
    finally:
        store.close()


async def _resume_one(args: argparse.Namespace, run: RunRecord) -> int:
    """Resume ``run`` with its own engine, then save it where ``enhance`` meant to."""

    async def resume(engine: Engine, store: RunStore) -> RunRecord:
        jobs = await engine.db(store.jobs, run.id)
        for job in (j for j in jobs if j.phase is JobPhase.UNCERTAIN):
            if args.resubmit_uncertain:
                await engine.resolve_uncertain(job.id, resubmit=True)
            else:
                print(f"Job {job.number} of run {run.id}: {job.message} Use "
                      "--resubmit-uncertain to send it again.", file=sys.stderr)
        print(f"Resuming run {run.id} ({run.file_name}).", file=sys.stderr)
        return await engine.resume(run.id)

    return await work_on_run(args, run, resume)
