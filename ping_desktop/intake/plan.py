"""build_plan: sendable rows -> unique locations (identical ones collapse), with the fan-out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ping_desktop.intake.cleaning import Clean, match_key
from ping_desktop.intake.model import (
    ColumnMapping,
    Plan,
    PlannedLocation,
    SheetTable,
)
from ping_desktop.intake.validate import Analysis, analyse

_ADDRESS_PARTS = ("address_line_1", "address_line_2", "city", "state", "postal_code", "country")


def _payload(fields: Sequence[str], values: Sequence[Clean]) -> dict[str, Any]:
    payload = {f: v for f, v in zip(fields, values, strict=True) if v is not None}
    if "address" not in payload and "address_line_1" in payload:
        # Ping geocodes a single line best; the structured parts are sent too.
        state_zip = " ".join(str(payload[f]) for f in ("state", "postal_code") if f in payload)
        parts = [payload.get("address_line_1"), payload.get("address_line_2"),
                 payload.get("city"), state_zip, payload.get("country")]
        payload = {"address": ", ".join(str(p) for p in parts if p), **payload}
    return payload


def location_payload(table: SheetTable, mapping: ColumnMapping, row_index: int) -> dict[str, Any]:
    """The cleaned Ping location fields of one row (``row_index`` into ``table.rows``).

    Unusable cells (a year "abt 1990", a latitude of 95) are left out; ZIPs get their zero.
    """
    one = SheetTable(table.path, table.sheet, table.sheets, table.header_row, table.columns,
                     [table.rows[row_index]], [table.row_numbers[row_index]], table.notes)
    analysis = analyse(one, mapping)
    return _payload(analysis.fields, [analysis.cleaned[f][0] for f in analysis.fields])


def build_plan(
    table: SheetTable,
    mapping: ColumnMapping,
    sources: Sequence[str],
    required_attrs: Mapping[str, Sequence[str]] | None = None,
) -> Plan:
    """Validate, then collapse identical normalised locations into one lookup each.

    Two rows are one location when every mapped field matches ignoring case, spacing and
    punctuation (coordinates to 5 decimals): building attributes count, so two different
    buildings at one address stay two lookups for the sources that use them.
    """
    analysis: Analysis = analyse(table, mapping, sources, required_attrs)
    fields = analysis.fields
    columns = [analysis.cleaned[f] for f in fields]
    key_columns = [_keys(c) for c in columns]
    groups: dict[tuple[object, ...], list[int]] = {}
    errors = analysis.error_rows
    for i, key in enumerate(zip(*key_columns, strict=True) if key_columns else ()):
        if i not in errors:
            groups.setdefault(key, []).append(i)
    numbers = table.row_numbers
    locations: list[PlannedLocation] = []
    row_location: dict[int, str] = {}
    for members in groups.values():
        first = members[0]
        location_id = f"row-{numbers[first]}"
        payload = _payload(fields, [c[first] for c in columns])
        rows = tuple(numbers[i] for i in members)
        locations.append(PlannedLocation(location_id, payload, rows))
        for r in rows:
            row_location[r] = location_id
    locations.sort(key=lambda loc: loc.row_numbers[0])
    return Plan(
        locations=locations,
        row_location=dict(sorted(row_location.items())),
        problems=analysis.problems,
        sources=tuple(sources),
        rows=len(table.rows),
        unique_locations=len(locations),
        rows_with_problems=len(errors),
    )


def _keys(column: list[Clean]) -> list[object]:
    table = {v: match_key(v) for v in set(column)}
    return list(map(table.__getitem__, column))

