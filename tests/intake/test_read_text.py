"""Delimited text: encodings, delimiters, quoting, and a property test of the whole CSV path."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ping_desktop.intake import IntakeError, read_table
from tests.intake.sheets import write_text

ROWS = [
    ["Location Address", "City", "State", "ZIP", "Notes"],
    ["12 Rue Café", "Montréal", "QC", "H2X 1Y4", "naïve façade – “quoted”"],
    ["1 Main St", "Boston", "MA", "02134", "ok"],
]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16"),
     ("cp1252", "Windows-1252")],
)
def test_encodings(tmp_path: Path, encoding: str, label: str) -> None:
    table = read_table(write_text(tmp_path / "e.csv", ROWS, encoding=encoding))
    assert table.columns == tuple(ROWS[0])
    assert table.rows[0] == tuple(ROWS[1])
    assert table.rows[1][3] == "02134"
    assert f"Encoding: {label}" in table.notes


def test_latin1_bytes_undefined_in_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes("Address,City\n1 Main St,X\x81Y\n".encode("latin-1"))
    table = read_table(path)
    assert table.rows == [("1 Main St", "X\x81Y")]
    assert "Encoding: Latin-1" in table.notes


@pytest.mark.parametrize(("delimiter", "name"),
                         [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiters(tmp_path: Path, delimiter: str, name: str) -> None:
    rows = [["Address", "City", "State", "Zip"],
            ["1 Main St, Suite 4", "Boston", "MA", "02134"],  # a comma inside a cell
            ["5 Elm; rear", "Austin", "TX", "78701"]]
    table = read_table(write_text(tmp_path / "d.txt", rows, delimiter=delimiter))
    assert table.columns == tuple(rows[0])
    assert table.rows == [tuple(r) for r in rows[1:]]
    assert f"Delimiter: {name}" in table.notes


def test_tsv_and_excel_sep_hint(tmp_path: Path) -> None:
    tsv = write_text(tmp_path / "a.tsv", [["Address", "City"], ["1 Main", "Boston"]], "utf-8",
                     "\t")
    assert read_table(tsv).rows == [("1 Main", "Boston")]
    hinted = tmp_path / "hint.csv"
    hinted.write_text("sep=;\nAddress;City;Zip\n1 Main St, Apt 2;Boston;02134\n")
    table = read_table(hinted)
    assert table.columns == ("Address", "City", "Zip")
    assert table.rows == [("1 Main St, Apt 2", "Boston", "02134")]


def test_embedded_newlines_and_quotes(tmp_path: Path) -> None:
    rows = [["Address", "City", "Notes"],
            ["1 Main St\nFloor 2", "Boston", 'He said "fine"'],
            ["5 Elm", "Austin", "line one\r\nline two"]]
    table = read_table(write_text(tmp_path / "n.csv", rows))
    assert table.rows == [tuple(r) for r in rows[1:]]
    assert table.row_numbers == [2, 3]  # csv records, as Excel shows them


def test_title_rows_above_header_in_csv(tmp_path: Path) -> None:
    rows = [["Statement of Values"], ["Prepared 2026-01-01", ""], [],
            ["Property Address", "City", "State", "Postal Code"],
            ["1 Main St", "Boston", "MA", "02134"]]
    table = read_table(write_text(tmp_path / "t.csv", rows))
    assert table.header_row == 4
    assert table.row_numbers == [5]


def test_short_and_long_rows_are_padded_to_the_header(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Address,City,State\n1 Main St\n2 Elm,Austin,TX,,\n")
    table = read_table(path)
    assert table.columns == ("Address", "City", "State")
    assert table.rows == [("1 Main St", None, None), ("2 Elm", "Austin", "TX")]


def test_single_column_keeps_cells_with_delimiters(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("Address\n,\n1 Main St; rear\n")
    assert read_table(path, header_row=1).rows == [(",",), ("1 Main St; rear",)]


# --- property: whatever the cells, the CSV path returns exactly them or says why it cannot ---

_cell = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\ufeff"), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data(), ncols=st.integers(min_value=1, max_value=5),
       delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_csv_round_trip_property(tmp_path: Path, data: st.DataObject, ncols: int,
                                 delimiter: str) -> None:
    header = [f"Col{i}" for i in range(ncols)]
    body = data.draw(st.lists(st.lists(_cell, min_size=ncols, max_size=ncols), max_size=8))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([header, *body])
    path = tmp_path / "p.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    try:
        table = read_table(path, header_row=1)
    except IntakeError as exc:  # a plain message is fine; any other exception fails the test
        message = exc.message
        assert message
        return
    expected = [(i + 2, tuple(c if c != "" else None for c in row))
                for i, row in enumerate(body) if any(c != "" for c in row)]
    assert table.columns == tuple(header)
    assert list(zip(table.row_numbers, table.rows, strict=True)) == expected


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(blob)
    try:
        table = read_table(path)
    except IntakeError as exc:
        message = exc.message
        assert message
        return
    assert all(len(r) == len(table.columns) for r in table.rows)
