"""Reading workbooks: header detection, sheet choice, values as the user sees them."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from ping_desktop.intake import list_sheets, read_table
from tests.intake.conftest import DATA
from tests.intake.sheets import SOV_HEADER, SOV_ROWS, write_ods, write_xlsx


def test_header_below_title_and_blank_rows(sov_xlsx: Path) -> None:
    table = read_table(sov_xlsx)
    assert table.header_row == 4
    assert table.columns == tuple(SOV_HEADER)
    assert table.row_numbers == [5, 6, 7]
    assert table.rows[0][:5] == (1, "1 Main St", "Boston", "MA", 2134)
    assert "Header found on row 4" in table.notes


def test_values_as_the_user_sees_them(tmp_path: Path) -> None:
    path = tmp_path / "v.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("SOV")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["Address", "City", "Zip", "Year Built", "Area", "Inspected", "Flag"])
    ws.write_row(1, 0, ["1 Main St", "Boston", "02134", 1990.0, 1234.5])
    ws.write_datetime(1, 5, datetime.datetime(2024, 3, 1), date)
    ws.write_boolean(1, 6, True)
    wb.close()
    row = read_table(path).rows[0]
    assert row[2] == "02134"  # text stays text, zero kept
    assert row[3] == 1990
    assert type(row[3]) is int
    assert row[4] == 1234.5
    assert row[5] in (datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1))
    assert row[6] is True


def test_blank_rows_between_data_are_skipped_but_keep_sheet_numbers(tmp_path: Path) -> None:
    rows = [SOV_HEADER, SOV_ROWS[0], [], [None, "  "][:1], SOV_ROWS[1], [], []]
    table = read_table(write_xlsx(tmp_path / "b.xlsx", {"S": rows}))
    assert table.row_numbers == [2, 5]
    assert [r[1] for r in table.rows] == ["1 Main St", "5 Elm St"]
    assert any("blank row" in n for n in table.notes)


def test_repeated_header_rows_are_skipped(tmp_path: Path) -> None:
    rows = [SOV_HEADER, SOV_ROWS[0], SOV_HEADER, SOV_ROWS[1]]
    table = read_table(write_xlsx(tmp_path / "r.xlsx", {"S": rows}))
    assert table.row_numbers == [2, 4]
    assert "1 repeated header row(s) skipped" in table.notes


def test_picks_the_sov_sheet_and_lets_the_caller_choose(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "multi.xlsx", {
        "Cover": [["Prepared for ACME"], ["Broker: Example & Co"], ["Please review"]],
        "Summary": [["State", "Count"], ["MA", 1], ["TX", 1]],
        "Locations": [["Schedule of locations"], SOV_HEADER, *SOV_ROWS],
    })
    assert list_sheets(path) == ["Cover", "Summary", "Locations"]
    table = read_table(path)
    assert table.sheet == "Locations"
    assert table.sheets == ("Cover", "Summary", "Locations")
    assert table.header_row == 2
    other = read_table(path, sheet="Summary")
    assert other.sheet == "Summary"
    assert other.columns == ("State", "Count")
    assert other.rows == [("MA", 1), ("TX", 1)]
    assert read_table(path, sheet="locations").sheet == "Locations"  # case-insensitive


def test_header_row_override(sov_xlsx: Path) -> None:
    table = read_table(sov_xlsx, header_row=1)
    assert table.header_row == 1
    assert table.columns[0] == "ACME Corp - Statement of Values"
    assert table.row_numbers[0] == 2


def test_phantom_used_range_is_ignored(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    path = tmp_path / "phantom.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [SOV_HEADER, *SOV_ROWS]:
        ws.append(row)
    ws.cell(row=500, column=40).font = Font(bold=True)  # formatted but empty
    ws.cell(row=300, column=30).value = ""  # an empty string far away
    ws.cell(row=200, column=12).value = "late note"  # real data under no header is kept
    wb.save(path)
    table = read_table(path)
    assert len(table.columns) == 12
    assert table.columns[9:] == ("Column J", "Column K", "Column L")
    assert table.row_numbers == [2, 3, 4, 200]
    assert table.rows[-1] == (None,) * 11 + ("late note",)
    assert all(len(r) == 12 for r in table.rows)


def test_phantom_range_without_data_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "phantom2.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_row(0, 0, SOV_HEADER)
    ws.write_row(1, 0, SOV_ROWS[0])
    ws.write_string(999, 60, "")  # Excel's used range now reaches BI1000
    ws.write_blank(2000, 80, None, wb.add_format({"bold": True}))
    wb.close()
    table = read_table(path)
    assert table.columns == tuple(SOV_HEADER)
    assert table.row_numbers == [2]


def test_duplicate_and_blank_headers_get_unique_names(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Address", "City", None, "Limit", "Limit", "limit", "Year\nBuilt"],
            ["1 Main St", "Boston", "x", 1, 2, 3, 1990]]
    table = read_table(write_xlsx(tmp_path / "d.xlsx", {"S": rows}))
    assert table.columns == ("Address", "City", "Column C", "Limit", "Limit (2)", "limit (3)",
                             "Year Built")


def test_blank_header_named_after_its_real_column_letter(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_row(2, 2, ["Address", "City", None, "Zip"])
    ws.write_row(3, 2, ["1 Main St", "Boston", "note", "02134"])
    wb.close()
    table = read_table(path)
    assert table.header_row == 3
    assert table.columns == ("Address", "City", "Column E", "Zip")
    assert table.row_numbers == [4]


def test_data_under_an_unnamed_column_is_kept(tmp_path: Path) -> None:
    rows = [["Address", "City"], ["1 Main St", "Boston", "extra"]]
    table = read_table(write_xlsx(tmp_path / "w.xlsx", {"S": rows}))
    assert table.columns == ("Address", "City", "Column C")
    assert table.rows == [("1 Main St", "Boston", "extra")]


def test_xlsm_is_read(sov_xlsx: Path, tmp_path: Path) -> None:
    path = tmp_path / "macro.xlsm"
    shutil.copy(sov_xlsx, path)
    assert read_table(path).header_row == 4


def test_xlsx_named_xls_is_read_by_content(sov_xlsx: Path, tmp_path: Path) -> None:
    path = tmp_path / "misnamed.xls"
    shutil.copy(sov_xlsx, path)
    assert read_table(path).columns == tuple(SOV_HEADER)


def test_ods(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "sov.ods", {
        "Notes": [["just notes"]],
        "Schedule": [["Statement of values"], [None], SOV_HEADER, *SOV_ROWS],
    })
    assert list_sheets(path) == ["Notes", "Schedule"]
    table = read_table(path)
    assert table.sheet == "Schedule"
    assert table.header_row == 3
    assert table.row_numbers == [4, 5, 6]
    assert table.rows[0][4] == 2134
    assert table.rows[2][4] == "07102"
    assert table.rows[0][-1] == 1000000


def test_xls_fixture() -> None:
    table = read_table(DATA / "sov.xls")
    assert table.sheets == ("Cover", "Schedule")
    assert table.sheet == "Schedule"
    assert table.header_row == 3
    assert table.row_numbers == [4, 5, 6]
    assert table.rows[0] == (1, "1 Main St", "Boston", "MA", 2134, 1990, 1000000)
    assert table.rows[1][-1] == 250000.5


def test_xlsb_fixture() -> None:
    table = read_table(DATA / "sov.xlsb")
    assert table.sheet == "SOV"
    assert table.header_row == 1
    assert table.columns[:3] == ("Loc #", "Street Address", "City")
    assert table.rows[2] == (3, "9 Oak Ave", "Newark", "NJ", 7102, 1975, 300000)


@pytest.mark.parametrize("name", ["sov.xls", "sov.xlsb"])
def test_fixture_sheet_listing(name: str) -> None:
    assert list_sheets(DATA / name)[-1] in ("Schedule", "SOV")
