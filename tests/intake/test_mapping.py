"""Column mapping guesses: header synonyms, cell contents, one column per field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ping_desktop.intake import (
    FIELD_LABELS,
    LOCATION_FIELDS,
    ColumnMapping,
    SheetTable,
    guess_mapping,
)


def table(columns: list[str], rows: list[list[Any]]) -> SheetTable:
    return SheetTable(Path("x.csv"), "", ("",), 1, tuple(columns), [tuple(r) for r in rows],
                      list(range(2, 2 + len(rows))))


def test_every_field_has_a_label() -> None:
    assert set(FIELD_LABELS) == set(LOCATION_FIELDS)
    assert FIELD_LABELS["address_line_1"] == "Street address (line 1)"


def test_split_address_and_sov_fields() -> None:
    cols = ["Loc #", "Property Address", "Town", "St", "Zip Code", "Country", "Lat", "Lng",
            "Yr. Built", "# of Stories", "Sq Ft", "Const", "Occupancy", "Bldg Val", "BPP",
            "Time Element", "TIV", "Building Name"]
    rows = [[1, "1 Main St", "Boston", "MA", "02134", "USA", 42.35, -71.06, 1990, 3, 12000,
             "Frame", "Office", 1e6, 5e4, 1e3, 1.05e6, "HQ"],
            [2, "5 Elm St", "Austin", "TX", "78701", "USA", 30.27, -97.74, 2001, 1, 900,
             "Masonry", "Retail", 2e5, 3e4, 1e2, 2.3e5, "Store"]]
    mapping, guesses = guess_mapping(table(cols, rows))
    assert mapping.fields == {
        "address_line_1": "Property Address",  # streets only, with city/state/zip beside it
        "city": "Town",
        "state": "St",
        "postal_code": "Zip Code",
        "country": "Country",
        "latitude": "Lat",
        "longitude": "Lng",
        "bldg_name": "Building Name",
        "const__bldg_year_built": "Yr. Built",
        "const__num_stories": "# of Stories",
        "const__bldg_area": "Sq Ft",
        "const__desc_ping": "Const",
        "occupancy__desc_ping": "Occupancy",
        "limits__building_limit": "Bldg Val",
        "limits__bpp_limit": "BPP",
        "limits__bi_limit": "Time Element",
    }
    assert "TIV" not in mapping.fields.values()  # total value is not a building limit
    assert {g.field for g in guesses} == set(mapping.fields)
    assert all(0 < g.confidence <= 1 and g.reason for g in guesses)


def test_single_line_address_stays_single() -> None:
    rows = [["1 Main St, Boston, MA 02134", 100], ["5 Elm St, Austin, TX 78701", 200]]
    mapping, _ = guess_mapping(table(["Location Address", "Building Value"], rows))
    assert mapping.fields["address"] == "Location Address"
    assert "address_line_1" not in mapping.fields


def test_full_addresses_beside_city_columns_stay_single_line() -> None:
    rows = [["1 Main St, Boston, MA 02134", "Boston"], ["5 Elm St, Austin, TX 78701", "Austin"]]
    mapping, _ = guess_mapping(table(["Address", "City"], rows))
    assert mapping.fields == {"address": "Address", "city": "City"}


def test_street_column_holding_whole_addresses_becomes_single_line() -> None:
    rows = [["1 Main St, Boston, MA 02134"], ["5 Elm St, Austin, TX 78701"]]
    mapping, _ = guess_mapping(table(["Street"], rows))
    assert mapping.fields == {"address": "Street"}


def test_x_y_need_coordinate_contents() -> None:
    good, _ = guess_mapping(table(["Address", "X", "Y"], [["1 Main", -71.06, 42.35],
                                                         ["2 Main", -97.74, 30.27]]))
    assert good.fields["longitude"] == "X"
    assert good.fields["latitude"] == "Y"
    bad, _ = guess_mapping(table(["Address", "X", "Y"], [["1 Main", "a", "b"],
                                                        ["2 Main", "c", "d"]]))
    assert "latitude" not in bad.fields
    assert "longitude" not in bad.fields


def test_latitude_out_of_range_lowers_confidence() -> None:
    rows = [["1 Main", 420.5], ["2 Main", 300.1]]
    mapping, _ = guess_mapping(table(["Address", "Latitude"], rows))
    assert mapping.confidence["latitude"] < 0.6
    assert "latitude" in mapping.low_confidence()


def test_st_holding_streets_is_not_a_state() -> None:
    rows = [["12 Oak St", "Boston"], ["4 Elm St", "Austin"], ["9 Pine St", "Miami"]]
    mapping, _ = guess_mapping(table(["St", "City"], rows))
    assert mapping.fields.get("state") != "St"


def test_content_only_guesses() -> None:
    rows = [["1 Main St", "MA", "02134"], ["5 Elm St", "TX", "78701"],
            ["9 Oak", "NJ", "07102"], ["3 Pine", "NY", "10001"]]
    mapping, guesses = guess_mapping(table(["Street Address", "Column B", "Column C"], rows))
    assert mapping.fields["state"] == "Column B"
    assert mapping.fields["postal_code"] == "Column C"
    assert mapping.confidence["state"] < 0.6  # shown as "needs a look"
    reasons = {g.field: g.reason for g in guesses}
    assert "look like US states" in reasons["state"]


def test_never_one_column_twice() -> None:
    cols = ["Address", "Street Address", "Address 2", "Building", "Building Value"]
    rows = [["1 Main St", "1 Main St", "Ste 1", 10, 20]]
    mapping, _ = guess_mapping(table(cols, rows))
    assert len(set(mapping.fields.values())) == len(mapping.fields)
    assert mapping.fields["address_line_2"] == "Address 2"


@pytest.mark.parametrize(("header", "field"), [
    ("ZIP+4", "postal_code"), ("Post Code", "postal_code"), ("Province", "state"),
    ("Longitude (dd)", "longitude"), ("Year of Construction", "const__bldg_year_built"),
    ("No. of Floors", "const__num_stories"), ("Square Footage", "const__bldg_area"),
    ("ISO Class", "const__desc_ping"), ("AIR Const Code", "const__code_air"),
    ("RMS Construction Code", "const__code_rms"), ("ATC Code", "occupancy__code_atc"),
    ("AIR Occupancy Code", "occupancy__code_air"), ("Contents Value", "limits__bpp_limit"),
    ("Business Interruption", "limits__bi_limit"), ("Building Limit", "limits__building_limit"),
    ("Location Name", "bldg_name"), ("County", "county"), ("Addr 1", "address_line_1"),
])
def test_header_synonyms(header: str, field: str) -> None:
    values = {"postal_code": "02134", "state": "MA", "longitude": -71.5,
              "const__bldg_year_built": 1990}
    numeric = field.startswith(("const__num", "const__bldg_a", "limits"))
    value = values.get(field, 3 if numeric else "x")
    mapping, _ = guess_mapping(table([header], [[value], [value]]))
    assert mapping.fields == {field: header}


@pytest.mark.parametrize("header", ["TIV", "Total Insured Value", "Notes", "Insured Name"])
def test_headers_that_are_not_mapped(header: str) -> None:
    mapping, _ = guess_mapping(table([header], [[1], [2]]))
    assert mapping.fields == {}


def test_mapping_object_rules() -> None:
    m = ColumnMapping({"address": "A", "city": "C"}, {"address": 0.9, "city": 0.4})
    assert m.column_for("city") == "C"
    assert m.column_for("state") is None
    assert m.low_confidence() == ["city"]
    moved = m.with_field("state", "C")  # taking column C away from city
    assert moved.fields == {"address": "A", "state": "C"}
    assert moved.confidence["state"] == 1.0
    assert m.fields == {"address": "A", "city": "C"}  # the original is untouched
    assert moved.with_field("state", None).fields == {"address": "A"}
    with pytest.raises(ValueError, match="unknown"):
        m.with_field("street", "A")
    again = ColumnMapping.from_dict(moved.to_dict())
    assert again == moved
    junk = ColumnMapping.from_dict({"fields": {"street": "A", "city": 3, "state": "S",
                                               "county": "S"}, "confidence": {"state": 7}})
    assert junk.fields == {"county": "S"}
    assert ColumnMapping.from_dict({"fields": []}).fields == {}
