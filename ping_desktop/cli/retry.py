"""``retry-failed``: send again the rows of a run that got no results, or leave them."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from ping_desktop.cli.stored_run import work_on_run
from ping_desktop.cli.support import guarded, stored_run
from ping_desktop.engine.runner import Engine
from ping_desktop.storage.runstore import RunRecord, RunStore


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``retry-failed``."""
    p = subparsers.add_parser(
        "retry-failed", help="send again the rows of a run that got no results",
        description="Send again, as new jobs of RUN, the locations whose sources failed or "
        "whose jobs need attention (lost by the server, an unknown status, past their "
        "deadline); this uses credits. With --drop, leave the rows of jobs that need "
        "attention without results instead and finish the run. The result is saved where "
        "enhance meant to (or --output).",
    )
    p.add_argument("run", type=int, help="run id (`ping-desktop-cli runs` lists them)")
    p.add_argument("--drop", action="store_true",
                   help="do not send them again: finish the run without their results")
    p.add_argument("--output", type=Path, help="where to save the result (default: as enhance)")
    p.add_argument("--poll-interval", type=float, help=argparse.SUPPRESS)
    p.set_defaults(func=guarded(run_retry))


def run_retry(args: argparse.Namespace) -> int:
    """Retry (or drop) the failed rows of one run, then save it."""
    with RunStore() as store:
        run = stored_run(store, args.run)
    return asyncio.run(_retry(args, run))


async def _retry(args: argparse.Namespace, run: RunRecord) -> int:
    async def retry(engine: Engine, store: RunStore) -> RunRecord:
        if args.drop:
            dropped = await engine.drop_stuck(run.id)
            print(f"Run {run.id}: {dropped} job(s) left without results.", file=sys.stderr)
        else:
            sent = await engine.retry_failed(run.id)
            print(f"Run {run.id}: {sent:,} location(s) sent again." if sent else
                  f"Run {run.id}: nothing to send again.", file=sys.stderr)
        return await engine.db(store.get_run, run.id)

    return await work_on_run(args, run, retry)
