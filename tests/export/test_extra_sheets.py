"""Extra sheets (the run Summary) land between Problems and Run, values typed, titles bold."""

from pathlib import Path

import openpyxl

from ping_desktop.export import EnrichedTable, ExtraSheet, write_xlsx


def test_extra_sheet_written_between_problems_and_run(tmp_path: Path) -> None:
    summary = ExtraSheet(
        "Summary",
        [["Outcome", "Rows"], ["Located", 3], [None, 2.5]],
        bold_rows=frozenset({0}),
        widths=(20, 10),
    )
    table = EnrichedTable("Data", ["A"], [], iter([(["x"], ())]), extra_sheets=[summary])
    write_xlsx(table, tmp_path / "o.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert wb.sheetnames == ["Data", "Problems", "Summary", "Run"]
    ws = wb["Summary"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values == [["Outcome", "Rows"], ["Located", 3], [None, 2.5]]
    assert ws["A1"].font.bold
    assert not ws["A2"].font.bold
