"""The rows above the header (titles, "Prepared by", blank lines) are kept as values."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from ping_desktop.cli import main as inspect_main
from ping_desktop.intake import read_table
from ping_desktop.intake.reader import MAX_PREAMBLE_ROWS
from tests.intake.conftest import DATA
from tests.intake.sheets import SOV_HEADER, SOV_ROWS, write_ods, write_text, write_xlsx

TITLES: list[list[object]] = [
    ["Acme Holdings - Statement of Values 2026"],
    ["Prepared by", "Jane Broker", None, datetime.date(2026, 1, 15)],
    ["Policy", 12345, None, None, "Renewal"],
    [],
]
#: What intake hands over: trailing empties dropped, the blank row kept as ().
EXPECTED = (
    ("Acme Holdings - Statement of Values 2026",),
    ("Prepared by", "Jane Broker", None, datetime.date(2026, 1, 15)),
    ("Policy", 12345, None, None, "Renewal"),
    (),
)


def test_xlsx_title_rows_and_blank_row_are_the_preamble(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {"SOV": [*TITLES, SOV_HEADER, *SOV_ROWS]})
    table = read_table(path)
    assert table.header_row == 5
    assert table.preamble == EXPECTED
    assert type(table.preamble[2][1]) is int  # 12345, not 12345.0
    assert table.row_numbers == [6, 7, 8]
    assert table.columns == tuple(SOV_HEADER)


def test_csv_title_rows_and_blank_row_are_the_preamble(tmp_path: Path) -> None:
    rows = [["Acme Holdings - Statement of Values 2026"], ["Prepared by", "Jane Broker"],
            ["Policy", "12345", "", "", "Renewal"], [], SOV_HEADER, *SOV_ROWS]
    table = read_table(write_text(tmp_path / "t.csv", rows))
    assert table.header_row == 5
    assert table.preamble == (
        ("Acme Holdings - Statement of Values 2026",),
        ("Prepared by", "Jane Broker"),
        ("Policy", "12345", None, None, "Renewal"),  # text stays text, as data cells do
        (),
    )


def test_csv_sep_hint_is_not_a_title_row(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    body = "\n".join(";".join(str(v) for v in r) for r in [SOV_HEADER, *SOV_ROWS])
    path.write_text('"sep=;"\nACME schedule\n\n' + body + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.header_row == 3
    assert table.preamble == (("ACME schedule",), ())


def test_ods_and_xls_keep_their_titles(tmp_path: Path) -> None:
    ods = write_ods(tmp_path / "t.ods", {"S": [["ACME SOV"], [], SOV_HEADER, *SOV_ROWS]})
    assert read_table(ods).preamble == (("ACME SOV",), ())
    xls = read_table(DATA / "sov.xls", sheet="Schedule")
    assert xls.header_row == 3
    assert xls.preamble == (("ACME - Statement of Values",), ())


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_header_on_row_one_has_no_preamble(tmp_path: Path, suffix: str) -> None:
    rows = [SOV_HEADER, *SOV_ROWS]
    path = (write_xlsx(tmp_path / "h.xlsx", {"S": rows}) if suffix == ".xlsx"
            else write_text(tmp_path / "h.csv", rows))
    assert read_table(path).preamble == ()


def test_xlsb_fixture_has_no_preamble() -> None:
    assert read_table(DATA / "sov.xlsb").preamble == ()


def test_chosen_header_row_moves_rows_into_the_preamble(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {"SOV": [*TITLES, SOV_HEADER, *SOV_ROWS]})
    table = read_table(path, header_row=6)  # the user says the first data row is the header
    assert table.header_row == 6
    assert table.preamble == (*EXPECTED, tuple(SOV_HEADER))
    assert table.row_numbers == [7, 8]
    earlier = read_table(path, header_row=2)
    assert earlier.preamble == (EXPECTED[0],)


def test_rows_above_a_very_low_chosen_header_are_not_kept(tmp_path: Path) -> None:
    lines = ["Address,City"] * (MAX_PREAMBLE_ROWS + 2) + ["1 Main St,Boston"]
    path = tmp_path / "low.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kept = read_table(path, header_row=MAX_PREAMBLE_ROWS + 1)
    assert len(kept.preamble) == MAX_PREAMBLE_ROWS
    table = read_table(path, header_row=MAX_PREAMBLE_ROWS + 2)
    assert table.preamble == ()
    assert any("not copied into the export" in n for n in table.notes)


def test_inspect_json_counts_rows_above_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {"SOV": [*TITLES, SOV_HEADER, *SOV_ROWS]})
    assert inspect_main(["inspect", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["header_row"] == 5
    assert data["rows_above_header"] == 4
