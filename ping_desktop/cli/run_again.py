"""``run-again``: a new run of a stored run's input with other sources or another mapping,
without the file (the rows are in the store)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ping_desktop.api import PingDataClient, normalise_api_url
from ping_desktop.cli.enhance import check_sources, check_width, parse_sources
from ping_desktop.cli.progress import ProgressPrinter
from ping_desktop.cli.results import Target, finish, target_for
from ping_desktop.cli.support import (
    EXIT_USAGE,
    CliError,
    Tuning,
    api_url_from,
    guarded,
    positive_int,
    stored_run,
    token_for,
    tuning,
)
from ping_desktop.engine.run_again import RunAgain, create_again_blocking, plan_again_blocking
from ping_desktop.engine.runner import EngineError
from ping_desktop.engine.timings import Timings
from ping_desktop.intake import LOCATION_FIELDS, ColumnMapping
from ping_desktop.storage.runstore import RunRecord, RunStore


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``run-again``."""
    p = subparsers.add_parser(
        "run-again", help="a new run of a stored run's rows, with other sources or mapping",
        description="Start a new run of RUN's input (the rows kept in the run history; the "
        "file is not needed) with other --sources and/or a changed mapping (--map "
        "FIELD=COLUMN, repeatable; an empty COLUMN unmaps the field). RUN itself is kept as "
        "it is. The token comes from PING_DATA_AUTH_TOKEN or the keyring.",
    )
    p.add_argument("run", type=int, help="run id (`ping-desktop-cli runs` lists them)")
    p.add_argument("--sources", help="datasource codes, e.g. PG,PH (default: RUN's)")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="map a location field to a column, e.g. --map city=Town (repeatable)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--api-url", help="API address (default: the one RUN used)")
    where.add_argument("--environment", help="a documented environment key, e.g. prod")
    p.add_argument("--output", type=Path,
                   help="OUT.xlsx or OUT.csv (default: <input>-enriched.xlsx beside the input)")
    p.add_argument("--locations-per-job", type=positive_int, metavar="N")
    p.add_argument("--concurrency", type=positive_int, metavar="M", help="jobs in flight at once")
    p.add_argument("--poll-interval", type=float, help=argparse.SUPPRESS)
    p.set_defaults(func=guarded(run_run_again))


def changed_mapping(run: RunRecord, changes: Sequence[str]) -> ColumnMapping:
    """RUN's mapping with ``--map FIELD=COLUMN`` changes applied (checked against RUN's
    columns and the location fields)."""
    mapping = ColumnMapping.from_dict(run.mapping)
    for change in changes:
        field, equals, column = change.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not equals or field not in LOCATION_FIELDS:
            raise CliError(f'--map "{change}" is not FIELD=COLUMN with a location field: '
                           f"fields are {', '.join(LOCATION_FIELDS)}.", EXIT_USAGE)
        if column and column not in run.columns:
            shown = ", ".join(f'"{c}"' for c in run.columns)
            raise CliError(f'Run {run.id} has no column "{column}": its columns are {shown}.',
                           EXIT_USAGE)
        mapping = mapping.with_field(field, column or None)
    return mapping


def run_run_again(args: argparse.Namespace) -> int:
    """Plan RUN's input again (no request yet), then store and send the new run."""
    with RunStore() as store:
        run = stored_run(store, args.run)
        mapping = changed_mapping(run, args.map)
        sources = parse_sources(args.sources) if args.sources else list(run.sources)
        try:
            again = plan_again_blocking(store, run.id, mapping=mapping, sources=sources)
        except EngineError as exc:
            raise CliError(f"{run.file_name}: {exc.message}") from None
    if args.api_url or args.environment:
        api_url = api_url_from(args.api_url, args.environment)
    else:
        api_url = normalise_api_url(run.api_origin)
    token = token_for(api_url)
    target = target_for(args.output, run.input_path)
    plan = again.plan
    print(f"{run.file_name} (run {run.id} again): {plan.rows:,} rows, "
          f"{plan.unique_locations:,} unique locations, {plan.rows_with_problems:,} rows with "
          f"problems; {plan.cost:,} lookup(s) with {', '.join(again.sources)}.", file=sys.stderr)
    return asyncio.run(_send(again, api_url, token, tuning(args), target))


async def _send(again: RunAgain, api_url: str, token: str, tune: Tuning, target: Target) -> int:
    store = RunStore()
    try:
        async with PingDataClient(api_url, token) as client:
            datasources = await client.list_datasources()
            check_sources(again.sources, datasources)
            check_width(target, len(again.table.columns), again.sources, datasources)
            required = {s: datasources[s].required_attrs for s in again.sources}
            if any(required.values()):
                try:
                    again = await asyncio.to_thread(
                        plan_again_blocking, store, again.source_run, mapping=again.mapping,
                        sources=again.sources, required=required)
                except EngineError as exc:
                    raise CliError(exc.message) from None
            run_id = await asyncio.to_thread(
                create_again_blocking, store, again, tune.locations_per_job,
                api_origin=client.origin,
                source_fields={s: list(datasources[s].output_fields) for s in again.sources},
                output=target.as_json(), concurrent_jobs=tune.concurrent_jobs)
            print(f"New run {run_id}.", file=sys.stderr)
            printer = ProgressPrinter()
            engine = tune.engine(store, client, printer)
            try:
                run = await engine.run(run_id)
            finally:
                printer.finish()
                await engine.aclose()
        return await finish(store, run, target, Timings())
    finally:
        store.close()
