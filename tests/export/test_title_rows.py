"""Rows above the header: from the user's file, through the run store, back into the export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.engine.creation import RunInput, create_run_blocking
from ping_desktop.export import EnrichedTable, write_csv, write_xlsx
from ping_desktop.export.from_store import export_run
from ping_desktop.export.xlsx import FREEZE_MAX_ROWS
from ping_desktop.intake import build_plan, guess_mapping, read_table
from ping_desktop.storage.runstore import RunStore
from tests.export.conftest import result_columns

HEADER = ["Loc #", "Street Address", "City", "State", "Zip", "Year Built", "TIV", "Inspected"]
TITLES: list[list[Any]] = [
    ["Acme Holdings - Statement of Values 2026"],
    ["Prepared by", "Jane Broker", None, dt.date(2026, 1, 15)],
    ["Policy", 12345, None, None, "Renewal", None, 2.5],
    [],
]
DATA: list[list[Any]] = [
    [1, "1 Main St", "Boston", "MA", "02134", 1990, 1_000_000.5, dt.date(2024, 3, 1)],
    [2, "5 Elm St", "Austin", "TX", "78701", 2001, 250_000, None],
    [3, "9 Oak Ave", "Newark", "NJ", "07102", 1975, 300_000, dt.date(2023, 7, 4)],
]


def _titled_sov(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SOV 2026"
    for row in [*TITLES, HEADER, *DATA]:
        ws.append(row)
    wb.save(path)
    return path


def _stored_run(src: Path, home: Path) -> tuple[RunStore, int]:
    table = read_table(src)
    mapping, _ = guess_mapping(table)
    plan = build_plan(table, mapping, ["PG"])
    store = RunStore(home / "runs.sqlite3")
    run = RunInput(table, mapping, plan, ("PG",), "http://127.0.0.1:1", False, {})
    return store, create_run_blocking(store, run, 100)


def _cells(rows: list[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    """Rows cut to ``width`` with trailing empties dropped (openpyxl pads to the sheet width)."""
    out = []
    for row in rows:
        cut = list(row[:width])
        while cut and cut[-1] is None:
            cut.pop()
        out.append(tuple(cut))
    return out


def _as_read(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())  # openpyxl reads dates as datetimes
    return value


def test_xlsx_export_keeps_title_rows_and_header_row_number(tmp_path: Path) -> None:
    src = _titled_sov(tmp_path / "sov.xlsx")
    store, run_id = _stored_run(src, tmp_path)
    out = tmp_path / "enriched.xlsx"
    try:
        stats = export_run(store, run_id, out, "xlsx")
    finally:
        store.close()
    assert stats.rows == 3
    wb = openpyxl.load_workbook(out)
    ws = wb["SOV 2026"]
    rows = list(ws.iter_rows(values_only=True))
    assert _cells(rows[:4], len(HEADER)) == [
        tuple(_as_read(v) for v in row) for row in TITLES
    ]
    assert list(rows[4][: len(HEADER)]) == HEADER  # row 5, as in the input
    w = len(HEADER)
    assert rows[4][w:w + 3] == ("Address sent", "Checks", "PG status")
    for written, original in zip(rows[5:], DATA, strict=True):
        assert list(written[: len(HEADER)]) == [_as_read(v) for v in original]
    # What each row was sent as (from the stored payload), before the (empty) result cells.
    assert [r[w] for r in rows[5:]] == ["1 Main St, Boston, MA 02134",
                                        "5 Elm St, Austin, TX 78701",
                                        "9 Oak Ave, Newark, NJ 07102"]
    assert len(rows) == 8
    assert ws.freeze_panes == "A6"  # the header row and everything above stay in view
    assert str(ws.auto_filter.ref).startswith("A5:")
    info = dict(wb["Run"].iter_rows(values_only=True))
    assert info["Header row"] == "5"
    assert info["Rows above the header"] == "4, copied as they were"
    wb.close()


def test_csv_export_keeps_title_rows_above_the_header(tmp_path: Path) -> None:
    src = _titled_sov(tmp_path / "sov.xlsx")
    store, run_id = _stored_run(src, tmp_path)
    out = tmp_path / "enriched.csv"
    try:
        export_run(store, run_id, out, "csv")
    finally:
        store.close()
    with out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    width = len(lines[4])
    assert {len(line) for line in lines} == {width}  # padded like every other line
    assert lines[0][0] == "Acme Holdings - Statement of Values 2026"
    assert lines[1][:4] == ["Prepared by", "Jane Broker", "", "2026-01-15"]
    assert lines[2][:7] == ["Policy", "12345", "", "", "Renewal", "", "2.5"]
    assert set(lines[3]) == {""}
    assert lines[4][: len(HEADER)] == HEADER
    assert lines[5][:5] == ["1", "1 Main St", "Boston", "MA", "02134"]
    assert len(lines) == 8
    # Read back by the app, the export is the same sheet: same header row, same titles.
    again = read_table(out)
    assert again.header_row == 5
    assert again.preamble[0] == ("Acme Holdings - Statement of Values 2026",)
    assert again.columns[: len(HEADER)] == tuple(HEADER)


def test_runs_without_title_rows_export_from_row_one(tmp_path: Path) -> None:
    src = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    for row in [HEADER, *DATA]:
        wb.active.append(row)
    wb.save(src)
    store, run_id = _stored_run(src, tmp_path)
    try:
        export_run(store, run_id, tmp_path / "o.xlsx", "xlsx")
        export_run(store, run_id, tmp_path / "o.csv", "csv")
    finally:
        store.close()
    book = openpyxl.load_workbook(tmp_path / "o.xlsx", read_only=True)
    first = next(book.worksheets[0].iter_rows(values_only=True))
    info = dict(book["Run"].iter_rows(values_only=True))
    book.close()
    assert list(first[: len(HEADER)]) == HEADER
    assert "Rows above the header" not in info
    assert (tmp_path / "o.csv").read_text(encoding="utf-8-sig").startswith("Loc #,")


@pytest.mark.parametrize(("above", "frozen"), [(FREEZE_MAX_ROWS - 1, True),
                                               (FREEZE_MAX_ROWS, False)])
def test_deep_title_blocks_are_not_frozen(tmp_path: Path, above: int, frozen: bool) -> None:
    table = EnrichedTable(
        sheet_name="S", columns=["A"], result_columns=result_columns()[:1],
        rows=iter([(["x"], ["OK"])]), header_row_values=[[f"note {i}"] for i in range(above)],
    )
    write_xlsx(table, tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["S"]
    assert ws.cell(above + 1, 1).value == "A"
    assert ws.freeze_panes == (f"A{above + 2}" if frozen else None)
    assert ws.auto_filter.ref == f"A{above + 1}:B{above + 2}"


def test_csv_title_text_is_written_as_the_user_had_it(tmp_path: Path) -> None:
    table = EnrichedTable(
        sheet_name="S", columns=["A"], result_columns=result_columns()[:1],
        rows=iter([(["x"], ["=1+1"])]),
        header_row_values=[["=SUM(A1)", dt.datetime(2026, 1, 2, 3, 4, 5), True], []],
    )
    write_csv(table, tmp_path / "o.csv")
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines == [["=SUM(A1)", "2026-01-02 03:04:05", "TRUE"], ["", ""], ["A", "PG status"],
                     ["x", "'=1+1"]]
