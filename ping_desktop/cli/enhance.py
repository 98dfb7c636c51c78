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
from ping_desktop.intake import IntakeError, build_plan, guess_mapping, read_table
from ping_desktop.intake.model import FIELD_LABELS
from ping_desktop.storage.runstore import RunRecord, RunStore

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
    engine: Engine, args: argparse.Namespace, path: Path, sources: list[str],
    datasources: dict[str, DatasourceConfig], origin: str,
) -> int:
    """Read, map and plan the file and store the run; the table is released on return."""
    try:
        timings = engine.timings
        with timings.measure("intake"):
            table = await asyncio.to_thread(_on_cpu, timings, "intake", read_table, path,
                                            args.sheet)
            with timings.measure_cpu("intake"):
                mapping, _ = guess_mapping(table)
            required = {s: datasources[s].required_attrs for s in sources}
            plan = await asyncio.to_thread(_on_cpu, timings, "intake", build_plan, table,
                                           mapping, sources, required)
    except IntakeError as exc:
        raise CliError(exc.message) from None
    mapped = ", ".join(f"{FIELD_LABELS.get(f, f)} <- '{c}'" for f, c in mapping.fields.items())
    print(f"{path.name}: {plan.rows:,} rows, {plan.unique_locations:,} unique locations, "
          f"{plan.rows_with_problems:,} rows with problems. Columns: {mapped or 'none'}",
          file=sys.stderr)
    if not plan.locations:
        raise CliError(
            f"No row of {path.name} has a usable location (address or latitude/longitude), so "
            "nothing was sent. Check the header row and column names (`ping-desktop-cli "
            "inspect FILE` shows how the file is read)."
        )
    source_fields = {s: list(datasources[s].output_fields) for s in sources}
    return await engine.create_run(table, mapping, plan, sources, origin,
                                   source_fields=source_fields)


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
            printer = ProgressPrinter()
            engine = Engine(store, client, locations_per_job=tune.locations_per_job,
                            concurrent_jobs=tune.concurrent_jobs, on_event=printer,
                            poll=tune.poll, timings=timings)
            run_id = await _plan_run(engine, args, path, sources, datasources, client.origin)
            remember_target(store.run_folder(run_id), target)
            try:
                # The whole process's CPU: submit, poll and download on the loop thread, parse
                # and store writes in worker threads.
                with timings.measure_cpu("run", time.process_time):
                    run = await engine.run(run_id)
            finally:
                printer.finish()
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
