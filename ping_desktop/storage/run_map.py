"""The rows of a run as map points: where each row was located, its name and address, the
class it falls in for a chosen field; and the rows without coordinates, with the reason.

Read-only SQL over the run store on a connection of its own (safe from any thread). The
coordinates come from the run's geocoding sources, the first (in the user's order) that
located the row; rows none located are listed, never silently dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from ping_desktop.storage.run_summary import (
    OUTCOME_CASE,
    ROWS_WITH_RESULT,
    BarKey,
    field_path,
    is_geocoder,
    read_connection,
)
from ping_desktop.storage.runstore_codec import decode_cells
from ping_desktop.storage.runstore_records import RunRecord

_ADDRESS_FIELDS = ("address", "address_line_1", "city", "state", "postal_code")
#: Degrees around latitude 0, longitude 0 ("Null Island", open sea: no address is there) within
#: which a located row is listed among the rows not on the map instead of drawn far offshore.
NULL_ISLAND = 1.0


class MapRow(NamedTuple):
    """One sheet row for the map: coordinates (None when not located), name, address and,
    for rows without coordinates, why.

    A tuple of plain values, not a dataclass: Python's garbage collector stops tracking such
    tuples, so a 100,000-row map adds nothing to the full collections that pause every thread
    (a 200 ms freeze of the window while a big map loaded; bench_gui_stall --review-open).
    """

    row: int
    lon: float | None
    lat: float | None
    name: str
    address: str
    reason: str = ""


def _columns(run: RunRecord, names: tuple[str, ...]) -> list[int]:
    fields = run.mapping.get("fields", run.mapping)
    if not isinstance(fields, dict):
        return []
    found = [fields.get(n) for n in names]
    return [run.columns.index(c) for c in found if isinstance(c, str) and c in run.columns]


def _text(values: tuple[Any, ...], indexes: list[int]) -> str:
    parts = [str(values[i]).strip() for i in indexes if i < len(values) and values[i] not in
             (None, "")]
    return ", ".join(p for p in parts if p)


def map_row(path: Path, run: RunRecord, row: int) -> MapRow | None:
    """Sheet row ``row`` of ``run`` as :func:`map_rows` gives it (None: no such row). The map
    asks for one row's name and address when the pointer is on its dot, instead of holding
    them for all 100,000 rows."""
    found = map_rows(path, run, only=row)
    return found[0] if found else None


def map_rows(path: Path, run: RunRecord, only: int | None = None) -> list[MapRow]:
    """Every sheet row of ``run`` (or only sheet row ``only``) with where it was located
    (sheet order)."""
    geocoders = [s for s in run.sources if is_geocoder(run, s)]
    rank = {s: i for i, s in enumerate(geocoders)}
    name_cols = _columns(run, ("bldg_name",))
    address_cols = _columns(run, _ADDRESS_FIELDS)
    rows: dict[int, MapRow] = {}
    with read_connection(path) as conn:
        cursor = conn.execute(
            """SELECT ir.row_number, ir.values_json, rl.location_id, r.source, r.is_success,
                      r.error_message, json_extract(r.data_json, '$.longitude'),
                      json_extract(r.data_json, '$.latitude'),
                      json_extract(r.data_json, '$.formatted_address')
               FROM input_rows ir
               LEFT JOIN row_locations rl ON rl.run_id = ir.run_id
                    AND rl.row_number = ir.row_number
               LEFT JOIN results r ON r.run_id = ir.run_id AND r.location_id = rl.location_id
                    AND r.source IN (SELECT value FROM json_each(?))
               WHERE ir.run_id = ? AND (? IS NULL OR ir.row_number = ?)
               ORDER BY ir.row_number""",
            (json.dumps(geocoders), run.id, only, only),
        )
        best: dict[int, int] = {}
        for number, values_json, location, source, ok, error, lon, lat, formatted in cursor:
            values = decode_cells(values_json)
            name = _text(values, name_cols)
            address = _text(values, address_cols)
            located = ok == 1 and isinstance(lon, int | float) and isinstance(lat, int | float)
            null_island = located and abs(lat) < NULL_ISLAND and abs(lon) < NULL_ISLAND
            if located and not null_island:
                order = rank.get(source, len(rank))
                if best.get(number, len(rank) + 1) > order:
                    best[number] = order
                    rows[number] = MapRow(number, float(lon), float(lat), name,
                                          str(formatted or address))
                continue
            if number in best:
                continue
            if null_island:
                reason = (f"placed at 0\u00b0, 0\u00b0 by {source}, open sea: a geocoder's way of "
                          "saying it found no place; check the address")
            elif location is None:
                reason = "not sent (could not be read as a location)"
            elif source is None:
                reason = "not located (no geocoding result)"
            else:
                reason = f"not found by {source}" + (f": {error}" if error else "")
            if number not in rows or rows[number].reason.startswith("not located"):
                rows[number] = MapRow(number, None, None, name, address, reason)
    return [rows[n] for n in sorted(rows)]


def row_classes(path: Path, run_id: int, key: BarKey, threshold: int) -> dict[int, str]:
    """The class of each sheet row for a colouring choice: ``key.kind`` ``outcome`` (located,
    low confidence, not found, not sent for ``key.source``) or ``field`` (the value of
    ``key.field`` in ``key.source``'s result; rows without one are left out)."""
    params: dict[str, Any] = {"run": run_id, "src": key.source, "thr": threshold}
    if key.kind == "outcome":
        value = OUTCOME_CASE
    else:
        params["path"] = field_path(key.field)
        value = "CAST(json_extract(r.data_json, :path) AS TEXT)"
    with read_connection(path) as conn:
        cursor = conn.execute(
            f"SELECT ir.row_number, {value} {ROWS_WITH_RESULT}", params)
        return {int(n): str(v) for n, v in cursor if v is not None}
