"""Review actions on a stored run (issue 14): edit rows, accept rows as they are, and resubmit
edited rows as a new job of the SAME run.

Every store call goes through the engine's database thread (:meth:`Engine.db`). Editing and
accepting work offline; only :func:`resubmit` talks to the API, through :meth:`Engine.run`,
after the new job is stored (in the same transaction that points the rows at their new
locations), so a kill midway leaves a run that resumes like any other, with no duplicate job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ping_desktop.engine.runner import Engine, RunBusyError
from ping_desktop.intake.sent_text import sent_text
from ping_desktop.storage.edit_check import check_edit
from ping_desktop.storage.review_queue import QueueRow
from ping_desktop.storage.review_queue import review_queue as read_queue
from ping_desktop.storage.row_edits import (
    EditCheck,
    EditError,
    ResubmitPlan,
    RowEdit,
    review_author,
)
from ping_desktop.storage.runstore import RunLeasedError, RunRecord, RunStore


def _run(store: RunStore, run_id: int) -> RunRecord:
    try:
        return store.get_run(run_id)
    except KeyError:
        raise EditError(f"There is no run {run_id}. `ping-desktop-cli runs` lists them.") from None


def _merged(edits: Sequence[RowEdit]) -> list[RowEdit]:
    """One edit per row (two blocks for one row combine, the later field winning)."""
    by_row: dict[int, dict[str, str]] = {}
    for edit in edits:
        by_row.setdefault(edit.row_number, {}).update(edit.fields)
    return [RowEdit(row, fields) for row, fields in by_row.items()]


def check_blocking(store: RunStore, run_id: int, edits: Sequence[RowEdit]) -> ResubmitPlan:
    """:func:`check_edits` on the calling thread."""
    run = _run(store, run_id)
    wanted = _merged(edits)
    if not wanted:
        raise EditError("Nothing to change: give at least one row and the fields to set.")
    values = {e.row_number: store.row_values(run_id, e.row_number) for e in wanted}
    missing = [row for row, cells in values.items() if cells is None]
    if missing:
        raise EditError(
            f"Row {missing[0]} is not a data row of run {run_id}: give the row number as the "
            f"sheet shows it (`ping-desktop-cli review {run_id}` lists the rows that need "
            "review).")
    latest = store.latest_edits(run_id)
    declined = store.declined_repairs(run_id)
    checks = []
    for edit in wanted:
        before = latest.get(edit.row_number)
        checks.append(check_edit(run, values[edit.row_number] or (), edit,
                                 base=before.fields if before else None, declined=declined))
    return ResubmitPlan(run_id, run.sources, tuple(checks))


async def check_edits(engine: Engine, run_id: int, edits: Sequence[RowEdit]) -> ResubmitPlan:
    """Check edits like input rows without storing them (what the window shows while the user
    types): payload, problems and the lookups a resubmit would use. Raises ``EditError``."""
    return await engine.db(check_blocking, engine.store, run_id, edits)


async def record_edits(engine: Engine, run_id: int, edits: Sequence[RowEdit],
                       author: str | None = None) -> ResubmitPlan:
    """Check and store edits as pending (offline is fine); returns the plan of a resubmit of
    these rows. ``author`` defaults to the OS user. Raises ``EditError`` (unknown row or
    field, a malformed ZIP or coordinate); nothing is stored then."""
    plan = await check_edits(engine, run_id, edits)
    await engine.db(engine.store.record_row_edits, run_id, plan.rows, author or review_author())
    return plan


def plan_blocking(store: RunStore, run_id: int, rows: Iterable[int] | None = None
                  ) -> ResubmitPlan:
    """:func:`resubmit_plan` on the calling thread."""
    run = _run(store, run_id)
    pending = store.pending_edits(run_id)
    chosen = sorted(pending) if rows is None else list(dict.fromkeys(rows))
    checks = []
    for row in chosen:
        edit = pending.get(row)
        if edit is None:
            raise EditError(
                f"Row {row} has no edit waiting to be sent: edit its address first, or use "
                "retry-failed to send failed rows again unchanged.")
        checks.append(EditCheck(row, edit.fields, edit.payload, sent_text(edit.payload),
                                edit.problems))
    return ResubmitPlan(run_id, run.sources, tuple(checks))


async def resubmit_plan(engine: Engine, run_id: int, rows: Iterable[int] | None = None
                        ) -> ResubmitPlan:
    """The plan of a resubmit of ``rows`` (default: every row with a pending edit)."""
    return await engine.db(plan_blocking, engine.store, run_id, rows)


async def resubmit(engine: Engine, run_id: int, rows: Iterable[int] | None = None
                   ) -> RunRecord:
    """Send the pending edits of ``rows`` (default: all) as a new job (or jobs) of the same
    run and carry the run to its end like :meth:`Engine.run`; returns the run after.
    Raises ``EditError`` (nothing to send, a row with an error, the run not finished) or
    ``RunBusyError`` (another process works on the run)."""
    if run_id in engine.active_runs():
        raise EditError("This run is in progress: wait for it to finish before sending edited "
                        "rows again.")
    holder = await engine.db(engine.store.lease_holder, run_id)
    if holder is not None and holder.owner != engine.owner.key:
        raise RunBusyError(RunLeasedError(run_id, holder).message)
    plan = await resubmit_plan(engine, run_id, rows)
    if not plan.rows:
        raise EditError("There are no edited rows to send: edit a row of the review first.")
    await engine.db(engine.store.resubmit_edits, run_id, [c.row_number for c in plan.rows],
                    engine.locations_per_job)
    return await engine.run(run_id)


async def accept_rows(engine: Engine, run_id: int, rows: Iterable[int],
                      author: str | None = None) -> int:
    """Mark rows reviewed as they are; returns how many were newly accepted."""
    await engine.db(_run, engine.store, run_id)
    return await engine.db(engine.store.accept_rows, run_id, list(rows),
                           author or review_author())


async def review_queue(engine: Engine, run_id: int, threshold: int) -> list[QueueRow]:
    """The run's needs-review queue (see :func:`ping_desktop.storage.review_queue.review_queue`)."""
    await engine.db(_run, engine.store, run_id)
    return await engine.db(read_queue, engine.store, run_id, threshold)
