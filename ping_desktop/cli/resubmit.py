"""``resubmit``: correct the address of rows of a stored run and send only those rows again,
as a new job of the same run; the run's saved result is then written again."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ping_desktop.api import normalise_api_url
from ping_desktop.cli.stored_run import work_on_run
from ping_desktop.cli.support import (
    EXIT_BUSY,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    guarded,
    positive_int,
    stored_run,
    token_for,
)
from ping_desktop.engine import resubmit as review
from ping_desktop.engine.runner import Engine
from ping_desktop.session import origin_of
from ping_desktop.storage.row_edits import (
    EDIT_FIELDS,
    EditError,
    ResubmitPlan,
    RowEdit,
    review_author,
)
from ping_desktop.storage.runstore import RunLeasedError, RunRecord, RunStore


class _InOrder(argparse.Action):
    """Collects ``--row`` and ``--set`` in the order given, so each ``--set`` belongs to the
    ``--row`` before it."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        blocks = list(getattr(namespace, "blocks", None) or [])
        blocks.append((self.dest, values))
        namespace.blocks = blocks


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``resubmit``."""
    fields = ", ".join(EDIT_FIELDS)
    p = subparsers.add_parser(
        "resubmit", help="correct rows of a run and send only those again",
        description="Correct the address of rows of RUN and send only those rows again, as a "
        "new job of the same run (this uses credits: the lookups are printed first). Give each "
        "row with --row SHEET_ROW followed by its changes, --set FIELD=VALUE (repeatable; an "
        f"empty VALUE clears the field). Fields: {fields}. Without --row, the edits saved "
        "earlier (--save-only, or the window) are sent. The run's result is saved again where "
        "enhance saved it (or --output).",
    )
    p.add_argument("run", type=int, help="run id (`ping-desktop-cli runs` lists them)")
    p.add_argument("--row", type=positive_int, action=_InOrder, metavar="SHEET_ROW",
                   help="the sheet row to correct, as `review` lists it (repeatable)")
    p.add_argument("--set", action=_InOrder, metavar="FIELD=VALUE",
                   help="a change to the row before it, e.g. --set zip=02139 (repeatable)")
    p.add_argument("--save-only", action="store_true",
                   help="store the edits without sending them (works offline)")
    p.add_argument("--api-url", help="the run's API address (default: the one the run used)")
    p.add_argument("--output", type=Path, help="where to save the result (default: as enhance)")
    p.add_argument("--poll-interval", type=float, help=argparse.SUPPRESS)
    p.set_defaults(func=guarded(run_resubmit), blocks=None)


def parse_blocks(blocks: Sequence[tuple[str, Any]]) -> list[RowEdit]:
    """``[("row", 5), ("set", "zip=02139"), ...]`` -> one :class:`RowEdit` per ``--row``."""
    edits: list[tuple[int, dict[str, str]]] = []
    for kind, value in blocks:
        if kind == "row":
            edits.append((int(value), {}))
            continue
        if not edits:
            raise CliError(f"--set {value} comes before any --row: give the row first, e.g. "
                           f"--row 5 --set {value}.", EXIT_USAGE)
        name, equals, text = str(value).partition("=")
        if not equals or not name.strip():
            raise CliError(f'--set "{value}" is not FIELD=VALUE: write e.g. --set '
                           "street=\"77 Massachusetts Ave\".", EXIT_USAGE)
        edits[-1][1][name.strip().lower()] = text
    for row, changes in edits:
        if not changes:
            raise CliError(f"--row {row} has no --set after it: say what to change, e.g. "
                           f"--row {row} --set street=\"1 Main St\".", EXIT_USAGE)
    return [RowEdit(row, changes) for row, changes in edits]


def _check_api(run: RunRecord, api_url: str | None) -> None:
    """The rows go to the API the run used: its jobs live there (resume polls it)."""
    if api_url is None:
        return
    try:
        given = origin_of(normalise_api_url(api_url))
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if given != origin_of(run.api_origin):
        raise CliError(
            f"Run {run.id} was sent to {origin_of(run.api_origin)}; its rows can only be sent "
            f"again there (got {given}). Leave out --api-url, or start a new run with enhance.",
            EXIT_USAGE)


def _print_plan(plan: ResubmitPlan, title: str) -> None:
    for check in plan.rows:
        sent = check.address_sent or "(nothing to send)"
        print(f"Row {check.row_number}: {sent}", file=sys.stderr)
        for problem in check.problems:
            print(f"  {problem.severity}: {problem.message}", file=sys.stderr)
    print(title, file=sys.stderr)


def run_resubmit(args: argparse.Namespace) -> int:
    """Store the edits given, then send the rows with edits as a new job of the run."""
    edits = parse_blocks(args.blocks or [])
    with RunStore() as store:
        run = stored_run(store, args.run)
        _check_api(run, args.api_url)
        leased = store.leased_runs()
        if run.id in leased:
            raise CliError(RunLeasedError(run.id, leased[run.id]).message, EXIT_BUSY)
        if not args.save_only:
            if not run.phase.is_final:
                raise CliError(f"Run {run.id} is {run.phase.value}: let it finish first "
                               f"(`ping-desktop-cli resume {run.id}`), then resubmit rows.")
            # Before anything is stored: a missing token is said at once.
            token_for(normalise_api_url(run.api_origin))
        try:
            if edits:
                checked = review.check_blocking(store, run.id, edits)
                store.record_row_edits(run.id, checked.rows, review_author())
            plan = review.plan_blocking(store, run.id,
                                        [e.row_number for e in edits] if edits else None)
        except EditError as exc:
            raise CliError(exc.message, EXIT_USAGE) from None
    if not plan.rows:
        raise CliError(f"Run {run.id} has no edited rows to send: give --row SHEET_ROW "
                       "--set FIELD=VALUE.", EXIT_USAGE)
    sources = len(plan.sources)
    rows = len(plan.sendable_rows)
    _print_plan(plan, f"Run {run.id}: {rows} row(s) to send again, {plan.lookups:,} lookup(s) "
                f"({rows} location(s) x {sources} source(s)).")
    if plan.blocked_rows:
        shown = ", ".join(map(str, plan.blocked_rows))
        raise CliError(f"Row {shown} cannot be sent (see the errors above); nothing was sent. "
                       "Your edits are kept: correct them with --row ... --set ....", EXIT_USAGE)
    if args.save_only:
        print(f"Saved; send them with `ping-desktop-cli resubmit {run.id}`.", file=sys.stderr)
        return EXIT_OK
    return asyncio.run(_send(args, run, list(plan.sendable_rows)))


async def _send(args: argparse.Namespace, run: RunRecord, rows: list[int]) -> int:
    async def send(engine: Engine, store: RunStore) -> RunRecord:
        print(f"Sending {len(rows)} row(s) of run {run.id} ({run.file_name}) again.",
              file=sys.stderr)
        try:
            return await review.resubmit(engine, run.id, rows)
        except EditError as exc:
            raise CliError(exc.message, EXIT_USAGE) from None

    return await work_on_run(args, run, send)
