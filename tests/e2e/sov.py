"""A messy statement of values, as brokers send them, for the end-to-end tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

HEADER = ["Loc #", "Building Name", "Street Address", "City", "State", "Zip", "Year Built",
          "TIV", "Inspected"]

_STREETS = ["Main St", "Oak Ave", "Elm St", "Pine Rd", "Maple Dr", "Cedar Ln", "Lake Blvd"]
_PLACES = [("Boston", "MA", 2134), ("Miami", "FL", 33101), ("Chicago", "IL", 60601),
           ("Denver", "CO", 80202), ("Newark", "NJ", 7102), ("Austin", "TX", 78701)]


def sov_rows(count: int) -> list[list[Any]]:
    """``count`` data rows: ZIPs that lost their leading zero, duplicates, a row with no
    address, dates and decimals."""
    rows: list[list[Any]] = []
    for i in range(count):
        city, state, zip_code = _PLACES[i % len(_PLACES)]
        street = f"{100 + (i % 17) * 3} {_STREETS[i % len(_STREETS)]}"
        rows.append([
            i + 1, f"Building {i + 1}", street, city, state, zip_code,
            1950 + i % 60, 1_000_000.5 + i * 1000, dt.datetime(2024, 1, 1 + i % 28, 9, 30),
        ])
    if count > 6:
        rows[5][1:7] = rows[2][1:7]  # same building as row 3: one lookup, two rows
        rows[6][2] = None  # no address at all
        rows[6][3] = None
        rows[6][5] = None
    return rows


def write_sov_sheet(ws: Any, titles: list[list[Any]], count: int) -> list[list[Any]]:
    """Fill worksheet ``ws``: ``titles`` rows, the header, ``count`` data rows (returned)."""
    for row in titles:
        ws.append(row)
    ws.append(HEADER)
    rows = sov_rows(count)
    for row in rows:
        ws.append(row)
    return rows


def write_messy_sov(path: Path, count: int = 30) -> list[list[Any]]:
    """An .xlsx with a notes sheet first, two title rows above the header, and ``count``
    rows; returns the data rows as written."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes.append(["This workbook lists the insured locations."])
    rows = write_sov_sheet(wb.create_sheet("SOV 2025"), [
        ["ACME Holdings - Statement of Values"],
        ["Prepared 2025-01-15", None, None, "Confidential"],
    ], count)
    wb.save(path)
    return rows
