"""Checking an edited row like any input row: the payload it makes and the problems found.

The row goes through intake's own planning (:func:`ping_desktop.intake.build_plan`) with the
run's mapping, sources and declined repairs, on a one-row table made of the user's original
cells with the address fields replaced by the edited ones: the same cleaning, the same address
checks and repairs, the same payload rules as the first run. The user's cells in the store are
never changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from ping_desktop.intake import CellValue as IntakeCell
from ping_desktop.intake import ColumnMapping, SheetTable, build_plan
from ping_desktop.intake.address import parse
from ping_desktop.intake.geo import country_code
from ping_desktop.intake.sent_text import sent_text
from ping_desktop.intake.validate import REFUSALS
from ping_desktop.storage.row_edits import (
    EDIT_FIELDS,
    EDIT_LABELS,
    EditCheck,
    EditError,
    EditProblem,
    RowEdit,
)
from ping_desktop.storage.runstore import CellValue, RunRecord

#: Edit fields that make up a split address (replaced as a whole by a one-line ``address``).
_SPLIT = ("street", "unit", "city", "state", "zip")
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
_RANGES = {"latitude": 90.0, "longitude": 180.0}
# Columns that carry the edited fields in the one-row table; the NUL keeps them from ever
# matching a header of the user's sheet.
_EDIT_COLUMN = "\x00edit:"


def _text(value: CellValue | Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def current_address(run: RunRecord, values: Sequence[CellValue]) -> dict[str, str]:
    """The editable address of an input row (edit field name -> text), from the user's cells
    through the run's mapping; empty and unmapped fields are left out."""
    fields: Mapping[str, str] = run.mapping.get("fields", {})
    out: dict[str, str] = {}
    for name, location_field in EDIT_FIELDS.items():
        column = fields.get(location_field)
        if column is None or column not in run.columns:
            continue
        index = run.columns.index(column)
        text = _text(values[index]) if index < len(values) else None
        if text is not None:
            out[name] = text
    return out


def merged_address(base: Mapping[str, str], changes: Mapping[str, str]) -> dict[str, str]:
    """The whole address after ``changes`` (edit field -> text, ``""`` clears) on ``base``.

    Split parts given for a one-line address replace the line, starting from the parts the
    line holds (so ``zip=02139`` alone fixes just the ZIP of "1 Main St, Boston, MA 2139");
    a one-line ``address`` replaces the split parts.
    """
    unknown = [name for name in changes if name not in EDIT_FIELDS]
    if unknown:
        raise EditError(
            f'Unknown field "{unknown[0]}": the fields you can change are '
            f"{', '.join(EDIT_FIELDS)}."
        )
    out = dict(base)
    if "address" in changes:
        for name in _SPLIT:
            out.pop(name, None)
    elif any(name in changes for name in _SPLIT) and "address" in out:
        line = parse(out.pop("address"))
        for name, part in (("street", line.street), ("city", line.city),
                           ("state", line.state), ("zip", line.zip)):
            if part:
                out[name] = part
    for name, value in changes.items():
        text = value.strip()
        if text:
            out[name] = text
        else:
            out.pop(name, None)
    return out


def _refuse_bad_values(row: int, address: Mapping[str, str], changes: Mapping[str, str]) -> None:
    """Refuse what the user typed that cannot be right (a ZIP or coordinate); the other checks
    (a ZIP of another state, a PO box) come back as problems like any input row's."""
    zip_text = changes.get("zip", "").strip()
    country = address.get("country")
    if zip_text and (country is None or country_code(country) == "US") and not _ZIP.match(
            zip_text):
        raise EditError(
            f'ZIP "{zip_text}" on row {row} is not a US ZIP code: give 5 digits, or ZIP+4 such '
            "as 02139-4307 (for another country, set country too)."
        )
    for name, limit in _RANGES.items():
        typed = changes.get(name, "").strip()
        if not typed:
            continue
        try:
            number = float(typed)
        except ValueError:
            number = float("nan")
        if not -limit <= number <= limit:
            raise EditError(
                f'{EDIT_LABELS[name]} "{typed}" on row {row} is not a number between '
                f"-{limit:g} and {limit:g}: give decimal degrees such as 42.3601."
            )
    if ("latitude" in address) != ("longitude" in address):
        missing = "longitude" if "latitude" in address else "latitude"
        raise EditError(f"Row {row} would have only one coordinate: set the {missing} too, "
                        "or clear both.")


def check_edit(run: RunRecord, values: Sequence[CellValue], edit: RowEdit,
               base: Mapping[str, str] | None = None,
               declined: Collection[str] = ()) -> EditCheck:
    """Check ``edit`` of the row whose cells are ``values``; ``base`` is the row's address
    after an earlier edit (default: from its cells). Raises
    :class:`~ping_desktop.storage.row_edits.EditError` for an unknown field, a malformed ZIP or
    coordinate; everything else comes back as the check's problems."""
    start = dict(base) if base is not None else current_address(run, values)
    address = merged_address(start, edit.fields)
    _refuse_bad_values(edit.row_number, address, edit.fields)
    mapping_fields = {f: c for f, c in run.mapping.get("fields", {}).items()
                      if f not in EDIT_FIELDS.values()}
    extra = [name for name in EDIT_FIELDS if name in address]
    for name in extra:
        mapping_fields[EDIT_FIELDS[name]] = _EDIT_COLUMN + name
    width = len(run.columns)
    cells = tuple(values[:width])
    row = cells + (None,) * (width - len(cells)) + tuple(address[name] for name in extra)
    table = SheetTable(
        path=Path(run.file_name), sheet=run.sheet or "", sheets=(run.sheet or "",),
        header_row=run.header_row or 1,
        columns=(*run.columns, *(_EDIT_COLUMN + name for name in extra)),
        # The stored cells are what intake's reader produced: the same types.
        rows=[cast("tuple[IntakeCell, ...]", row)], row_numbers=[edit.row_number],
    )
    plan = build_plan(table, ColumnMapping(fields=mapping_fields), run.sources,
                      declined=declined)
    problems = tuple(
        EditProblem(_edit_field(p.field), p.message, p.severity, p.kind)
        for p in plan.problems if p.kind not in REFUSALS
    )
    payload = plan.locations[0].payload if plan.locations else None
    return EditCheck(edit.row_number, address, payload, sent_text(payload), problems)


def _edit_field(location_field: str | None) -> str | None:
    """The edit field name of a location field (problems speak the user's terms)."""
    for name, target in EDIT_FIELDS.items():
        if target == location_field:
            return name
    return location_field
