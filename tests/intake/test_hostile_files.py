"""Hostile and oversized files (issue 17, findings 2-4): each is refused quickly with a plain
message instead of aborting the process, running for hours or taking gigabytes.

Every file is generated here and is small on disk. Tests that would exhaust memory on the old
code only assert on the new pre-checks, or run the reader in a child process with a memory cap.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ping_desktop.intake import IntakeError, limits, read_table
from ping_desktop.intake.header import column_names

ROOT = Path(__file__).resolve().parents[2]


def _error(path: Path) -> str:
    with pytest.raises(IntakeError) as info:
        read_table(path)
    return info.value.message


# Finding 3: repeated and very wide headers -----------------------------------------------

def test_repeated_names_are_numbered_as_before() -> None:
    names = column_names(["Limit", "limit", None, "Limit (2)", "Limit", "Limit", "TIV"], 7, 2)
    assert names == ("Limit", "limit (2)", "Column E", "Limit (2) (2)", "Limit (3)",
                     "Limit (4)", "TIV")


def test_many_repeats_are_named_in_linear_time() -> None:
    # The old numbering counted up from 2 for each repeat (~50 million lookups here, 12 s);
    # bench/bench_headers.py prints the times for 10k/20k/40k. Here: the names stay right.
    repeats = 10_000
    names = column_names(["Limit"] * repeats, repeats, 0)
    assert names[-1] == f"Limit ({repeats})"
    assert len(set(n.lower() for n in names)) == repeats
    # Interleaved names with explicit numbers that collide with the generated ones.
    mixed = column_names(["A", "A (2)", "A", "A", "A (3)"], 5, 0)
    assert mixed == ("A", "A (2)", "A (3)", "A (4)", "A (3) (2)")


def test_a_row_wider_than_excel_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    wide = ",".join(["x"] * (limits.MAX_COLUMNS + 1))
    path.write_text("Address,City,State,ZIP\n1 Main St,Boston,MA,02134\n" + wide + "\n")
    message = _error(path)
    assert "Row 3 of wide.csv has 16,385 columns" in message
    assert "16,384" in message


def test_a_million_column_data_row_is_not_taken_for_the_header(tmp_path: Path) -> None:
    path = tmp_path / "million.csv"
    path.write_text(",".join(f"v{i}" for i in range(1_000_000)) + "\n")  # ~7 MB
    message = _error(path)
    assert "Row 1 of million.csv has 1,000,000 columns" in message


# Finding 4: size bounds for text files -----------------------------------------------------

def test_text_file_over_the_byte_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: 200 MB long, a few KB on disk
        fh.write(b"Address,City,State,ZIP\n1 Main St,Boston,MA,02134\n")
        fh.truncate(200_000_000)
    message = _error(path)
    assert "huge.csv is 200 MB" in message
    assert "100 MB" in message
    assert "Split it" in message


def test_more_cells_than_the_budget_are_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 400)
    path = tmp_path / "many.csv"
    path.write_text("Address,City,State,ZIP\n" + "1 Main St,Boston,MA,02134\n" * 200)
    message = _error(path)
    assert "many.csv spans 101 rows x 4 columns" in message
    assert "400 cells" in message


def test_more_rows_than_excel_are_refused(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    path = tmp_path / "tall.csv"
    path.write_text("Address,City,State,ZIP\n" + "1 Main St,Boston,MA,02134\n" * 60)
    assert "more than 50 rows" in _error(path)


def test_a_giant_csv_cell_gets_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text('Address,City,State,ZIP\n"' + "x" * 200_000 + '",Boston,MA,02134\n')
    message = _error(path)
    assert "more than 32,767 characters" in message
