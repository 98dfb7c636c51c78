"""Where a run's enriched file goes and the final export: shared by ``enhance``, ``resume``
and ``export``."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from ping_desktop.cli.support import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, CliError
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine.creation import OUTPUT_FILE
from ping_desktop.engine.timings import Timings
from ping_desktop.export import ExportError, ExportStats
from ping_desktop.export.from_store import export_run
from ping_desktop.storage.runstore import RunRecord, RunStore

Format = Literal["xlsx", "csv"]
T = TypeVar("T")
TARGET_FILE = OUTPUT_FILE
# An export's temp file (export/files.py: ".~<stem>.<random><suffix>") untouched this long was
# left by a process that died while writing it; one being written is touched all the time.
STALE_TEMP_SECONDS = 120.0
DONE = (RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS)  # finished with results to save


@dataclass(frozen=True)
class Target:
    """Where a run's enriched file goes."""

    path: Path
    fmt: Format

    def as_json(self) -> dict[str, str]:
        """What the run folder keeps of it."""
        return {"output": str(self.path.resolve()), "format": self.fmt}


def target_for(output: Path | None, input_path: Path) -> Target:
    """The output file and its format; never the input file itself."""
    path = output or input_path.with_name(f"{input_path.stem}-enriched.xlsx")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise CliError(f"The output must end in .xlsx or .csv (got '{path.name}').", EXIT_USAGE)
    if path.exists() and input_path.exists() and path.resolve() == input_path.resolve():
        raise CliError("The output would overwrite the input file; choose another --output.",
                       EXIT_USAGE)
    if not path.resolve().parent.is_dir():
        # Found now, before any credit is spent, not after the run.
        raise CliError(f"The folder {path.resolve().parent} does not exist. Create it first or "
                       "choose another --output.", EXIT_USAGE)
    return Target(path, "xlsx" if suffix == ".xlsx" else "csv")


def remember_target(folder: Path, target: Target, *, written: bool = False) -> None:
    """Note in the run folder where ``resume`` should write the result (and whether it was
    written), replacing the note in one step so a kill never leaves half of it."""
    data: dict[str, object] = dict(target.as_json())
    if written:
        data["written"] = True
    tmp = folder / f".{TARGET_FILE}.tmp"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, folder / TARGET_FILE)


def output_pending(folder: Path) -> bool:
    """Whether the run has a noted output that was not written yet."""
    try:
        data = json.loads((folder / TARGET_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "output" in data and not data.get("written")


def clean_stale_temps(dest: Path, now: float | None = None) -> list[Path]:
    """Remove export temp files of ``dest`` that a killed export left behind; the removed."""
    removed: list[Path] = []
    moment = time.time() if now is None else now
    try:
        candidates = list(dest.parent.glob(f".~{dest.stem}.*{dest.suffix}"))
    except OSError:
        return removed
    for tmp in candidates:
        try:
            if moment - tmp.stat().st_mtime >= STALE_TEMP_SECONDS:
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            continue
    return removed


def remembered_target(folder: Path) -> Target | None:
    """The output noted by :func:`remember_target`, if any."""
    try:
        data = json.loads((folder / TARGET_FILE).read_text(encoding="utf-8"))
        fmt: Format = "csv" if data.get("format") == "csv" else "xlsx"
        return Target(Path(data["output"]), fmt)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def on_cpu(timings: Timings, phase: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` with its CPU seconds (of the worker thread it runs in) added to ``phase``."""
    with timings.measure_cpu(phase):
        return fn(*args)


async def finish(store: RunStore, run: RunRecord, target: Target | None,
                 timings: Timings, prepared: ExportStats | None = None) -> int:
    """Export a finished run to ``target`` and report; explain how to continue otherwise.
    ``prepared``: the run was already written to ``target`` while it worked."""
    if run.phase not in DONE:
        print(f"Run {run.id} {run.phase.value}: {run.message or ''}".rstrip(), file=sys.stderr)
        stuck = await asyncio.to_thread(_needing_attention, store, run.id)
        if stuck:
            print(choices(run.id), file=sys.stderr)
        elif run.phase is RunPhase.FAILED:
            print(f"Send its rows again with: ping-desktop-cli retry-failed {run.id}",
                  file=sys.stderr)
        elif run.phase in (RunPhase.PAUSED, RunPhase.NEEDS_ATTENTION):
            print(f"Continue with: ping-desktop-cli resume {run.id}", file=sys.stderr)
        return EXIT_FAILED
    code = EXIT_OK if run.phase is RunPhase.COMPLETE else EXIT_PARTIAL
    if run.message:
        print(cli_words(run.message, run.id), file=sys.stderr)
    if target is None:
        print(f"Run {run.id} finished. Save it with: ping-desktop-cli export {run.id} "
              "--output FILE", file=sys.stderr)
        return code
    folder = await asyncio.to_thread(store.run_folder, run.id)
    if prepared is None:
        await asyncio.to_thread(clean_stale_temps, target.path)
        await asyncio.to_thread(remember_target, folder, target)
        timings.mark("export start")
        try:
            with timings.measure("merge_export"):
                stats = await asyncio.to_thread(on_cpu, timings, "merge_export", export_run,
                                                store, run.id, target.path, target.fmt)
        except ExportError as exc:
            raise CliError(exc.message) from None
    else:
        stats = prepared
    # The run is done once its requested output exists: until this note, resume writes it.
    await asyncio.to_thread(remember_target, folder, target, written=True)
    timings.mark("export written")
    print(f"Saved {stats.path} ({stats.rows:,} rows).", file=sys.stderr)
    return code


def _needing_attention(store: RunStore, run_id: int) -> int:
    return sum(j.phase is JobPhase.NEEDS_ATTENTION for j in store.jobs(run_id))


def choices(run_id: int) -> str:
    """The ways forward for jobs that need attention, as commands."""
    return (
        "Choose one:\n"
        f"  ping-desktop-cli retry-failed {run_id}          send their rows again "
        "(uses credits)\n"
        f"  ping-desktop-cli retry-failed {run_id} --drop   finish the run without them\n"
        f"  ping-desktop-cli resume {run_id}                check them once more as they are"
    )


def cli_words(message: str, run_id: int) -> str:
    """The engine's message with the window's button named as the command that does it."""
    return message.replace("use Retry failed rows", f"use `ping-desktop-cli retry-failed "
                           f"{run_id}`").replace("with Retry failed rows",
                                                 f"with `ping-desktop-cli retry-failed {run_id}`")
