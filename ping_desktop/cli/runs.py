"""The engine's commands: ``enhance``, ``runs``, ``resume`` and ``export``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from ping_desktop.api import PingDataClient, normalise_api_url
from ping_desktop.cli.enhance import (
    Target,
    finish,
    remembered_target,
    run_enhance,
    target_for,
)
from ping_desktop.cli.progress import ProgressPrinter
from ping_desktop.cli.support import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    guarded,
    token_for,
    tuning,
)
from ping_desktop.domain import JobPhase
from ping_desktop.engine.runner import Engine
from ping_desktop.engine.timings import Timings
from ping_desktop.export import ExportError
from ping_desktop.export.from_store import export_raw, export_run
from ping_desktop.storage.runstore import RunRecord, RunStore


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``enhance``, ``runs``, ``resume`` and ``export``."""
    p = subparsers.add_parser(
        "enhance", help="enrich a spreadsheet with Ping.Data (a resumable run)",
        description="Read FILE, send its unique locations to Ping.Data Bulk Enhance and save "
        "the enriched workbook. The token comes from PING_DATA_AUTH_TOKEN or the keyring.",
    )
    p.add_argument("file", type=Path, help="the .xlsx/.xlsm/.xls/.xlsb/.ods/.csv/.tsv file")
    p.add_argument("--sources", required=True, help="datasource codes, e.g. PG,PH")
    p.add_argument("--sheet", help="sheet name (default: the one that looks like an SOV)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--api-url", help="API address (default: from the app's settings)")
    where.add_argument("--environment", help="a documented environment key, e.g. prod")
    p.add_argument("--output", type=Path,
                   help="OUT.xlsx or OUT.csv (default: <input>-enriched.xlsx beside the input)")
    p.add_argument("--locations-per-job", type=_positive, metavar="N")
    p.add_argument("--concurrency", type=_positive, metavar="M", help="jobs in flight at once")
    p.add_argument("--timings", action="store_true",
                   help="print a JSON line of phase timings on stdout at the end")
    p.add_argument("--poll-interval", type=float, help=argparse.SUPPRESS)
    p.set_defaults(func=guarded(run_enhance))

    p = subparsers.add_parser("runs", help="list stored runs, newest first")
    p.set_defaults(func=guarded(run_runs))

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

    p = subparsers.add_parser("export", help="save a stored run again (no network needed)")
    p.add_argument("run", type=int, help="run id (see `runs`)")
    p.add_argument("--output", type=Path, required=True, help="OUT.xlsx or OUT.csv")
    p.add_argument("--raw", type=Path, metavar="DIR", help="also copy the raw JSON outputs here")
    p.add_argument("--timings", action="store_true",
                   help="print a JSON line with the export's time on stdout")
    p.set_defaults(func=guarded(run_export))


def _get_run(store: RunStore, run_id: int) -> RunRecord:
    try:
        return store.get_run(run_id)
    except KeyError:
        raise CliError(f"There is no run {run_id}. `ping-desktop-cli runs` lists them.",
                       EXIT_USAGE) from None


def run_runs(args: argparse.Namespace) -> int:
    """Print the runs table."""
    with RunStore() as store:
        runs = store.list_runs()
    if not runs:
        print("No runs yet. Start one with: ping-desktop-cli enhance FILE --sources PG")
        return EXIT_OK
    header = ("ID", "Created", "File", "Sources", "Status", "Rows", "Locations", "Jobs",
              "Problems")
    rows = [header] + [
        (str(r.id), r.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
         r.file_name + (" (demo)" if r.is_demo else ""), ",".join(r.sources), r.phase.value,
         f"{r.rows:,}", f"{r.locations_completed:,}/{r.unique_locations:,}",
         f"{r.jobs_done}/{r.jobs_total}", f"{r.problems:,}")
        for r in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def run_resume(args: argparse.Namespace) -> int:
    """Continue one or every unfinished run."""
    with RunStore() as store:
        runs = [_get_run(store, args.run)] if args.run else store.unfinished_runs()
    if not runs:
        print("Nothing to resume: every run has finished.", file=sys.stderr)
        return EXIT_OK
    code = EXIT_OK
    for run in runs:
        code = max(code, asyncio.run(_resume_one(args, run)))
    return code


async def _resume_one(args: argparse.Namespace, run: RunRecord) -> int:
    api_url = normalise_api_url(run.api_origin)
    token = token_for(api_url)
    tune = tuning(args)
    store = RunStore()
    try:
        target: Target | None = remembered_target(store.run_folder(run.id))
        if args.output is not None:
            target = target_for(args.output, run.input_path)
        async with PingDataClient(api_url, token) as client:
            printer = ProgressPrinter()
            engine = Engine(store, client, locations_per_job=tune.locations_per_job,
                            concurrent_jobs=tune.concurrent_jobs, on_event=printer,
                            poll=tune.poll)
            uncertain = [j for j in store.jobs(run.id) if j.phase is JobPhase.UNCERTAIN]
            for job in uncertain:
                if args.resubmit_uncertain:
                    await engine.resolve_uncertain(job.id, resubmit=True)
                else:
                    print(f"Job {job.number} of run {run.id}: {job.message} Use "
                          "--resubmit-uncertain to send it again.", file=sys.stderr)
            print(f"Resuming run {run.id} ({run.file_name}).", file=sys.stderr)
            try:
                done = await engine.resume(run.id)
            finally:
                printer.finish()
        return await finish(store, done, target, Timings())
    finally:
        store.close()


def run_export(args: argparse.Namespace) -> int:
    """Save a stored run as .xlsx or .csv (and optionally its raw outputs)."""
    with RunStore() as store:
        run = _get_run(store, args.run)
        target = target_for(args.output, run.input_path)
        if run.phase.value not in ("COMPLETE", "COMPLETE_WITH_PROBLEMS"):
            print(f"Note: run {run.id} is {run.phase.value}; rows without results are exported "
                  "with empty result columns.", file=sys.stderr)
        timings = Timings()
        cpu = time.process_time()
        try:
            with timings.measure("merge_export"):
                stats = export_run(store, run.id, target.path, target.fmt)
            cpu = time.process_time() - cpu
            copied = export_raw(store, run.id, args.raw) if args.raw else []
        except ExportError as exc:
            raise CliError(exc.message, EXIT_FAILED) from None
    print(f"Saved {stats.path} ({stats.rows:,} rows).", file=sys.stderr)
    if args.timings:
        print(json.dumps({"merge_export": round(timings.seconds("merge_export"), 3),
                          "merge_export_cpu": round(cpu, 3)}), flush=True)
    if args.raw:
        print(f"Copied {len(copied)} raw output file(s) to {args.raw}.", file=sys.stderr)
    return EXIT_OK


__all__ = ["EXIT_USAGE", "register"]
