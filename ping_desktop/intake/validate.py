"""validate: per-row problems (sheet row numbers), computed column by column for speed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal, Protocol

from ping_desktop.intake.address_checks import Finding
from ping_desktop.intake.cleaning import Clean, Invalid, clean_column
from ping_desktop.intake.model import (
    FIELD_LABELS,
    LOCATION_FIELDS,
    ColumnMapping,
    Problem,
    SheetTable,
)
from ping_desktop.intake.row_checks import apply_address_checks
from ping_desktop.intake.synonyms import is_id_header
from ping_desktop.intake.values import gc_paused

_ADDRESS_HELP = (
    "No usable address or coordinates: fill in the street address with city and state or ZIP "
    "(or a full one-line address), or latitude and longitude."
)


Getter = Callable[[str], list[Clean]]


class _Add(Protocol):
    def __call__(self, i: int, f: str | None, message: str, severity: str = "error",
                 kind: str | None = None) -> None: ...


@dataclass
class Analysis:
    """Cleaned mapped columns and every problem found, shared by validate() and build_plan()."""

    fields: list[str]
    cleaned: dict[str, list[Clean]]
    problems: list[Problem] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)  # indexes into table.rows


def analyse(
    table: SheetTable,
    mapping: ColumnMapping,
    sources: Sequence[str] = (),
    required_attrs: Mapping[str, Sequence[str]] | None = None,
    declined: Collection[str] = (),
) -> Analysis:
    """Clean every mapped column and collect the problems, row by row in sheet order.

    Addresses are checked against the bundled ZIP table; the proposed repairs are applied to
    what is sent (never to the user's cells) except the kinds in ``declined``.
    """
    fields = [f for f in LOCATION_FIELDS if f in mapping.fields]
    whole: list[Problem] = []
    cleaned: dict[str, list[Clean]] = {}
    invalid: dict[str, list[int]] = {}
    for f in list(fields):
        column = mapping.fields[f]
        if column not in table.columns:
            message = (
                f'Column "{column}" mapped to {FIELD_LABELS[f]} is not in this sheet; '
                "map that field again."
            )
            whole.append(Problem(0, f, message))
            fields.remove(f)
            continue
        i = table.columns.index(column)
        cleaned[f], invalid[f] = clean_column(f, list(map(itemgetter(i), table.rows)))
    n = len(table.rows)
    none: list[Clean] = [None] * n

    def get(f: str) -> list[Clean]:
        return cleaned.get(f, none)

    per_row: dict[int, list[Problem]] = {}
    numbers = table.row_numbers

    def add(i: int, f: str | None, message: str, severity: str = "error",
            kind: str | None = None) -> None:
        sev: Literal["error", "warning"] = "warning" if severity == "warning" else "error"
        per_row.setdefault(i, []).append(Problem(numbers[i], f, message, sev, kind))

    def add_finding(i: int, finding: Finding) -> None:
        # Called once per row with an address finding (tens of thousands on a big sheet).
        per_row.setdefault(i, []).append(Problem(numbers[i], finding.field, finding.message,
                                                 finding.severity, finding.kind))

    bad_coordinate: set[int] = set()
    for f in fields:
        values = cleaned[f]
        for i in invalid[f]:
            bad = values[i]
            assert isinstance(bad, Invalid)
            add(i, f, bad.message, bad.severity)
            values[i] = None
            if f in ("latitude", "longitude"):
                bad_coordinate.add(i)

    apply_address_checks(cleaned, fields, n, add_finding, declined)
    has_address = _has_address(get)
    lat, lon = get("latitude"), get("longitude")
    # Only rows lacking an address or a coordinate need a look; find them without a
    # per-row Python loop over the whole sheet.
    suspects = [
        i
        for i, (has, a, b) in enumerate(zip(has_address, lat, lon, strict=True))
        if a is None or b is None
        if not has or (a is None) != (b is None)
    ]
    for i in suspects:
        if i in bad_coordinate:
            continue
        has_lat, has_lon = lat[i] is not None, lon[i] is not None
        if has_lat != has_lon:
            missing = "longitude" if has_lat else "latitude"
            add(i, missing, f"Only one coordinate is filled in: add the {missing} or clear both.")
        elif not has_address[i]:
            add(i, None, _ADDRESS_HELP)
    _required(table, fields, sources, required_attrs or {}, has_address, get, add, whole)
    _duplicate_ids(table, add)
    problems = list(whole)
    error_rows: set[int] = set()
    for i in sorted(per_row):
        for p in per_row[i]:
            problems.append(p)
            if p.severity == "error":
                error_rows.add(i)
    if any(p.severity == "error" for p in whole):
        error_rows = set(range(n))
    refusal = None if whole else nothing_sendable(table, n, len(error_rows))
    if refusal is not None:
        problems.insert(0, refusal)
    return Analysis(fields, cleaned, problems, error_rows)


REFUSALS = frozenset({"no_rows", "nothing_sendable"})


def refusal(problems: Sequence[Problem]) -> Problem | None:
    """The whole-file problem that means "send nothing" (no data rows, or none sendable), if
    any: front ends stop before any request and exit non-zero (CLI) on it."""
    for problem in problems:
        if problem.row:
            break  # whole-file problems come first
        if problem.kind in REFUSALS:
            return problem
    return None


def nothing_sendable(table: SheetTable, rows: int, error_rows: int) -> Problem | None:
    """The whole-file problem for a sheet with no data rows, or none that can be sent: such a
    file is refused before any request (nothing would come back but a bill of zero)."""
    if rows == 0:
        return Problem(0, None, (
            f'Sheet "{table.sheet}" has a header row (row {table.header_row}) but no data rows '
            "below it: add the locations, or pick the sheet or header row that has them."
        ), "error", "no_rows")
    if error_rows >= rows:
        return Problem(0, None, (
            f"None of the {rows:,} rows can be sent: each has an error listed below. Fix them "
            "(or map the address columns) and try again."
        ), "error", "nothing_sendable")
    return None


def _has_address(get: Getter) -> list[bool]:
    full, line1 = get("address"), get("address_line_1")
    city, state, postal = get("city"), get("state"), get("postal_code")
    return [
        a is not None or (s1 is not None and ((c is not None and s is not None) or z is not None))
        for a, s1, c, s, z in zip(full, line1, city, state, postal, strict=True)
    ]


def _required(
    table: SheetTable,
    fields: list[str],
    sources: Sequence[str],
    required_attrs: Mapping[str, Sequence[str]],
    has_address: list[bool],
    get: Getter,
    add: _Add,
    whole: list[Problem],
) -> None:
    needs: dict[str, list[str]] = {}
    for source in sources:
        for attr in required_attrs.get(source, ()):
            needs.setdefault(attr, []).append(source)
    for attr, by in needs.items():
        who = ", ".join(by)
        label = FIELD_LABELS.get(attr, attr)
        mapped = attr in fields or (
            attr == "address" and any(f in fields for f in ("address", "address_line_1"))
        )
        if not mapped:
            whole.append(Problem(0, attr, f"Source {who} needs {label}: map a column to it."))
            continue
        present = has_address if attr == "address" else [v is not None for v in get(attr)]
        for i, ok in enumerate(present):
            if not ok:
                add(i, attr, f"Source {who} needs {label}, which is empty on this row.")


def id_columns(table: SheetTable) -> list[int]:
    """Columns holding the user's own location/building ids (for the duplicate check)."""
    return [i for i, c in enumerate(table.columns) if is_id_header(c)]


def _duplicate_ids(table: SheetTable, add: _Add) -> None:
    cols = id_columns(table)[:2]
    if not cols:
        return
    keys = list(zip(*(map(itemgetter(c), table.rows) for c in cols), strict=True))
    if len(set(keys)) == len(keys):
        return  # the usual case, decided without a per-row loop
    first: dict[tuple[object, ...], int] = {}
    names = " + ".join(table.columns[c] for c in cols)
    for i in [i for i, k in enumerate(keys) if first.setdefault(k, i) != i]:
        key = keys[i]
        if all(v is None for v in key):
            continue
        shown = " / ".join("" if v is None else str(v) for v in key)
        other = table.row_numbers[first[key]]
        add(i, None, f"{names} {shown} is also on row {other}; check for a copied row.", "warning")


def validate(
    table: SheetTable,
    mapping: ColumnMapping,
    sources: Sequence[str] = (),
    required_attrs: Mapping[str, Sequence[str]] | None = None,
    declined: Collection[str] = (),
) -> list[Problem]:
    """Every problem: whole-file ones (row 0) first, then by sheet row."""
    with gc_paused():
        return analyse(table, mapping, sources, required_attrs, declined).problems
