"""``export``: save a stored run again, as .xlsx or .csv, print its summary, draw its map
(no network needed)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ping_desktop.cli.results import target_for
from ping_desktop.cli.run_views import check_map_target, summary_lines, write_map
from ping_desktop.cli.support import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    guarded,
    stored_run,
)
from ping_desktop.engine.timings import Timings
from ping_desktop.export import ExportError
from ping_desktop.export.from_store import export_raw, export_run
from ping_desktop.storage.runstore import RunRecord, RunStore


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``export``."""
    p = subparsers.add_parser(
        "export", help="save a stored run again, print its summary or draw its map (offline)")
    p.add_argument("run", type=int, help="run id (see `runs`)")
    p.add_argument("--output", type=Path, help="OUT.xlsx (with a Summary sheet) or OUT.csv")
    p.add_argument("--summary", action="store_true",
                   help="print the run's summary: rows per outcome, match rate, classes")
    p.add_argument("--map", type=Path, metavar="MAP.png",
                   help="draw every located row on a map and save it as a PNG image")
    p.add_argument("--raw", type=Path, metavar="DIR", help="copy the raw JSON outputs into DIR")
    p.add_argument("--timings", action="store_true",
                   help="print a JSON line with the export's time on stdout")
    p.set_defaults(func=guarded(run_export))


def run_export(args: argparse.Namespace) -> int:
    """Save a stored run as .xlsx or .csv (and optionally its raw outputs), print its summary,
    draw its map: whichever was asked for, in that order."""
    if args.output is None and not args.summary and args.map is None and args.raw is None:
        raise CliError("Say what to export: --output OUT.xlsx (or .csv), --summary, "
                       "--map MAP.png or --raw DIR.", EXIT_USAGE)
    if args.map is not None:
        check_map_target(args.map)  # before a long export, not after it
    with RunStore() as store:
        run = stored_run(store, args.run)
        if args.summary:
            print(summary_lines(store, run), flush=True)
        if args.output is not None:
            save_output(store, run, args)
        elif args.raw:
            try:
                copied = export_raw(store, run.id, args.raw)
            except ExportError as exc:
                raise CliError(exc.message, EXIT_FAILED) from None
            print(f"Copied {len(copied)} raw output file(s) to {args.raw}.", file=sys.stderr)
        if args.map is not None:
            dots = write_map(store, run, args.map)
            print(f"Saved the map of {dots:,} located row{'s' if dots != 1 else ''} to "
                  f"{args.map}.", file=sys.stderr)
    return EXIT_OK


def save_output(store: RunStore, run: RunRecord, args: argparse.Namespace) -> None:
    """Write ``--output`` (and ``--raw``) for ``run``."""
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
