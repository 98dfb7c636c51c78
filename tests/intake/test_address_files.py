"""Address checks and early refusal on spreadsheets the tests write: what is sent, what is
reported per sheet row, and that the user's cells stay as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.cli import main
from ping_desktop.intake import build_plan, guess_mapping, inspect_file, read_table, refusal
from tests.intake.sheets import write_text, write_xlsx

ONE_LINE: list[list[Any]] = [
    ["Loc", "Address", "TIV"],
    [1, "77 Massachusetts Ave, Cambridge, MA 2139", 1_000_000],
    [2, "Springfield, 1103", 500_000],
    [3, "2 Penn Plaza, NY", 750_000],
    [4, "350 Fifth Avenue, New York, NY 10118", 900_000],
    [5, "PO Box 12, Boston, MA 02110", 100_000],
]


@pytest.fixture
def one_line_xlsx(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "one-line.xlsx", {"SOV": ONE_LINE})


def test_one_line_addresses_are_sent_repaired(one_line_xlsx: Path) -> None:
    table = read_table(one_line_xlsx)
    mapping, _ = guess_mapping(table)
    assert mapping.fields["address"] == "Address"
    plan = build_plan(table, mapping, ["PG"])
    sent = {loc.row_numbers[0]: loc.payload["address"] for loc in plan.locations}
    assert sent == {
        2: "77 Massachusetts Ave, Cambridge, MA 02139",
        3: "Springfield, MA 01103",
        4: "2 Penn Plaza, NY",
        5: "350 Fifth Avenue, New York, NY 10118",
        6: "PO Box 12, Boston, MA 02110",
    }
    # The user's cells are untouched: the table still holds what the sheet says.
    assert table.rows[0][1] == "77 Massachusetts Ave, Cambridge, MA 2139"
    flagged = {(p.row, p.kind) for p in plan.problems}
    assert flagged == {(2, "zip_restored"), (3, "zip_restored"), (3, "state_filled"),
                       (3, "incomplete"), (4, "incomplete"), (6, "po_box")}
    assert plan.sendable_rows == 5  # checks warn; they never stop a row
    assert refusal(plan.problems) is None


def test_declining_a_kind_sends_the_cell_as_written(one_line_xlsx: Path) -> None:
    table = read_table(one_line_xlsx)
    mapping, _ = guess_mapping(table)
    plan = build_plan(table, mapping, ["PG"], declined={"zip_restored", "state_filled"})
    assert plan.locations[0].payload["address"] == "77 Massachusetts Ave, Cambridge, MA 2139"
    assert plan.locations[1].payload["address"] == "Springfield, 1103"


def test_split_columns_get_zip_and_state_from_the_table(tmp_path: Path) -> None:
    path = write_text(tmp_path / "split.csv", [
        ["Street", "City", "Zip"],
        ["77 Massachusetts Ave", "Cambridge", "2139"],
        ["1 Main St", "Austin", "02110"],
    ])
    table = read_table(path)
    mapping, _ = guess_mapping(table)
    assert "state" not in mapping.fields
    plan = build_plan(table, mapping, ["PG"])
    first = plan.locations[0].payload
    assert first["postal_code"] == "02139"
    assert first["state"] == "MA"  # filled from the ZIP and sent, though no column holds it
    assert first["address"] == "77 Massachusetts Ave, Cambridge, MA 02139"
    kinds = [(p.row, p.kind) for p in plan.problems]
    # Row 3 is left alone: with no state or country, a ZIP whose city disagrees is not
    # assumed to be a US ZIP (it could be a foreign postcode).
    assert kinds == [(2, "zip_restored"), (2, "state_filled")]
    assert "state" not in plan.locations[1].payload


def test_header_only_file_is_refused_with_a_specific_problem(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "header-only.xlsx",
                      {"SOV": [["Street", "City", "State", "Zip"]]})
    inspection = inspect_file(path, sources=["PG"])
    first = inspection.plan.problems[0]
    assert (first.row, first.severity, first.kind) == (0, "error", "no_rows")
    assert 'has a header row (row 1) but no data rows' in first.message
    assert inspection.plan.locations == []
    assert refusal(inspection.plan.problems) is first


def test_nothing_sendable_is_one_whole_file_error(tmp_path: Path) -> None:
    path = write_text(tmp_path / "nothing.csv", [
        ["Street", "City", "State", "Zip"],
        ["1 Main St", None, None, None],
        [None, "Boston", None, None],
    ])
    plan = inspect_file(path).plan
    assert plan.problems[0].kind == "nothing_sendable"
    assert plan.problems[0].message.startswith("None of the 2 rows can be sent")
    assert plan.sendable_rows == 0
    assert refusal(plan.problems) is plan.problems[0]


def test_inspect_json_lists_repairs_and_checks_per_row(
    one_line_xlsx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(one_line_xlsx), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["repairs"] == [
        {"kind": "zip_restored", "count": 2, "label": "2 ZIPs restored (leading zeros)",
         "rows": [2, 3]},
        {"kind": "state_filled", "count": 1, "label": "1 state filled from the ZIP",
         "rows": [3]},
    ]
    by_row = {(c["row"], c["kind"]): c for c in data["checks"]}
    assert by_row[(4, "incomplete")]["severity"] == "warning"
    assert by_row[(4, "incomplete")]["repair"] is False
    assert by_row[(2, "zip_restored")]["message"] == (
        "ZIP 2139 restored to 02139 (Excel drops leading zeros)")


def test_inspect_json_says_which_repairs_were_declined(
    one_line_xlsx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(one_line_xlsx), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["declined_repairs"] == []
    assert main(["inspect", str(one_line_xlsx), "--json", "--decline", "state_filled",
                 "--decline", "zip_restored"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["declined_repairs"] == ["state_filled", "zip_restored"]
    # Still proposed (so they can be accepted again), but nothing is repaired.
    assert [r["kind"] for r in data["repairs"]] == ["zip_restored", "state_filled"]
    assert all("(repair declined: sent as written)" in c["message"]
               for c in data["checks"] if c["repair"])


def test_every_problem_kind_has_a_plain_label_and_a_place() -> None:
    from ping_desktop.intake.address_checks import FLAG_KINDS, REPAIR_KINDS, kind_label, kind_rank
    from ping_desktop.intake.validate import REFUSALS

    for kind in (*FLAG_KINDS, *REPAIR_KINDS, *REFUSALS):
        assert kind_label(kind)
        assert "_" not in kind_label(kind)
    assert kind_label(None) == ""
    # Rows not sent first, then what the user should check, then what was done for them.
    assert kind_rank(None) < kind_rank("zip_state_mismatch") < kind_rank("zip_restored")
