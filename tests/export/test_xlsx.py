"""The enriched workbook, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.export import (
    EnrichedTable,
    ExportError,
    ProblemRow,
    sanitize_sheet_name,
    write_xlsx,
)
from tests.export.conftest import (
    COLUMNS,
    ORIGINAL_ROWS,
    PROBLEMS,
    RESULTS,
    RUN_INFO,
    result_columns,
)

MakeTable = Callable[..., EnrichedTable]


def _as_read(value: Any) -> Any:
    """What openpyxl gives back for a value we wrote."""
    if value == "":
        return None  # an empty string is an empty cell
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return str(value)  # long ids are kept as text so no digit is lost
    if isinstance(value, dict):
        return '{"nested": [1, 2]}'
    return value


def _load(path: Path) -> Any:
    return openpyxl.load_workbook(path)


def test_original_cells_untouched_and_results_appended(
    tmp_path: Path, make_table: MakeTable
) -> None:
    dest = tmp_path / "out.xlsx"
    stats = write_xlsx(make_table(), dest)
    n_res = len(result_columns())
    assert stats.rows == len(ORIGINAL_ROWS)
    assert stats.columns == len(COLUMNS) + n_res
    assert stats.path == dest

    wb = _load(dest)
    assert wb.sheetnames == ["SOV 2024", "Problems", "Run"]
    rows = list(wb["SOV 2024"].iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS + [c.header for c in result_columns()]
    assert len(rows) == 1 + len(ORIGINAL_ROWS)  # one output row per input row
    for got, original, results in zip(rows[1:], ORIGINAL_ROWS, RESULTS, strict=True):
        assert list(got[: len(COLUMNS)]) == [_as_read(v) for v in original]
        padded = [*results, *[None] * (n_res - len(results))]
        assert list(got[len(COLUMNS):]) == [_as_read(v) for v in padded]


def test_formula_looking_text_is_a_string(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.xlsx"
    write_xlsx(make_table(), dest)
    ws = _load(dest)["SOV 2024"]
    # Notes column (G) holds user text "=HYPERLINK", "+1 555", "@risk", "-minus"
    for ref in ("G2", "G3", "G4", "G6"):
        assert ws[ref].data_type == "s", ref
    # result "PG status" (H) on row 3 is "=cmd|..."; PG match level (L) row 5 is "@street"
    assert ws["H3"].value.startswith("=cmd")
    assert ws["H3"].data_type == "s"
    assert ws["L5"].data_type == "s"
    assert ws["O3"].value == "+AE"
    assert ws["O3"].data_type == "s"


def test_dates_numbers_and_headers_formatted(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.xlsx"
    write_xlsx(make_table(), dest)
    ws = _load(dest)["SOV 2024"]
    assert ws["F2"].is_date
    assert ws["F2"].number_format == "yyyy-mm-dd"
    assert ws["F3"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["E2"].data_type == "n"
    assert ws["D2"].value == "01730"  # zip kept as text
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:O{len(ORIGINAL_ROWS) + 1}"
    # result headers are styled differently from the user's headers
    assert ws["A1"].fill.fgColor.rgb != ws["H1"].fill.fgColor.rgb
    assert ws["H1"].font.b


def test_problems_and_run_sheets(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.xlsx"
    write_xlsx(make_table(), dest)
    wb = _load(dest)
    problems = list(wb["Problems"].iter_rows(values_only=True))
    assert problems[0] == ("Row", "Source", "Check", "Message")
    assert problems[1:] == [(p.row, p.source, None, p.message) for p in PROBLEMS]
    assert wb["Problems"]["D3"].data_type == "s"
    run = list(wb["Run"].iter_rows(values_only=True))
    assert run == RUN_INFO
    assert wb["Run"]["B3"].data_type == "s"  # "=j1" stays text


def test_text_over_excel_limit_is_cut_and_reported(tmp_path: Path, make_table: MakeTable) -> None:
    huge = "x" * 40_000
    dest = tmp_path / "out.xlsx"
    write_xlsx(make_table([([1, huge], [])], problems=[]), dest)
    wb = _load(dest)
    assert wb["SOV 2024"]["B2"].value == huge[:32_767]
    notes = list(wb["Problems"].iter_rows(min_row=2, values_only=True))
    assert len(notes) == 1
    assert notes[0][0] == 2
    assert "32,767" in notes[0][3]


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("SOV 2024", [], "SOV 2024"),
        ("a/b:c*d?[e]\\f", [], "a_b_c_d__e__f"),
        ("x" * 40, [], "x" * 31),
        ("", [], "Sheet1"),
        ("History", [], "History_"),
        ("'quoted'", [], "quoted"),
        ("Problems", ["problems"], "Problems (2)"),
    ],
)
def test_sheet_names(name: str, taken: Sequence[str], expected: str) -> None:
    assert sanitize_sheet_name(name, taken) == expected


def test_user_sheet_named_problems(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.xlsx"
    write_xlsx(make_table(sheet_name="Problems"), dest)
    assert _load(dest).sheetnames == ["Problems", "Problems (2)", "Run"]


def test_header_rows_above_are_reproduced(tmp_path: Path) -> None:
    table = EnrichedTable(
        sheet_name="S", columns=["A", "B"], result_columns=result_columns()[:1],
        rows=iter([(list[Any](["x", 1]), ["OK"])]), header_row_values=[["Schedule of values"], []],
    )
    dest = tmp_path / "out.xlsx"
    write_xlsx(table, dest)
    ws = _load(dest)["S"]
    assert ws["A1"].value == "Schedule of values"
    assert [c.value for c in ws[3]] == ["A", "B", "PG status"]
    assert [c.value for c in ws[4]] == ["x", 1, "OK"]
    assert ws.freeze_panes == "A4"


def test_rows_are_consumed_lazily_once(tmp_path: Path) -> None:
    consumed: list[int] = []

    def rows() -> Iterator[tuple[list[Any], list[Any]]]:
        for i in range(3):
            consumed.append(i)
            yield [i], []

    table = EnrichedTable("S", ["n"], [], rows())
    assert consumed == []
    write_xlsx(table, tmp_path / "o.xlsx")
    assert consumed == [0, 1, 2]


def test_locked_target_gives_plain_message(
    tmp_path: Path, make_table: MakeTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "results.xlsx"
    dest.write_bytes(b"the user's previous file")

    def locked(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError) as err:
        write_xlsx(make_table(), dest)
    monkeypatch.undo()
    assert err.value.message == (
        "results.xlsx is open in another program (Excel?). "
        "Close it and save again, or choose another name."
    )
    assert dest.read_bytes() == b"the user's previous file"
    assert [p.name for p in tmp_path.iterdir()] == ["results.xlsx"]  # temp file removed


def test_destination_is_a_folder(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.xlsx"
    dest.mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        write_xlsx(make_table(), dest)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_missing_folder(tmp_path: Path, make_table: MakeTable) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        write_xlsx(make_table(), tmp_path / "nope" / "out.xlsx")


def test_failure_mid_write_leaves_no_file(tmp_path: Path) -> None:
    def rows() -> Iterator[tuple[list[Any], list[Any]]]:
        yield ["a"], []
        raise RuntimeError("run store went away")

    with pytest.raises(RuntimeError, match="run store"):
        write_xlsx(EnrichedTable("S", ["n"], [], rows()), tmp_path / "o.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_row_wider_than_columns_is_refused(tmp_path: Path) -> None:
    table = EnrichedTable("S", ["a"], result_columns()[:1], iter([(["x", "extra"], ["OK"])]))
    with pytest.raises(ExportError, match="beyond the last column"):
        write_xlsx(table, tmp_path / "o.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_problem_rows_accept_plain_iterables(tmp_path: Path) -> None:
    table = EnrichedTable("S", ["a"], [], iter([(["x"], [])]),
                          problems=[ProblemRow(2, "PG", "m")])
    write_xlsx(table, tmp_path / "o.xlsx")
    assert _load(tmp_path / "o.xlsx")["Problems"]["D2"].value == "m"


def test_empty_table_still_a_valid_workbook(tmp_path: Path) -> None:
    table = EnrichedTable("S", ["a", "b"], result_columns()[:2], iter([]))
    stats = write_xlsx(table, tmp_path / "o.xlsx")
    assert stats.rows == 0
    wb = _load(tmp_path / "o.xlsx")
    assert list(wb["S"].iter_rows(values_only=True)) == [("a", "b", "PG status", "PG confidence")]
    assert list(wb["Problems"].iter_rows(values_only=True)) == [
        ("Row", "Source", "Check", "Message")]


def test_odd_values(tmp_path: Path) -> None:
    values: list[Any] = [float("nan"), float("inf"), dt.time(1, 2, 3), True, False, 0, -0.5]
    table = EnrichedTable("S", [str(i) for i in range(len(values))], [], iter([(values, [])]))
    write_xlsx(table, tmp_path / "o.xlsx")
    got = [c.value for c in _load(tmp_path / "o.xlsx")["S"][2]]
    assert got == ["nan", "inf", dt.time(1, 2, 3), True, False, 0, -0.5]
