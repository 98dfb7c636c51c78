"""``enhance``: a spreadsheet in, the enriched workbook out, through a stored, resumable run."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from ping_desktop.api import DatasourceConfig, PingDataClient
from ping_desktop.cli.progress import ProgressPrinter
from ping_desktop.cli.support import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Tuning,
    api_url_from,
    token_for,
    tuning,
)
from ping_desktop.domain import RunPhase
from ping_desktop.engine.runner import Engine
from ping_desktop.engine.timings import Timings
from ping_desktop.export import ExportError
from ping_desktop.export.from_store import export_run
from ping_desktop.intake import IntakeError
from ping_desktop.intake.model import FIELD_LABELS
from ping_desktop.storage.runstore import RunRecord, RunStore
from ping_desktop.worker.workbench import ThreadWorkbench

Format = Literal["xlsx", "csv"]
T = TypeVar("T")
TARGET_FILE = "cli-output.json"
_DONE = (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)  # finished with results to save


@dataclass(frozen=True)
class Target:
    """Where a run's enriched file goes."""

    path: Path
    fmt: Format


def target_for(output: Path | None, input_path: Path) -> Target:
    """The output file and its format; never the input file itself."""
    path = output or input_path.with_name(f"{input_path.stem}-enriched.xlsx")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise CliError(f"The output must end in .xlsx or .csv (got '{path.name}').", EXIT_USAGE)
    if path.exists() and input_path.exists() and path.resolve() == input_path.resolve():
        raise CliError("The output would overwrite the input file; choose another --output.",
                       EXIT_USAGE)
    return Target(path, "xlsx" if suffix == ".xlsx" else "csv")


def remember_target(folder: Path, target: Target) -> None:
    """Note in the run folder where ``resume`` should write the result."""
    (folder / TARGET_FILE).write_text(
        json.dumps({"output": str(target.path.resolve()), "format": target.fmt}),
        encoding="utf-8",
    )


def remembered_target(folder: Path) -> Target | None:
    """The output noted by :func:`remember_target`, if any."""
    try:
        data = json.loads((folder / TARGET_FILE).read_text(encoding="utf-8"))
        fmt: Format = "csv" if data.get("format") == "csv" else "xlsx"
        return Target(Path(data["output"]), fmt)
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
    code = asyncio.run(_enhance(args, path, sources, target, api_url, token, tuning(args),
                                timings))
    if args.timings:
        print(json.dumps(timings.report(), sort_keys=True), flush=True)
    return code


def _check_sources(sources: list[str], available: dict[str, DatasourceConfig]) -> None:
    unknown = [s for s in sources if s not in available]
    if unknown:
        raise CliError(
            f"Source(s) {', '.join(unknown)} are unknown or not enabled for your account. "
            f"Available: {', '.join(sorted(available)) or 'none'}.",
            EXIT_USAGE,
        )


async def _plan_run(
    bench: ThreadWorkbench, store: RunStore, tune: Tuning, args: argparse.Namespace,
    path: Path, sources: list[str], datasources: dict[str, DatasourceConfig], origin: str,
) -> int:
    """Read, map and plan the file and store the run through the workbench, as the window
    does; the table is released on return."""
    timings = bench.timings
    assert timings is not None
    try:
        with timings.measure("intake"):
            read = await bench.read(path, args.sheet)
            required = {s: datasources[s].required_attrs for s in sources}
            plan = await bench.plan(read.handle, read.mapping, sources, required)
    except IntakeError as exc:
        raise CliError(exc.message) from None
    try:
        fields = read.mapping.fields
        mapped = ", ".join(f"{FIELD_LABELS.get(f, f)} <- '{c}'" for f, c in fields.items())
        print(f"{path.name}: {plan.rows:,} rows, {plan.unique_locations:,} unique locations, "
              f"{plan.rows_with_problems:,} rows with problems. Columns: {mapped or 'none'}",
              file=sys.stderr)
        if not plan.unique_locations:
            raise CliError(
                f"No row of {path.name} has a usable location (address or latitude/longitude), "
                "so nothing was sent. Check the header row and column names (`ping-desktop-cli "
                "inspect FILE` shows how the file is read)."
            )
        with timings.measure("plan_store"):
            return await bench.create_run(
                read.handle, plan.plan_id, store_path=store.path,
                locations_per_job=tune.locations_per_job, sources=sources, api_origin=origin,
                source_fields={s: list(datasources[s].output_fields) for s in sources})
    finally:
        await bench.release(read.handle)


def _on_cpu(timings: Timings, phase: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` with its CPU seconds (of the worker thread it runs in) added to ``phase``."""
    with timings.measure_cpu(phase):
        return fn(*args)


async def _enhance(
    args: argparse.Namespace, path: Path, sources: list[str], target: Target, api_url: str,
    token: str, tune: Tuning, timings: Timings,
) -> int:
    store = RunStore()
    try:
        async with PingDataClient(api_url, token) as client:
            datasources = await client.list_datasources()
            _check_sources(sources, datasources)
            bench = ThreadWorkbench(timings)
            try:
                run_id = await _plan_run(bench, store, tune, args, path, sources, datasources,
                                         client.origin)
            finally:
                bench.shutdown()
            printer = ProgressPrinter()
            engine = Engine(store, client, locations_per_job=tune.locations_per_job,
                            concurrent_jobs=tune.concurrent_jobs, on_event=printer,
                            poll=tune.poll, timings=timings)
            try:
                folder = await engine.db(store.run_folder, run_id)
                await asyncio.to_thread(remember_target, folder, target)
                # The whole process's CPU: submit, poll and download on the loop thread, parse
                # and store writes in worker threads.
                with timings.measure_cpu("run", time.process_time):
                    run = await engine.run(run_id)
            finally:
                printer.finish()
                await engine.aclose()
        return await finish(store, run, target, timings)
    finally:
        store.close()


async def finish(store: RunStore, run: RunRecord, target: Target | None,
                 timings: Timings) -> int:
    """Export a finished run to ``target`` and report; explain how to continue otherwise."""
    if run.phase not in _DONE:
        print(f"Run {run.id} {run.phase.value}: {run.message or ''}".rstrip(), file=sys.stderr)
        if run.phase in (RunPhase.PAUSED, RunPhase.NEEDS_ATTENTION):
            print(f"Continue with: ping-desktop-cli resume {run.id}", file=sys.stderr)
        return EXIT_FAILED
    if run.message:
        print(run.message, file=sys.stderr)
    if target is None:
        print(f"Run {run.id} finished. Save it with: ping-desktop-cli export {run.id} "
              "--output FILE", file=sys.stderr)
        return EXIT_OK
    try:
        with timings.measure("merge_export"):
            stats = await asyncio.to_thread(_on_cpu, timings, "merge_export", export_run, store,
                                            run.id, target.path, target.fmt)
    except ExportError as exc:
        raise CliError(exc.message) from None
    print(f"Saved {stats.path} ({stats.rows:,} rows).", file=sys.stderr)
    return EXIT_OK
