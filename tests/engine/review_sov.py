"""A small SOV whose run leaves rows for review against the emulator: a row with no address
(not sent), rows with no street (located at the city's centre, low confidence), good rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HEADER = ["Loc", "Street", "City", "State", "Zip"]
ROWS = [
    [1, "77 Massachusetts Ave", "Cambridge", "MA", "02139"],
    [2, "1 Main St", "Boston", "MA", "02108"],
    [3, None, None, None, None],  # sheet row 4: not sent
    [4, "?", "Boston", "MA", None],  # sheet row 5: city centre, low confidence
    [5, "200 Clarendon St", "Boston", "MA", "02116"],
    [6, "?", "Chicago", "IL", None],  # sheet row 7: low confidence
]
NOT_SENT, LOW, LOW_TOO = 4, 5, 7


def write_review_sov(path: Path) -> Path:
    """Write the SOV (header on row 1, data from row 2) and return ``path``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SOV"
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    wb.save(path)
    return path
