"""build_plan: sendable rows -> unique locations (identical ones collapse), with the fan-out."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from itertools import compress, count, repeat
from operator import is_
from typing import Any

from ping_desktop.intake.cleaning import PUNCTUATION, Clean, match_key
from ping_desktop.intake.model import (
    ColumnMapping,
    Plan,
    PlannedLocation,
    SheetTable,
)
from ping_desktop.intake.validate import Analysis, analyse
from ping_desktop.intake.values import gc_paused

_ADDRESS_PARTS = ("address_line_1", "address_line_2", "city", "state", "postal_code", "country")


def _payloads(
    fields: list[str], columns: list[list[Clean]], rows: list[int]
) -> list[dict[str, Any]]:
    """Payload dicts for the given row indexes (empty cells left out).

    A split address is also joined into the single ``address`` line, which Ping geocodes
    best; the structured parts are sent as well. Built column by column with C-level
    ``map``/``zip`` so 100,000 locations cost no per-row bytecode.
    """
    if not columns:
        return [{} for _ in rows]
    if len(rows) == len(columns[0]):
        picked = columns  # every row is its own location: no copy needed
    else:
        picked = [list(map(c.__getitem__, rows)) for c in columns]
    if "address_line_1" in fields and "address" not in fields:
        col = dict(zip(fields, picked, strict=True))
        none: list[Clean] = [None] * len(rows)
        state, postal = col.get("state", none), col.get("postal_code", none)
        state_zip = [f"{s} {z}" if s and z else (s or z) for s, z in zip(state, postal,
                                                                         strict=True)]
        parts = zip(col["address_line_1"], col.get("address_line_2", none),
                    col.get("city", none), state_zip, col.get("country", none), strict=True)
        address: list[Clean] = [
            ", ".join(filter(None, p)) if p[0] else None  # type: ignore[arg-type]
            for p in parts
        ]
        fields, picked = ["address", *fields], [address, *picked]
    rows_of_values = zip(*picked, strict=True)
    out: list[dict[str, Any]] = list(map(dict, map(zip, repeat(fields), rows_of_values)))
    for f, column in zip(fields, picked, strict=True):
        if None in column:
            for payload in compress(out, map(is_, column, repeat(None))):
                del payload[f]
    return out


def location_payload(table: SheetTable, mapping: ColumnMapping, row_index: int) -> dict[str, Any]:
    """The cleaned Ping location fields of one row (``row_index`` into ``table.rows``).

    Unusable cells (a year "abt 1990", a latitude of 95) are left out; ZIPs get their zero.
    """
    one = SheetTable(table.path, table.sheet, table.sheets, table.header_row, table.columns,
                     [table.rows[row_index]], [table.row_numbers[row_index]], table.notes)
    analysis = analyse(one, mapping)
    return _payloads(analysis.fields, [analysis.cleaned[f] for f in analysis.fields], [0])[0]


def build_plan(
    table: SheetTable,
    mapping: ColumnMapping,
    sources: Sequence[str],
    required_attrs: Mapping[str, Sequence[str]] | None = None,
    declined: Collection[str] = (),
) -> Plan:
    """Validate, then collapse identical normalised locations into one lookup each.

    Two rows are one location when their address fields match ignoring case, spacing and
    punctuation, their coordinates match to 5 decimals (about a metre) and every other mapped
    field matches exactly: building attributes count, so two different buildings at one
    address stay two lookups for the sources that use them.
    """
    with gc_paused():
        return _build_plan(table, mapping, sources, required_attrs, declined)


def _build_plan(
    table: SheetTable,
    mapping: ColumnMapping,
    sources: Sequence[str],
    required_attrs: Mapping[str, Sequence[str]] | None,
    declined: Collection[str] = (),
) -> Plan:
    analysis: Analysis = analyse(table, mapping, sources, required_attrs, declined)
    fields = analysis.fields
    columns = [analysis.cleaned[f] for f in fields]
    errors = analysis.error_rows
    n = len(table.rows)
    ok = [i for i in range(n) if i not in errors] if errors else list(range(n))
    numbers = table.row_numbers
    # One group id per sendable row, numbered by first appearance (so by sheet row).
    keys: list[tuple[Any, ...]] = []
    group_of: dict[tuple[Any, ...], int] = {}
    all_distinct = _one_field_tells_apart(fields, columns, ok, errors)
    if not all_distinct:
        if columns:
            keys = list(zip(*[_keys(f, c) for f, c in zip(fields, columns, strict=True)],
                            strict=True))
            if errors:
                keys = [keys[i] for i in ok]
        else:
            keys = [() for _ in ok]  # nothing mapped: every row has an error, so ok is empty
        group_of = dict(zip(dict.fromkeys(keys), count()))
        all_distinct = len(group_of) == len(ok)
    row_numbers = [numbers[i] for i in ok]
    if all_distinct:  # no duplicates: each row is its own location
        gids = list(range(len(ok)))
        members: list[list[int]] = [[r] for r in row_numbers]
        first_index = ok
    else:
        gids = list(map(group_of.__getitem__, keys))
        members = [[] for _ in group_of]
        for r, g in zip(row_numbers, gids, strict=True):
            members[g].append(r)
        first_of = dict(zip(reversed(gids), reversed(ok), strict=True))
        first_index = [first_of[g] for g in range(len(group_of))]
    payloads = _payloads(fields, columns, first_index)
    ids = [f"row-{m[0]}" for m in members]
    locations = [
        PlannedLocation(location_id, payload, tuple(rows))
        for location_id, payload, rows in zip(ids, payloads, members, strict=True)
    ]
    row_location = dict(zip(row_numbers, map(ids.__getitem__, gids), strict=True))
    return Plan(
        locations=locations,
        row_location=row_location,
        problems=analysis.problems,
        sources=tuple(sources),
        rows=n,
        unique_locations=len(locations),
        rows_with_problems=len(errors),
    )


#: At most this many fields are tried by :func:`_one_field_tells_apart` (a set each).
_DISTINCT_TRIES = 3


def _one_field_tells_apart(fields: list[str], columns: list[list[Clean]], ok: list[int],
                           errors: set[int]) -> bool:
    """Whether one field alone already differs on every sendable row (a building name, a
    value: usual in an SOV), so no two rows can be one location and the 100,000 whole-row
    match keys need not be built. Only fields matched exactly are tried (their match key is
    the value itself), and only a few: a sheet with true duplicates pays a few sets."""
    tried = 0
    for f, column in zip(fields, columns, strict=True):
        if f in _ADDRESS_TEXT or f in ("latitude", "longitude"):
            continue
        if tried == _DISTINCT_TRIES:
            break
        tried += 1
        values = [column[i] for i in ok] if errors else column
        if len(set(values)) == len(values):
            return True
    return False


def _keys(field: str, column: list[Clean]) -> list[Any]:
    """Per-row match keys: address text compared loosely (case, spacing, punctuation),
    coordinates rounded to 5 decimals, everything else exactly."""
    if field in ("latitude", "longitude"):
        return [None if v is None else round(v, 5) for v in column]  # type: ignore[arg-type]
    if field not in _ADDRESS_TEXT:
        return column
    distinct = set(column)
    if 2 * len(distinct) < len(column):
        table = {v: match_key(v) for v in distinct}
        return list(map(table.__getitem__, column))
    bulk = _text_keys(column)
    if bulk is not None:
        return bulk
    return [
        " ".join(v.casefold().translate(PUNCTUATION).split()) if v.__class__ is str else v
        for v in column
    ]


_SPACES = re.compile(r"[^\S\n]+")  # any run of whitespace but the line break
_EDGES = re.compile(r"^ | $", re.MULTILINE)


def _text_keys(column: list[Clean]) -> list[Any] | None:
    """:func:`match_key` of a column of text (or empty) cells, done on the whole column joined
    into one string (no per-row calls); None when a cell is no text or holds a line break."""
    if not set(map(type, column)) <= {str, type(None)}:
        return None
    has_none = None in column
    cells = [("" if v is None else v) for v in column] if has_none else column
    joined = "\n".join(cells)  # type: ignore[arg-type]
    if joined.count("\n") != len(column) - 1:
        return None
    text = _EDGES.sub("", _SPACES.sub(" ", joined.casefold().translate(PUNCTUATION)))
    keys: list[Any] = text.split("\n")
    if has_none:
        keys = [None if v is None else k for v, k in zip(column, keys, strict=True)]
    return keys


_ADDRESS_TEXT = frozenset(
    {"address", "address_line_1", "address_line_2", "city", "state", "postal_code", "county",
     "country"}
)
