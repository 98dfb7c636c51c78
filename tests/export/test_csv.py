"""CSV export: BOM, same layout, user values unchanged, result text formula-safe."""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.export import EnrichedTable, ExportError, problems_path_for, write_csv
from tests.export.conftest import COLUMNS, ORIGINAL_ROWS, PROBLEMS, RESULTS, result_columns

MakeTable = Callable[..., EnrichedTable]


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return '{"nested": [1, 2]}'
    return str(value)


def test_bom_layout_and_values(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.csv"
    stats = write_csv(make_table(), dest)
    assert dest.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _read(dest)
    n_res = len(result_columns())
    assert stats.rows == len(ORIGINAL_ROWS)
    assert stats.columns == len(COLUMNS) + n_res
    assert rows[0] == COLUMNS + [c.header for c in result_columns()]
    assert len(rows) == 1 + len(ORIGINAL_ROWS)
    for got, original in zip(rows[1:], ORIGINAL_ROWS, strict=True):
        # the user's own values are written unchanged, formula-looking or not
        assert got[: len(COLUMNS)] == [_text(v) for v in original]
        assert len(got) == len(COLUMNS) + n_res
    assert rows[1][6] == '=HYPERLINK("x")'
    assert rows[4][6].startswith("Ω long note")
    assert len(rows[4][6]) == len(ORIGINAL_ROWS[3][6])


def test_result_text_formula_safe(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.csv"
    write_csv(make_table(), dest)
    rows = _read(dest)
    res = len(COLUMNS)
    assert rows[2][res] == "'=cmd|' /C calc'!A0"
    assert rows[2][res + 7] == "'+AE"
    assert rows[4][res + 4] == "'@street"
    assert rows[4][res + 7] == "'-1"  # text "-1" from the API is text, so it is escaped
    assert rows[4][res + 3] == "-71.06"  # a negative number is a number, left alone
    assert rows[1][res : res + 8] == [_text(v) for v in RESULTS[0]]
    assert rows[3][res:] == [""] * len(result_columns())  # no results: blanks, row kept


def test_problems_sibling_only_when_needed(tmp_path: Path, make_table: MakeTable) -> None:
    dest = tmp_path / "out.csv"
    write_csv(make_table(), dest)
    sibling = problems_path_for(dest)
    assert sibling == tmp_path / "out-problems.csv"
    assert sibling.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _read(sibling) == [
        ["Row", "Source", "Check", "Message"],
        [str(PROBLEMS[0].row), "PG", "", "No address"],
        [str(PROBLEMS[1].row), "", "", "'=bad text from server"],
    ]
    other = tmp_path / "clean.csv"
    write_csv(make_table(problems=[]), other)
    assert not problems_path_for(other).exists()


def test_locked_target(
    tmp_path: Path, make_table: MakeTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "out.csv"
    dest.write_text("old", encoding="utf-8")

    def locked(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError, match=r"out\.csv is open in another program \(Excel\?\)"):
        write_csv(make_table(), dest)
    monkeypatch.undo()
    assert dest.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_unwritable_folder(
    tmp_path: Path, make_table: MakeTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, where permission bits do not stop writes: simulate the refusal.
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ExportError, match="You cannot save in"):
        write_csv(make_table(), tmp_path / "out.csv")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
