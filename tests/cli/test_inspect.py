"""The ``inspect`` command: text and JSON output, and plain errors with exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ping_desktop.cli import main
from tests.intake.conftest import DATA


def test_inspect_json(sov_xlsx: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(sov_xlsx), "--json", "--source", "pg", "--source", "PH"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sheets"] == ["Locations"]
    assert data["sheet"] == "Locations"
    assert data["header_row"] == 4
    assert data["columns"][:3] == ["Loc #", "Street Address", "City"]
    assert data["rows"] == 3
    assert data["mapping"]["address_line_1"] == "Street Address"
    assert data["mapping"]["postal_code"] == "Zip"
    assert data["unique_locations"] == 3
    assert data["cost"] == 6
    assert data["sources"] == ["PG", "PH"]
    assert data["problems"] == [{
        "row": 5, "field": "postal_code", "severity": "warning",
        "message": "ZIP 2134 restored to 02134 (Excel drops leading zeros)",
    }]
    assert data["preview"][0]["row"] == 5


def test_inspect_sheet_and_header_row_options(capsys: pytest.CaptureFixture[str]) -> None:
    # The Cover sheet, read with row 1 as its header, has no data rows: the report is still
    # printed, but the file would be refused, so the exit code says so (it was 0).
    assert main(["inspect", str(DATA / "sov.xls"), "--sheet", "Cover", "--header-row", "1",
                 "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["sheet"] == "Cover"
    assert data["header_row"] == 1
    assert data["rows"] == 0
    assert data["problems"][0]["row"] == 0
    assert "no data rows" in data["problems"][0]["message"]
    assert "no data rows" in captured.err


def test_header_only_file_exits_1_with_specific_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.intake.sheets import write_xlsx

    path = write_xlsx(tmp_path / "header_only.xlsx",
                      {"Locations": [["Street Address", "City", "State", "Zip"]]})
    assert main(["inspect", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Data rows: 0" in captured.out
    assert "file: error:" in captured.out
    assert "has a header row (row 1) but no data rows" in captured.err
    assert "Traceback" not in captured.err


def test_nothing_sendable_exits_1_with_specific_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.intake.sheets import write_text

    # Every row lacks any usable address or coordinates.
    path = write_text(tmp_path / "no_addresses.csv",
                      [["Loc #", "Street Address", "City"], ["1", "", ""], ["2", "", ""]])
    assert main(["inspect", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["sendable_rows"] == 0
    assert "None of the 2 rows can be sent" in captured.err


def test_sendable_file_still_exits_0(sov_xlsx: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(sov_xlsx), "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_inspect_text(sov_xlsx: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(sov_xlsx)]) == 0
    out = capsys.readouterr().out
    assert "Header row: 4" in out
    assert "Street address (line 1)" in out
    assert "row 5: warning: ZIP 2134 restored" in out
    # The repairs grouped by kind, as the window's consent step shows them.
    assert "Proposed repairs (what is sent; your cells are never changed):" in out
    assert "  1 ZIP restored (leading zeros)" in out


def test_bad_file_exits_1_with_plain_message(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert main(["inspect", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "empty" in captured.err
    assert "Traceback" not in captured.err


def test_real_process_exit_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ping_desktop.cli", "inspect", str(DATA / "encrypted.xlsx")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "password" in result.stderr
    assert "Traceback" not in result.stderr


def test_inspection_json_is_plain_json(tmp_path: Path) -> None:
    import datetime

    from ping_desktop.intake import inspect_file, inspection_to_json, list_sheets
    from tests.intake.sheets import write_text, write_xlsx

    path = write_xlsx(tmp_path / "d.xlsx", {"S": [
        ["Address", "Inspected"],
        ["1 Main St, Boston, MA 02134", datetime.datetime(2024, 5, 1, 9, 30)],
    ]})
    data = inspection_to_json(inspect_file(path))
    text = json.dumps(data)  # no default=: every value is plain JSON
    assert "2024-05-01T09:30:00" in text
    assert data["preview"] == [{"row": 2, "values": ["1 Main St, Boston, MA 02134",
                                                     "2024-05-01T09:30:00"]}]
    csv_path = write_text(tmp_path / "a.csv", [["Address"], ["1 Main St, Boston, MA"]])
    assert list_sheets(csv_path) == [""]
    assert inspection_to_json(inspect_file(csv_path))["sheets"] == [""]


def test_declined_repair_kind_is_reported_not_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.intake.sheets import write_xlsx

    path = write_xlsx(tmp_path / "one_line.xlsx", {"SOV": [
        ["Loc", "Address"], [1, "77 Massachusetts Ave, Cambridge, MA 2139"]]})
    assert main(["inspect", str(path), "--json", "--decline", "zip_restored"]) == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert checks[0]["kind"] == "zip_restored"
    assert "(repair declined: sent as written)" in checks[0]["message"]
    assert main(["inspect", str(path), "--json"]) == 0
    assert "declined" not in json.loads(capsys.readouterr().out)["checks"][0]["message"]
    with pytest.raises(SystemExit):
        main(["inspect", str(path), "--decline", "everything"])
    assert "invalid choice" in capsys.readouterr().err
