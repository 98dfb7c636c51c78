"""What crosses the boundary between the window's process and the worker process.

Plain frozen dataclasses (picklable), each defined once: the window receives these instead of
whole tables and plans, which stay in the worker.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ping_desktop.intake.model import (
    CellValue,
    ColumnMapping,
    IntakeError,
    Plan,
    PlanCounts,
    Problem,
)

PREVIEW_ROWS = 50
#: Problems sent to the window (errors first, then by row); the rest are only counted.
MAX_PROBLEMS = 200
ExportFormat = Literal["xlsx", "csv", "json"]


class WorkerLostError(IntakeError):
    """The worker process died or forgot the table (e.g. out of memory); read the file again."""


@dataclass(frozen=True)
class TablePreview:
    """What the window shows of a read sheet: its shape and first rows, not its 100k rows.

    Field names match :class:`~ping_desktop.intake.model.SheetTable`; ``row_count`` is the
    number of data rows of the whole sheet.
    """

    path: Path
    sheet: str
    sheets: tuple[str, ...]
    header_row: int
    columns: tuple[str, ...]
    rows: list[tuple[CellValue, ...]]
    row_numbers: list[int]
    notes: tuple[str, ...]
    row_count: int


@dataclass(frozen=True)
class ReadResult:
    """A file read in the worker: ``handle`` names its table there for planning and runs."""

    handle: str
    sheets: tuple[str, ...]
    preview: TablePreview
    mapping: ColumnMapping


@dataclass(frozen=True)
class RepairOffer:
    """One kind of address repair the plan proposes, for the user to accept or decline:
    ``label`` reads like "312 ZIPs restored (leading zeros)"."""

    kind: str
    count: int
    label: str


@dataclass(frozen=True, kw_only=True)
class PlanSummary(PlanCounts):
    """A plan as the window needs it: its counts, and the first problems; the plan itself
    (locations, fan-out) stays in the worker under ``plan_id``."""

    plan_id: str
    #: The first :data:`MAX_PROBLEMS` problems, errors first, then by row.
    problems: tuple[Problem, ...]
    problem_count: int
    error_count: int
    #: Every kind of repair proposed, declined ones included (so they can be ticked again).
    repairs: tuple[RepairOffer, ...] = ()
    #: The repair kinds this plan was made without.
    declined: frozenset[str] = frozenset()


def summarise(plan: Plan, plan_id: str, declined: frozenset[str] = frozenset()) -> PlanSummary:
    """The window's view of ``plan`` (made without the repair kinds in ``declined``)."""
    # Here, not at the top: the window imports this module, and the address checks behind
    # proposed_repairs load the address parser's model, which only the worker needs.
    from ping_desktop.intake.inspect import proposed_repairs

    first = heapq.nsmallest(MAX_PROBLEMS, plan.problems,
                            key=lambda p: (p.severity != "error", p.row))
    errors = sum(1 for p in plan.problems if p.severity == "error")
    counts = plan.counts()
    return PlanSummary(sources=counts.sources, rows=counts.rows,
                       unique_locations=counts.unique_locations,
                       rows_with_problems=counts.rows_with_problems,
                       sendable_rows=counts.sendable_rows, plan_id=plan_id,
                       problems=tuple(first), problem_count=len(plan.problems),
                       error_count=errors, declined=frozenset(declined),
                       repairs=tuple(RepairOffer(r["kind"], r["count"], r["label"])
                                     for r in proposed_repairs(plan)))
