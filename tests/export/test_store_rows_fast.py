"""The export's row stream (RunStore.iter_rows_raw) decodes stored cells and results with its
fast paths to exactly what the codec and the json module give."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from ping_desktop.storage.runstore import PlannedJob, RunStore
from ping_desktop.storage.runstore_codec import decode_cells, encode_cells

ROWS: list[tuple[Any, ...]] = [
    ("plain", 1, 2.5, True, None, ""),
    ("braces {not a tag}", '{"$d": "2020-01-01"}', 3, None, None, None),
    (dt.date(2020, 1, 2), dt.datetime(2021, 2, 3, 4, 5, 6), dt.time(7, 8), Decimal("1.10"),
     dt.timedelta(hours=30), "x"),
    (2**70, -(2**70), 10**15, float("nan"), float("inf"), "Zürich 東京"),
    ("\u2028 \x00 \ud7ff", "1e400", -0.0, 1e-05, 12345678901234567890.5, None),
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b and type(a) is type(b)


def test_cells_and_results_read_back_exactly(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite3")
    try:
        run_id = store.create_run(
            folder=store.new_run_folder(), file_name="x.xlsx", input_path=Path("x.xlsx"),
            input_copy=None, sheet=None, header_row=1, columns=list("ABCDEF"), mapping={},
            sources=["PG"], api_origin="http://127.0.0.1:1",
            rows=[(i + 2, row) for i, row in enumerate(ROWS)],
            row_locations=[(i + 2, f"L{i}") for i in range(len(ROWS))],
            locations=[(f"L{i}", {"address": f"{i} Main St"}, i + 2) for i in range(len(ROWS))],
            jobs=[PlannedJob(tuple(f"L{i}" for i in range(len(ROWS))))],
        )
        job_id = store.jobs(run_id)[0].id
        data: list[Any] = [
            {"latitude": 1.5, "big": 2**70}, {"nan": float("nan")}, {"deep": [[{"a": None}]]},
            {"text": "a\"b\\c\u2028"}, {},
        ]
        store.store_result_rows(
            run_id, job_id, None,
            [(f"L{i}", "PG", True, 90.0, None, json.dumps(d, ensure_ascii=False))
             for i, d in enumerate(data)],
            {"PG": {}},
        )
        got = list(store.iter_rows_raw(run_id))
    finally:
        store.close()
    assert [n for n, _, _ in got] == [i + 2 for i in range(len(ROWS))]
    for (_, values, results), row, want in zip(got, ROWS, data, strict=True):
        expected = decode_cells(encode_cells(row))
        assert len(values) == len(expected)
        assert all(_same(a, b) for a, b in zip(values, expected, strict=True)), values
        stored = results["PG"][3]
        assert stored.keys() == want.keys()
        assert all(_same(stored[k], want[k]) for k in want)
