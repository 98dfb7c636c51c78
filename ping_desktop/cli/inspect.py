"""``inspect`` subcommand: what the app would read, map and send for one file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ping_desktop.intake.address_checks import REPAIR_KINDS
from ping_desktop.intake.inspect import (
    Inspection,
    inspect_file,
    inspection_to_json,
    proposed_repairs,
)
from ping_desktop.intake.model import FIELD_LABELS, IntakeError
from ping_desktop.intake.validate import refusal

_SHOWN_PROBLEMS = 20


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``inspect FILE [--sheet NAME] [--header-row N] [--decline KIND] [--json]``."""
    parser = subparsers.add_parser(
        "inspect",
        help="show how a spreadsheet is read, mapped and validated",
        description="Read a statement of values, find its header, guess the column mapping "
        "and list the problems, without sending anything.",
    )
    parser.add_argument("file", type=Path, help="the .xlsx/.xlsm/.xls/.xlsb/.ods/.csv/.tsv file")
    parser.add_argument("--sheet", help="sheet name (default: the one that looks like an SOV)")
    parser.add_argument("--header-row", type=int, metavar="N",
                        help="1-based row holding the column names (default: detected)")
    parser.add_argument("--source", action="append", default=[], metavar="CODE",
                        help="datasource code to price the cost line (repeatable)")
    add_decline_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_inspect)


def add_decline_argument(parser: argparse.ArgumentParser) -> None:
    """``--decline KIND`` (repeatable), shared by ``inspect`` and ``enhance`` so both accept
    the same kinds and refuse an unknown one the same way."""
    parser.add_argument("--decline", action="append", default=[], metavar="KIND",
                        choices=sorted(REPAIR_KINDS),
                        help="a kind of repair not to apply, sending those cells as written "
                             f"(repeatable: {', '.join(REPAIR_KINDS)})")


def run_inspect(args: argparse.Namespace) -> int:
    """Run the command; a bad file prints its plain message on stderr and returns 1, and so
    does a file the app would refuse to send (no data rows, or none sendable), after the
    report (the refusal is its first problem)."""
    try:
        inspection = inspect_file(args.file, sheet=args.sheet, header_row=args.header_row,
                                  sources=[s.upper() for s in args.source],
                                  declined=frozenset(args.decline))
    except IntakeError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    if args.json:
        json.dump(inspection_to_json(inspection), sys.stdout, indent=2, ensure_ascii=False,
                  default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(inspection))
    refused = refusal(inspection.plan.problems)
    if refused is not None:
        print(refused.message, file=sys.stderr)
        return 1
    return 0


def render_text(inspection: Inspection) -> str:
    """The human-readable inspection."""
    t, plan, mapping = inspection.table, inspection.plan, inspection.mapping
    lines = [f"File: {t.path}"]
    if t.sheet:
        lines.append(f"Sheet: {t.sheet}   (sheets: {', '.join(t.sheets)})")
    lines.append(f"Header row: {t.header_row}   Data rows: {len(t.rows)}")
    lines.extend(f"  note: {n}" for n in t.notes)
    lines.append("Mapping:")
    for field, column in mapping.fields.items():
        conf = mapping.confidence.get(field, 1.0)
        flag = "  <- check" if conf < 0.6 else ""
        lines.append(f"  {FIELD_LABELS[field]:<42} <- {column} ({conf:.0%}){flag}")
    unmapped = [c for c in t.columns if c not in mapping.fields.values()]
    if unmapped:
        lines.append(f"Not sent: {', '.join(unmapped)}")
    lines.append(f"Unique locations: {plan.unique_locations}   Rows with errors: "
                 f"{plan.rows_with_problems}   Sendable rows: {plan.sendable_rows}")
    if plan.sources:
        lines.append(f"Cost: {plan.unique_locations} locations x {len(plan.sources)} sources "
                     f"= {plan.cost} lookups")
    repairs = proposed_repairs(plan)
    if repairs:
        lines.append("Proposed repairs (what is sent; your cells are never changed):")
        lines.extend(f"  {r['label']}" for r in repairs)
    if plan.problems:
        lines.append(f"Problems ({len(plan.problems)}):")
        for p in plan.problems[:_SHOWN_PROBLEMS]:
            where = f"row {p.row}" if p.row else "file"
            lines.append(f"  {where}: {p.severity}: {p.message}")
        if len(plan.problems) > _SHOWN_PROBLEMS:
            lines.append(f"  ... and {len(plan.problems) - _SHOWN_PROBLEMS} more (use --json)")
    return "\n".join(lines) + "\n"
