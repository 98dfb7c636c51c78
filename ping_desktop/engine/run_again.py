"""Run again (issue 14): a new run of a stored run's input with another mapping or other
sources, without finding the file again.

The input rows, header and the rows above it are in the store, so the new run is planned from
them with intake's own ``build_plan`` (same validation, repairs and de-duplication as a first
run) and stored like any run (:func:`~ping_desktop.engine.creation.create_run_blocking`). The
earlier run is not touched.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ping_desktop.engine.creation import RunInput, create_run_blocking
from ping_desktop.engine.runner import Engine, EngineError
from ping_desktop.intake import CellValue as IntakeCell
from ping_desktop.intake import ColumnMapping, Plan, SheetTable, build_plan, refusal
from ping_desktop.storage.runstore import RunStore


@dataclass(frozen=True)
class RunAgain:
    """What a run again will be: the stored input, the mapping and sources, and its plan."""

    source_run: int
    table: SheetTable
    mapping: ColumnMapping
    sources: tuple[str, ...]
    plan: Plan
    api_origin: str
    is_demo: bool


def stored_table(store: RunStore, run_id: int) -> SheetTable:
    """The run's input as a :class:`SheetTable` rebuilt from the store (the file may be gone)."""
    run = store.get_run(run_id)
    rows = store.input_rows(run_id)
    cells: list[tuple[IntakeCell, ...]] = [values for _, values in rows]  # type: ignore[misc]
    return SheetTable(
        path=run.input_path, sheet=run.sheet or "", sheets=(run.sheet or "",),
        header_row=run.header_row or 1, columns=run.columns, rows=cells,
        row_numbers=[number for number, _ in rows],
        preamble=store.preamble(run_id),  # type: ignore[arg-type]
    )


def plan_again_blocking(
    store: RunStore, run_id: int, *, mapping: ColumnMapping | None = None,
    sources: Sequence[str] | None = None,
    required: Mapping[str, Sequence[str]] | None = None,
    declined: Collection[str] | None = None,
) -> RunAgain:
    """Plan a new run of run ``run_id``'s input; ``mapping`` and ``sources`` default to the
    run's own. Raises ``EngineError`` when there is no such run or nothing could be sent."""
    try:
        run = store.get_run(run_id)
    except KeyError:
        raise EngineError(f"There is no run {run_id}. `ping-desktop-cli runs` lists them.") \
            from None
    chosen = ColumnMapping.from_dict(run.mapping) if mapping is None else mapping
    codes = tuple(run.sources if sources is None else sources)
    if not codes:
        raise EngineError("Choose at least one source for the new run.")
    table = stored_table(store, run_id)
    kinds = store.declined_repairs(run_id) if declined is None else declined
    plan = build_plan(table, chosen, codes, required, kinds)
    problem = refusal(plan.problems)
    if problem is not None:
        raise EngineError(f"{problem.message} Nothing was sent.")
    if not plan.locations:
        raise EngineError("No row has a usable location with this mapping (an address or "
                          "latitude/longitude): map the address columns. Nothing was sent.")
    return RunAgain(run_id, table, chosen, codes, plan, run.api_origin, run.is_demo)


def create_again_blocking(
    store: RunStore, again: RunAgain, locations_per_job: int, *,
    api_origin: str | None = None, source_fields: Mapping[str, Sequence[str]] | None = None,
    output: dict[str, str] | None = None, concurrent_jobs: int = 1,
) -> int:
    """Store the planned new run (the input file is copied into its folder when it is still
    there); returns its id. Send it with :meth:`Engine.run`."""
    fields = {s: list(v) for s, v in (source_fields or {}).items()}
    return create_run_blocking(store, RunInput(
        table=again.table, mapping=again.mapping, plan=again.plan, sources=again.sources,
        api_origin=api_origin or again.api_origin, is_demo=again.is_demo, source_fields=fields,
        output=output), locations_per_job, concurrent_jobs)


async def run_again(
    engine: Engine, run_id: int, *, mapping: ColumnMapping | None = None,
    sources: Sequence[str] | None = None,
    required: Mapping[str, Sequence[str]] | None = None,
    source_fields: Mapping[str, Sequence[str]] | None = None,
) -> int:
    """Plan and store a new run of run ``run_id``'s input on the engine's database thread;
    returns the new run's id (start it with ``engine.run``)."""
    again = await engine.db(plan_again_blocking, engine.store, run_id, mapping=mapping,
                            sources=sources, required=required)
    return await engine.db(create_again_blocking, engine.store, again, engine.locations_per_job,
                           source_fields=source_fields, concurrent_jobs=engine.concurrent_jobs)
