"""``review``: list the rows of a stored run that need a person, and accept rows as they are
(no network needed)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ping_desktop.cli.support import EXIT_OK, EXIT_USAGE, CliError, guarded, stored_run
from ping_desktop.storage.review_queue import REASON_LABELS, QueueRow, review_queue
from ping_desktop.storage.row_edits import EditError, review_author
from ping_desktop.storage.runstore import RunStore


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``review``."""
    p = subparsers.add_parser(
        "review", help="list the rows of a run that need review",
        description="List the rows of RUN that need a person: not sent, not found, a source "
        "that failed, located with low confidence, or flagged by the address checks, each with "
        "its reason and current address. Fix them with `resubmit`; mark rows that are fine as "
        "they are with --accept. No network needed.",
    )
    p.add_argument("run", type=int, help="run id (`ping-desktop-cli runs` lists them)")
    p.add_argument("--json", action="store_true", help="print the queue as JSON on stdout")
    p.add_argument("--accept", type=int, action="append", default=[], metavar="SHEET_ROW",
                   help="mark this row reviewed as it is (repeatable); it leaves the queue")
    p.add_argument("--threshold", type=int, metavar="0-100",
                   help="low-confidence threshold (default: the one in Settings)")
    p.set_defaults(func=guarded(run_review))


def _threshold(given: int | None) -> int:
    if given is None:
        from ping_desktop.storage.settings import SettingsStore

        return SettingsStore().load().low_confidence_threshold
    if not 0 <= given <= 100:
        raise CliError("--threshold must be between 0 and 100.", EXIT_USAGE)
    return given


def _address(row: QueueRow) -> str:
    parts = [row.address.get(k) for k in ("address", "street", "unit", "city", "state", "zip",
                                         "country")]
    text = ", ".join(p for p in parts if p)
    if "latitude" in row.address and "longitude" in row.address:
        coordinates = f"{row.address['latitude']}, {row.address['longitude']}"
        text = f"{text} ({coordinates})" if text else coordinates
    return text or "(no address)"


def as_json(run_id: int, threshold: int, rows: list[QueueRow]) -> dict[str, Any]:
    """The queue as ``review --json`` prints it."""
    return {
        "run": run_id, "threshold": threshold, "count": len(rows),
        "rows": [
            {"row": r.row_number, "reason": r.reason.value,
             "reasons": [x.value for x in r.reasons], "message": r.message,
             "address": r.address, "edits": r.edits, "pending_edit": r.pending_edit}
            for r in rows
        ],
    }


def run_review(args: argparse.Namespace) -> int:
    """List the queue of one run (after accepting the rows given with --accept)."""
    threshold = _threshold(args.threshold)
    with RunStore() as store:
        run = stored_run(store, args.run)
        if args.accept:
            try:
                added = store.accept_rows(run.id, args.accept, review_author())
            except EditError as exc:
                raise CliError(exc.message, EXIT_USAGE) from None
            print(f"Marked {added} row(s) reviewed as they are.", file=sys.stderr)
        rows = review_queue(store, run.id, threshold)
    if args.json:
        print(json.dumps(as_json(run.id, threshold, rows), ensure_ascii=False, indent=2))
        return EXIT_OK
    if not run.phase.is_final:
        print(f"Note: run {run.id} is {run.phase.value}; rows still waiting for results are "
              "not listed as not found.", file=sys.stderr)
    if not rows:
        print(f"Run {run.id} ({run.file_name}): no rows need review.")
        return EXIT_OK
    print(f"Run {run.id} ({run.file_name}): {len(rows):,} row(s) need review "
          f"(low confidence: below {threshold}).")
    for row in rows:
        print(f"Row {row.row_number:<6} {REASON_LABELS[row.reason]:<16} {_address(row)}")
        print(f"{'':11}{row.message}")
    print(f"Fix a row: ping-desktop-cli resubmit {run.id} --row N --set street=... "
          "--set city=...; or accept it: --accept N.")
    return EXIT_OK
