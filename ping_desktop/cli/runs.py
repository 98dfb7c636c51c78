"""``runs``: the stored runs, newest first."""

from __future__ import annotations

import argparse
from typing import Any

from ping_desktop.cli.support import EXIT_OK, guarded
from ping_desktop.storage.runstore import RunStore


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``runs``."""
    p = subparsers.add_parser("runs", help="list stored runs, newest first")
    p.set_defaults(func=guarded(run_runs))


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
