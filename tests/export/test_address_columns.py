"""The export's *Address sent* and *Checks* columns, from a plan of a generated workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from ping_desktop.export import EnrichedTable, ResultColumn, write_csv, write_xlsx
from ping_desktop.export.address_columns import address_sent, checks_by_row, with_address_columns
from ping_desktop.intake import build_plan, guess_mapping, read_table
from tests.intake.sheets import write_xlsx as write_input


def test_address_sent_shows_the_repaired_cambridge_line(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.xlsx", {"SOV": [
        ["Loc", "Address"],
        [1, "77 Massachusetts Ave, Cambridge, MA 2139"],
        [2, "2 Penn Plaza, NY"],
        [3, None],
    ]})
    table = read_table(source)
    mapping, _ = guess_mapping(table)
    plan = build_plan(table, mapping, ["PG"])
    payload_of = {loc.row_numbers[0]: loc.payload for loc in plan.locations}
    sent = {row: address_sent(payload_of.get(row)) for row in table.row_numbers}
    checks = checks_by_row((p.row, p.message) for p in plan.problems)
    results = [ResultColumn("PG", "status", "PG status")]
    rows = [(n, values, ["OK"] if n in payload_of else ())
            for n, values in zip(table.row_numbers, table.rows, strict=True)]
    columns, stream = with_address_columns(results, rows, sent, checks)
    enriched = EnrichedTable("SOV", list(table.columns), columns, stream)
    out = tmp_path / "out.xlsx"
    write_xlsx(enriched, out)
    ws = openpyxl.load_workbook(out, read_only=True)["SOV"]
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0] == ["Loc", "Address", "Address sent", "Checks", "PG status"]
    # The user's cell as typed, then what was sent, then what the checks said.
    assert got[1][:4] == [1, "77 Massachusetts Ave, Cambridge, MA 2139",
                          "77 Massachusetts Ave, Cambridge, MA 02139",
                          "ZIP 2139 restored to 02139 (Excel drops leading zeros)"]
    assert got[2][2] == "2 Penn Plaza, NY"
    assert "has no city or ZIP" in str(got[2][3])
    assert got[3][2] is None  # not sent
    assert "No usable address" in str(got[3][3])


def test_address_sent_for_parts_and_coordinates(tmp_path: Path) -> None:
    assert address_sent({"address_line_1": "1 Main St", "city": "Boston", "state": "MA",
                         "postal_code": "02110"}) == "1 Main St, Boston, MA, 02110"
    assert address_sent({"latitude": 42.36, "longitude": -71.06}) == "42.36, -71.06"
    assert address_sent(None) is None
    columns, stream = with_address_columns([], [(2, ("x",), ())], {2: "1 Main St"}, {})
    out = tmp_path / "o.csv"
    write_csv(EnrichedTable("S", ["A"], columns, stream), out)
    assert out.read_text(encoding="utf-8-sig").splitlines()[:2] == [
        "A,Address sent,Checks", "x,1 Main St,"]
