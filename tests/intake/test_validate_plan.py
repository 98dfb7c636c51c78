"""Validation problems (with sheet row numbers) and the plan of unique locations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ping_desktop.intake import (
    ColumnMapping,
    Problem,
    SheetTable,
    build_plan,
    location_payload,
    read_table,
    validate,
)

SPLIT = ColumnMapping({"address_line_1": "Street", "city": "City", "state": "State",
                       "postal_code": "Zip", "latitude": "Lat", "longitude": "Lon"})
COLUMNS = ("Loc", "Street", "City", "State", "Zip", "Lat", "Lon")


def table(rows: list[Any], columns: tuple[str, ...] = COLUMNS,
          first_row: int = 5) -> SheetTable:
    return SheetTable(Path("s.xlsx"), "S", ("S",), first_row - 1, columns,
                      [tuple(r) for r in rows], list(range(first_row, first_row + len(rows))))


def by_row(problems: list[Problem]) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    for p in problems:
        out.setdefault(p.row, []).append(p)
    return out


def test_problems_carry_sheet_rows_and_plain_messages() -> None:
    rows = [
        [1, "1 Main St", "Boston", "MA", "02134", None, None],  # fine
        [2, None, None, None, None, None, None],  # nothing to locate
        [3, None, None, None, None, 95.0, -71.0],  # latitude out of range
        [4, "5 Elm", "Austin", "TX", "78701", 30.2, None],  # one coordinate only
        [5, None, None, None, None, "north", 10],  # not a number
        [6, None, None, None, None, 40.7, -74.0],  # coordinates alone are enough
        [7, "9 Oak", None, None, None, None, None],  # street without city/state/zip
    ]
    problems = by_row(validate(table(rows), SPLIT))
    assert set(problems) == {6, 7, 8, 9, 11}
    assert "No usable address or coordinates" in problems[6][0].message
    assert problems[7][0].field == "latitude"
    assert "outside -90..90" in problems[7][0].message
    assert "add the longitude" in problems[8][0].message
    assert '"north" is not a number' in problems[9][0].message
    assert "No usable address" in problems[11][0].message
    assert all(p.severity == "error" for ps in problems.values() for p in ps)


def test_zip_repair_is_a_warning_only_for_us_rows() -> None:
    columns = ("Street", "City", "State", "Zip", "Country")
    mapping = ColumnMapping({"address_line_1": "Street", "city": "City", "state": "State",
                             "postal_code": "Zip", "country": "Country"})
    rows = [["1 Main St", "Boston", "MA", 2134, None],  # from an Excel number
            ["2 Main St", "Boston", "Massachusetts", "2134-1234", None],  # ZIP+4
            ["3 Rue", "Paris", None, 7501, "France"],  # not US: left alone
            ["4 Elm", "Holtsville", "NY", 501, "USA"],  # 3 digits -> 00501
            ["5 Elm", "Austin", "TX", "78701-1234", "US"]]  # fine as it is
    t = table(rows, columns, first_row=2)
    problems = validate(t, mapping)
    assert [(p.row, p.severity) for p in problems] == [(2, "warning"), (3, "warning"),
                                                       (5, "warning")]
    assert problems[0].message == "ZIP 2134 restored to 02134 (Excel drops leading zeros)"
    plan = build_plan(t, mapping, ["PG"])
    assert plan.rows_with_problems == 0
    zips = [loc.payload["postal_code"] for loc in plan.locations]
    assert zips == ["02134", "02134-1234", "7501", "00501", "78701-1234"]
    assert plan.locations[2].payload["country"] == "FR"
    assert plan.locations[3].payload["country"] == "US"
    assert "country" not in plan.locations[0].payload


def test_required_attrs_from_datasources() -> None:
    rows = [[1, "1 Main St", "Boston", "MA", None, None, None],
            [2, None, None, None, None, 40.7, -74.0]]
    required = {"PG": ["address"], "PH": [], "XX": ["county"]}
    problems = validate(table(rows), SPLIT, ["PG", "PH"], required)
    assert [(p.row, p.field) for p in problems] == [(6, "address")]
    assert "Source PG needs Full address" in problems[0].message
    whole = validate(table(rows), SPLIT, ["PH", "XX"], required)
    assert whole[0].row == 0
    assert "map a column to it" in whole[0].message
    plan = build_plan(table(rows), SPLIT, ["PH", "XX"], required)
    assert plan.sendable_rows == 0  # a whole-file error stops every row


def test_duplicate_user_ids_are_warnings() -> None:
    rows = [[1, "1 Main St", "Boston", "MA", "02134", None, None],
            [2, "2 Main St", "Boston", "MA", "02134", None, None],
            [1, "3 Main St", "Boston", "MA", "02134", None, None],
            [None, "4 Main St", "Boston", "MA", "02134", None, None],
            [None, "5 Main St", "Boston", "MA", "02134", None, None]]
    t = table(rows, ("Location ID", *COLUMNS[1:]))
    problems = validate(t, SPLIT)
    assert [(p.row, p.severity) for p in problems] == [(7, "warning")]
    assert "Location ID 1 is also on row 5" in problems[0].message


def test_identical_locations_collapse_and_fan_out() -> None:
    rows = [[1, "1 Main St.", "Boston", "MA", "02134", None, None],
            [2, "5 Elm", "Austin", "TX", "78701", None, None],
            [3, "1  MAIN st", "boston", "ma", "02134", None, None],  # same, other spelling
            [4, None, None, None, None, None, None],  # error row: not planned
            [5, None, None, None, None, 40.7128001, -74.0060001],
            [6, None, None, None, None, 40.7128, -74.006]]  # same point to 5 decimals
    plan = build_plan(table(rows), SPLIT, ["PG", "PH"])
    assert plan.rows == 6
    assert plan.unique_locations == 3
    assert plan.rows_with_problems == 1
    assert plan.sendable_rows == 5
    assert plan.cost == 6
    assert [loc.location_id for loc in plan.locations] == ["row-5", "row-6", "row-9"]
    assert plan.locations[0].row_numbers == (5, 7)
    assert plan.locations[2].row_numbers == (9, 10)
    assert plan.row_location == {5: "row-5", 6: "row-6", 7: "row-5", 9: "row-9", 10: "row-9"}
    first = plan.locations[0].payload
    assert first["address_line_1"] == "1 Main St."  # the first row's own spelling is sent
    assert first["address"] == "1 Main St., Boston, MA 02134"
    assert "id" not in first
    assert "sources" not in first
    assert plan.locations[2].payload == {"latitude": 40.7128001, "longitude": -74.0060001}


def test_different_buildings_at_one_address_stay_apart() -> None:
    columns = ("Address", "Year Built")
    mapping = ColumnMapping({"address": "Address", "const__bldg_year_built": "Year Built"})
    rows = [["1 Main St, Boston, MA", 1990], ["1 Main St, Boston, MA", 2005],
            ["1 main st boston ma", 1990]]
    plan = build_plan(table(rows, columns), mapping, ["PG"])
    assert [loc.row_numbers for loc in plan.locations] == [(5, 7), (6,)]


def test_payload_values_are_cleaned() -> None:
    columns = ("Address", "Zip", "Lat", "Lon", "Built", "Stories", "Area", "Bldg", "BPP",
               "Const", "Country")
    mapping = ColumnMapping({
        "address": "Address", "postal_code": "Zip", "latitude": "Lat", "longitude": "Lon",
        "const__bldg_year_built": "Built", "const__num_stories": "Stories",
        "const__bldg_area": "Area", "limits__building_limit": "Bldg",
        "limits__bpp_limit": "BPP", "const__desc_ping": "Const", "country": "Country"})
    rows = [["  1 Main St, Boston  ", 2134, "42.35", -71, "1990", "3", "12,000 sq ft",
             "$1,250,000", 1234.56, 5, "United States"]]
    t = table(rows, columns)
    payload = location_payload(t, mapping, 0)
    assert payload == {
        "address": "1 Main St, Boston", "postal_code": "02134", "latitude": 42.35,
        "longitude": -71.0, "const__bldg_year_built": 1990, "const__num_stories": 3,
        "const__bldg_area": 12000, "limits__building_limit": 1250000,
        "limits__bpp_limit": 1234.56, "const__desc_ping": "5", "country": "US",
    }
    assert isinstance(payload["latitude"], float)
    assert isinstance(payload["longitude"], float)


def test_unusable_numbers_are_warned_and_left_out() -> None:
    columns = ("Address", "Built", "Bldg")
    mapping = ColumnMapping({"address": "Address", "const__bldg_year_built": "Built",
                             "limits__building_limit": "Bldg"})
    rows: list[list[Any]] = [["1 Main St, Boston", "abt 1990", "n/a"],
                             ["2 Main St, Boston", 19, 5]]
    t = table(rows, columns)
    problems = validate(t, mapping)
    assert [(p.row, p.field, p.severity) for p in problems] == [
        (5, "const__bldg_year_built", "warning"), (5, "limits__building_limit", "warning"),
        (6, "const__bldg_year_built", "warning")]
    plan = build_plan(t, mapping, ["PG"])
    assert plan.sendable_rows == 2
    assert plan.locations[0].payload == {"address": "1 Main St, Boston"}
    assert plan.locations[1].payload == {"address": "2 Main St, Boston",
                                         "limits__building_limit": 5}


def test_mapping_to_a_missing_column_is_a_file_problem() -> None:
    mapping = ColumnMapping({"address": "Gone"})
    problems = validate(table([[1, "1 Main", "B", "MA", "1", None, None]]), mapping)
    assert problems[0].row == 0
    assert "not in this sheet" in problems[0].message


def test_empty_mapping_makes_every_row_an_error() -> None:
    plan = build_plan(table([[1, "x", "y", "z", "1", None, None]]), ColumnMapping(), ["PG"])
    assert plan.unique_locations == 0
    assert plan.rows_with_problems == 1
    assert plan.cost == 0


def test_plan_from_a_real_file(sov_xlsx: Path) -> None:
    from ping_desktop.intake import guess_mapping

    t = read_table(sov_xlsx)
    mapping, _ = guess_mapping(t)
    plan = build_plan(t, mapping, ["PG"], {"PG": ["address"]})
    assert plan.unique_locations == 3
    assert plan.row_location == {5: "row-5", 6: "row-6", 7: "row-7"}
    assert plan.locations[0].payload["postal_code"] == "02134"
    assert plan.problems[0].severity == "warning"


def test_gc_state_is_restored(sov_xlsx: Path, tmp_path: Path) -> None:
    import gc

    from ping_desktop.intake import IntakeError, guess_mapping

    assert gc.isenabled()
    t = read_table(sov_xlsx)
    build_plan(t, guess_mapping(t)[0], ["PG"])
    assert gc.isenabled()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(IntakeError):
        read_table(empty)
    assert gc.isenabled()  # also after a failed read
    gc.disable()
    try:
        read_table(sov_xlsx)
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()
