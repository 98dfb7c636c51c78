"""The xlsx export's Summary sheet: the Summary tab's counts, match rate, confidence bands and
field classes with insured value, for a run whose every result is known (read back with
openpyxl), with "low confidence" taken from Settings unless given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from ping_desktop.export.from_store import export_run
from ping_desktop.storage.settings import Settings, SettingsStore
from tests.storage.test_run_summary import THRESHOLD, build_summary_store

TIV = "Total insured value"
# Rows of the ten-row run (tests/storage/test_run_summary.py): TIV = building + contents (10).
EXPECTED: list[list[Any]] = [
    ["Summary of run 1: ten.xlsx"],
    ["Rows", 10],
    ["Low confidence means a confidence below 70 (Settings)."],
    ["Total insured value: building + contents + BI values of the rows."],
    [],
    ["PG: rows by outcome"],
    ["Outcome", "Rows", "% of rows", TIV],
    ["located", 5, 50, 2350],
    ["low confidence", 2, 20, 920],
    ["not found", 1, 10, 610],
    ["not sent", 2, 20, 1720],
    ["Match rate (% of rows located)", None, 70],
    [],
    ["FL: rows by outcome"],
    ["Outcome", "Rows", "% of rows", TIV],
    ["located", 7, 70, 3270],
    ["low confidence", 0, 0, 0],
    ["not found", 1, 10, 610],
    ["not sent", 2, 20, 1720],
    [],
    ["PG: confidence of located rows"],
    ["Confidence", "Rows", "% of rows", TIV],
    ["90\u2013100", 3, 30, 1030],
    ["70\u201389", 2, 20, 1320],
    ["50\u201369", 1, 10, 410],
    ["0\u201349", 1, 10, 510],
    [],
    ["PG: precision"],
    ["Precision", "Rows", "% of rows", TIV],
    ["ADDRESS", 5, 50, 2350],
    ["POSTAL_CODE", 2, 20, 920],
    [],
    ["FL: flood zone"],
    ["Flood zone", "Rows", "% of rows", TIV],
    ["AE", 3, 30, 1730],
    ["X", 3, 30, 1030],
    ["VE", 1, 10, 510],
]


def _sheet(path: Path, name: str) -> tuple[list[list[Any]], Any]:
    wb = openpyxl.load_workbook(path)
    ws = wb[name]
    rows = []
    for row in ws.iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    return rows, wb


def test_summary_sheet_has_the_summary_tabs_numbers(tmp_path: Path) -> None:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    try:
        export_run(store, run_id, tmp_path / "out.xlsx", "xlsx", THRESHOLD)
    finally:
        store.close()
    rows, wb = _sheet(tmp_path / "out.xlsx", "Summary")
    assert wb.sheetnames == ["Sheet1", "Problems", "Summary", "Run"]
    assert rows == EXPECTED
    ws = wb["Summary"]
    # Titles and column headers bold, numbers not.
    assert [ws["A6"].font.bold, ws["D7"].font.bold] == [True, True]
    assert [ws["A8"].font.bold, ws["B8"].font.bold] == [False, False]


def test_low_confidence_follows_the_threshold_in_settings(tmp_path: Path) -> None:
    SettingsStore().save(Settings(low_confidence_threshold=90))
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    try:
        export_run(store, run_id, tmp_path / "out.xlsx", "xlsx")
    finally:
        store.close()
    rows, _ = _sheet(tmp_path / "out.xlsx", "Summary")
    assert rows[2] == ["Low confidence means a confidence below 90 (Settings)."]
    # Confidence 95, 92, 99 stay located; 80 and 75 join 60 and 40 below the threshold.
    assert rows[7][:2] == ["located", 3]
    assert rows[8][:2] == ["low confidence", 4]
    # Match rate counts every located row, whatever its confidence.
    assert rows[11] == ["Match rate (% of rows located)", None, 70]


def test_csv_export_has_no_summary(tmp_path: Path) -> None:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    try:
        export_run(store, run_id, tmp_path / "out.csv", "csv", THRESHOLD)
    finally:
        store.close()
    assert not (tmp_path / "out-summary.csv").exists()
    assert "rows by outcome" not in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
