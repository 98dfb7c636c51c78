"""Storing a planned run: its folder (input copy, mapping), rows, locations and jobs."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from ping_desktop.api import safe_output_filename
from ping_desktop.engine.planning import balanced_chunks
from ping_desktop.intake.model import ColumnMapping, Plan, SheetTable
from ping_desktop.storage.runstore import PlannedJob, RowProblem, RunStore

MAPPING_FILE = "mapping.json"


#: In a run folder: where the run is to be saved, and whether that file was written (``resume``
#: finishes an export a kill interrupted; a run is done when its requested output exists).
OUTPUT_FILE = "cli-output.json"


@dataclass(frozen=True)
class RunInput:
    """Everything a new run is made of."""

    table: SheetTable
    mapping: ColumnMapping
    plan: Plan
    sources: tuple[str, ...]
    api_origin: str
    is_demo: bool
    source_fields: dict[str, list[str]]
    #: The file the run is to be saved to (``{"output": path, "format": fmt}``), when a front
    #: end chose one before the run was made (the command line's ``--output``).
    output: dict[str, str] | None = None
    #: The address repair kinds the user declined (the plan was made without them).
    declined: frozenset[str] = frozenset()


def create_run_blocking(store: RunStore, run: RunInput, locations_per_job: int,
                        concurrent_jobs: int = 1) -> int:
    """Copy the input into a new run folder and store the run in one transaction (blocking).

    Its locations are cut into jobs of at most ``locations_per_job``, evened out over the
    waves ``concurrent_jobs`` at a time will take (:func:`~ping_desktop.engine.planning.job_sizes`).
    If anything fails, the half-made folder is removed and nothing is in the store.
    """
    table, plan = run.table, run.plan
    folder = store.new_run_folder()
    try:
        copy: Path | None = folder / safe_output_filename(table.path.name, "input")
        try:
            shutil.copy2(table.path, folder / safe_output_filename(table.path.name, "input"))
        except OSError:
            copy = None  # the rows are in the store; the copy is a convenience
        (folder / MAPPING_FILE).write_text(
            json.dumps(
                {
                    "file": table.path.name,
                    "sheet": table.sheet,
                    "header_row": table.header_row,
                    "sources": list(run.sources),
                    "mapping": run.mapping.to_dict(),
                },
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        if run.output:
            # Noted before the run exists: a kill right after it is stored cannot lose it.
            (folder / OUTPUT_FILE).write_text(json.dumps(run.output), encoding="utf-8")
        ids = [loc.location_id for loc in plan.locations]
        jobs = [PlannedJob(tuple(piece))
                for piece in balanced_chunks(ids, locations_per_job, concurrent_jobs)]
        return store.create_run(
            folder=folder,
            file_name=table.path.name,
            input_path=table.path.resolve(),
            input_copy=copy,
            sheet=table.sheet or None,
            header_row=table.header_row,
            columns=table.columns,
            mapping=run.mapping.to_dict(),
            sources=run.sources,
            api_origin=run.api_origin,
            rows=zip(table.row_numbers, table.rows, strict=True),
            row_locations=((n, plan.row_location.get(n)) for n in table.row_numbers),
            locations=(
                (loc.location_id, loc.payload, min(loc.row_numbers)) for loc in plan.locations
            ),
            jobs=jobs,
            problems=(
                RowProblem(p.row or None, p.field, p.message, p.severity, p.kind)
                for p in plan.problems
            ),
            is_demo=run.is_demo,
            source_fields=run.source_fields,
            preamble=table.preamble,
            declined=run.declined,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
