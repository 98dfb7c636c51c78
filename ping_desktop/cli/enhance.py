"""``enhance``: a spreadsheet in, the enriched workbook out, through a stored, resumable run."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ping_desktop.api import DatasourceConfig, PingDataClient
from ping_desktop.cli.inspect import add_decline_argument
from ping_desktop.cli.progress import ProgressPrinter
from ping_desktop.cli.results import DONE, Target, clean_stale_temps, finish, on_cpu, target_for
from ping_desktop.cli.support import (
    EXIT_USAGE,
    CliError,
    Tuning,
    api_url_from,
    guarded,
    positive_int,
    token_for,
    tuning,
)
from ping_desktop.engine.events import Event, JobProgress
from ping_desktop.engine.timings import Timings
from ping_desktop.export import ExportStats
from ping_desktop.export.cells import EXCEL_MAX_COLS
from ping_desktop.export.during_run import ExportDuringRun
from ping_desktop.export.model import result_columns_for
from ping_desktop.intake import IntakeError, refusal
from ping_desktop.intake.model import FIELD_LABELS
from ping_desktop.storage.runstore import RunRecord, RunStore
from ping_desktop.worker.contract import PlanSummary, ReadResult
from ping_desktop.worker.workbench import ThreadWorkbench

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``enhance``."""
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
    p.add_argument("--locations-per-job", type=positive_int, metavar="N")
    p.add_argument("--concurrency", type=positive_int, metavar="M", help="jobs in flight at once")
    add_decline_argument(p)
    p.add_argument("--timings", action="store_true",
                   help="print a JSON line of phase timings on stdout at the end")
    p.add_argument("--poll-interval", type=float, help=argparse.SUPPRESS)
    p.set_defaults(func=guarded(run_enhance))


def parse_sources(text: str) -> list[str]:
    """``"pg, ph"`` -> ``["PG", "PH"]`` (order kept, duplicates dropped)."""
    codes = list(dict.fromkeys(c.strip().upper() for c in text.split(",") if c.strip()))
    if not codes:
        raise CliError("Give at least one source, e.g. --sources PG,PH.", EXIT_USAGE)
    return codes


def run_enhance(args: argparse.Namespace) -> int:
    """Run the ``enhance`` command."""
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path} was not found (or is not a file). Check the path and try again.")
    sources = parse_sources(args.sources)
    target = target_for(args.output, path)
    api_url = api_url_from(args.api_url, args.environment)
    token = token_for(api_url)
    timings = Timings()
    timings.mark("command start")
    code = asyncio.run(_enhance(args, path, sources, target, api_url, token, tuning(args),
                                timings))
    if args.timings:
        # The events first (for bench_vs_official --timeline), the phases last: scripts read
        # the last line.
        print(json.dumps({"timeline": timings.timeline()}), flush=True)
        print(json.dumps(timings.report(), sort_keys=True), flush=True)
    return code


def check_sources(sources: Sequence[str], available: dict[str, DatasourceConfig]) -> None:
    """Refuse sources the account cannot use, before anything is sent."""
    unknown = [s for s in sources if s not in available]
    if unknown:
        raise CliError(
            f"Source(s) {', '.join(unknown)} are unknown or not enabled for your account. "
            f"Available: {', '.join(sorted(available)) or 'none'}.",
            EXIT_USAGE,
        )


def _refuse_if_unsendable(path: Path, plan: PlanSummary) -> None:
    """Stop before any request when nothing can be sent (header only, no usable location),
    with the intake's own words for what is wrong."""
    problem = refusal(plan.problems)
    if problem is not None:
        raise CliError(f"{path.name}: {problem.message} Nothing was sent.")
    if not plan.unique_locations:
        raise CliError(
            f"No row of {path.name} has a usable location (address or latitude/longitude), "
            "so nothing was sent. Check the header row and column names (`ping-desktop-cli "
            "inspect FILE` shows how the file is read)."
        )


def check_width(target: Target, columns: int, sources: Sequence[str],
                 datasources: dict[str, DatasourceConfig]) -> None:
    """An .xlsx output has at most 16,384 columns: say so before any credit is spent."""
    if target.fmt != "xlsx":
        return
    added = result_columns_for(list(sources),
                               {s: list(datasources[s].output_fields) for s in sources})
    # The export puts "Address sent" and "Checks" before the results (export/from_store.py).
    width = columns + 2 + len(added)
    if width > EXCEL_MAX_COLS:
        raise CliError(
            f"The enriched workbook would need {width:,} columns ({columns:,} of the file and "
            f"{width - columns:,} of results), more than Excel's {EXCEL_MAX_COLS:,}. Nothing "
            "was sent. Choose fewer sources, or save as .csv with --output.", EXIT_USAGE)


async def _read_and_plan(bench: ThreadWorkbench, args: argparse.Namespace, path: Path,
                         sources: list[str]) -> tuple[ReadResult, PlanSummary]:
    """Read, map and plan the file without the server (no source's required fields yet), and
    refuse a file with nothing to send before any request."""
    timings = bench.timings
    assert timings is not None
    try:
        with timings.measure("intake"):
            read = await bench.read(path, args.sheet)
            timings.mark("file read")
            plan = await bench.plan(read.handle, read.mapping, sources, {},
                                    _declined(args))
            timings.mark("planned")
    except IntakeError as exc:
        raise CliError(exc.message) from None
    fields = read.mapping.fields
    mapped = ", ".join(f"{FIELD_LABELS.get(f, f)} <- '{c}'" for f, c in fields.items())
    print(f"{path.name}: {plan.rows:,} rows, {plan.unique_locations:,} unique locations, "
          f"{plan.rows_with_problems:,} rows with problems. Columns: {mapped or 'none'}",
          file=sys.stderr)
    if plan.repairs:
        said = "; ".join(r.label + (" — DECLINED, sent as written" if r.kind in plan.declined
                                    else "") for r in plan.repairs)
        print(f"Address repairs: {said}", file=sys.stderr)
    try:
        _refuse_if_unsendable(path, plan)
    except CliError:
        await bench.release(read.handle)
        raise
    return read, plan


def _declined(args: argparse.Namespace) -> frozenset[str]:
    return frozenset(getattr(args, "decline", None) or ())


async def _plan_run(
    bench: ThreadWorkbench, store: RunStore, tune: Tuning, read: ReadResult,
    plan: PlanSummary, path: Path, sources: list[str],
    datasources: dict[str, DatasourceConfig], origin: str, target: Target,
) -> int:
    """Plan again with the sources' required fields when they have any, check the output's
    width, and store the run through the workbench, as the window does."""
    timings = bench.timings
    assert timings is not None
    required = {s: datasources[s].required_attrs for s in sources}
    if any(required.values()):
        try:
            with timings.measure("intake"):
                plan = await bench.plan(read.handle, read.mapping, sources, required,
                                        plan.declined)
        except IntakeError as exc:
            raise CliError(exc.message) from None
        _refuse_if_unsendable(path, plan)
    check_width(target, len(read.preview.columns), sources, datasources)
    with timings.measure("plan_store"):
        return await bench.create_run(
            read.handle, plan.plan_id, store_path=store.path,
            locations_per_job=tune.locations_per_job, sources=sources, api_origin=origin,
            source_fields={s: list(datasources[s].output_fields) for s in sources},
            output=target.as_json(), concurrent_jobs=tune.concurrent_jobs)


async def _enhance(
    args: argparse.Namespace, path: Path, sources: list[str], target: Target, api_url: str,
    token: str, tune: Tuning, timings: Timings,
) -> int:
    store = RunStore()
    try:
        bench = ThreadWorkbench(timings)
        try:
            # Read and plan before the server is contacted: a file with nothing to send is
            # refused without a single request.
            read, plan = await _read_and_plan(bench, args, path, sources)
            released = False
            try:
                async with PingDataClient(api_url, token) as client:
                    datasources = await client.list_datasources()
                    timings.mark("datasources listed")
                    check_sources(sources, datasources)
                    run_id = await _plan_run(bench, store, tune, read, plan, path, sources,
                                             datasources, client.origin, target)
                    # The table's rows are in the store now: free them before the run.
                    timings.mark("run stored")
                    await bench.release(read.handle)
                    released = True
                    bench.shutdown()
                    run, prepared = await _run_and_export(store, client, tune, timings,
                                                          run_id, target)
            finally:
                if not released:
                    await bench.release(read.handle)
        finally:
            bench.shutdown()
        return await finish(store, run, target, timings, prepared)
    finally:
        store.close()


async def _run_and_export(store: RunStore, client: PingDataClient, tune: Tuning,
                          timings: Timings, run_id: int, target: Target
                          ) -> tuple[RunRecord, ExportStats | None]:
    """Run the jobs while an .xlsx target is written as their results arrive (so little is
    left after the last job); the run and the export written, None when it was not (a .csv
    target, a run that did not finish well, a failure: :func:`finish` then exports as
    usual)."""
    if target.fmt != "xlsx":
        return await _run(store, client, tune, timings, run_id, None), None
    # Before the export's own temp file exists (it waits beside the target all run long).
    await asyncio.to_thread(clean_stale_temps, target.path)
    early = ExportDuringRun(store, run_id, target.path,
                            lambda write: on_cpu(timings, "merge_export", write))
    early.start()
    complete = False
    try:
        run = await _run(store, client, tune, timings, run_id, early.nudge)
        complete = run.phase in DONE
    finally:
        timings.mark("export start")
        with timings.measure("merge_export"):
            prepared = await asyncio.to_thread(early.finish, complete)
    if prepared is not None:
        timings.mark(f"export written during the run ({early.rows_before_end} rows before "
                     "its end)")
    elif early.error is not None:
        log.info("The export written during the run failed; exporting again after it: %r",
                 early.error)
    return run, prepared


async def _run(store: RunStore, client: PingDataClient, tune: Tuning, timings: Timings,
               run_id: int, nudge: Callable[[], None] | None) -> RunRecord:
    printer = ProgressPrinter()

    def on_event(event: Event) -> None:
        printer(event)
        if nudge is not None and isinstance(event, JobProgress) and event.phase.is_final:
            nudge()  # the export written during the run looks for newly final rows now

    engine = tune.engine(store, client, on_event, timings)
    try:
        # The whole process's CPU: submit, poll and download on the loop thread, parse and
        # store writes in worker threads.
        with timings.measure_cpu("run", time.process_time):
            return await engine.run(run_id)
    finally:
        printer.finish()
        await engine.aclose()
