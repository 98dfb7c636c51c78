"""inspect_file: read, map, validate and plan one file in a single call (CLI and GUI preview)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ping_desktop.intake.address_checks import REPAIR_KINDS, summarise
from ping_desktop.intake.mapping import guess_mapping
from ping_desktop.intake.model import ColumnGuess, ColumnMapping, Plan, SheetTable
from ping_desktop.intake.plan import build_plan
from ping_desktop.intake.reader import read_table


@dataclass
class Inspection:
    """Everything the preview shows about one file."""

    table: SheetTable
    mapping: ColumnMapping
    guesses: list[ColumnGuess]
    plan: Plan
    #: The repair kinds the plan was made without (``inspect --decline``).
    declined: frozenset[str] = frozenset()


def inspect_file(
    path: Path | str,
    sheet: str | None = None,
    header_row: int | None = None,
    sources: Sequence[str] = (),
    required_attrs: Mapping[str, Sequence[str]] | None = None,
    declined: Collection[str] = (),
) -> Inspection:
    """Read a file, guess its mapping and plan it; raises IntakeError for a bad file.

    ``declined``: repair kinds (see ``address_checks.REPAIR_KINDS``) not to apply.
    """
    table = read_table(Path(path), sheet=sheet, header_row=header_row)
    mapping, guesses = guess_mapping(table)
    plan = build_plan(table, mapping, sources, required_attrs, declined)
    return Inspection(table, mapping, guesses, plan, frozenset(declined))


def json_value(value: object) -> Any:
    """A cell value JSON can hold (dates as ISO text)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, float) and value != value:
        return None
    return value


def inspection_to_json(inspection: Inspection, preview_rows: int = 5) -> dict[str, Any]:
    """The ``inspect --json`` object."""
    table, plan = inspection.table, inspection.plan
    return {
        "file": str(table.path),
        "sheets": list(table.sheets),
        "sheet": table.sheet,
        "header_row": table.header_row,
        "rows_above_header": len(table.preamble),
        "columns": list(table.columns),
        "rows": len(table.rows),
        "mapping": dict(inspection.mapping.fields),
        "confidence": dict(inspection.mapping.confidence),
        "guesses": [
            {"field": g.field, "column": g.column, "confidence": g.confidence, "reason": g.reason}
            for g in inspection.guesses
        ],
        "unique_locations": plan.unique_locations,
        "rows_with_problems": plan.rows_with_problems,
        "sendable_rows": plan.sendable_rows,
        "sources": list(plan.sources),
        "cost": plan.cost,
        "problems": [
            {"row": p.row, "field": p.field, "message": p.message, "severity": p.severity}
            for p in plan.problems
        ],
        "repairs": proposed_repairs(plan),
        "declined_repairs": sorted(inspection.declined),
        "checks": row_checks(plan),
        "notes": list(table.notes),
        "preview": [
            {"row": n, "values": [json_value(v) for v in r]}
            for n, r in zip(table.row_numbers[:preview_rows], table.rows[:preview_rows],
                            strict=True)
        ],
    }


def proposed_repairs(plan: Plan) -> list[dict[str, Any]]:
    """The repairs grouped by kind, for consent: kind, how many rows, a label, the rows."""
    rows: dict[str, list[int]] = {}
    for p in plan.problems:
        if p.kind in REPAIR_KINDS:
            rows.setdefault(p.kind, []).append(p.row)
    kinds = [p.kind for p in plan.problems if p.kind in REPAIR_KINDS]
    return [
        {"kind": kind, "count": count, "label": label, "rows": rows[kind]}
        for kind, count, label in summarise([k for k in kinds if k is not None])
    ]


def row_checks(plan: Plan) -> list[dict[str, Any]]:
    """Every address check, per sheet row: kind, field, severity and the sentence."""
    return [
        {"row": p.row, "kind": p.kind, "field": p.field, "severity": p.severity,
         "repair": p.kind in REPAIR_KINDS, "message": p.message}
        for p in plan.problems
        if p.kind is not None
    ]
