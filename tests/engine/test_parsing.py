"""Reading output files into per-source results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ping_desktop.engine.parsing import (
    OutputParseError,
    parse_output_data,
    parse_output_file,
    source_result,
)
from ping_desktop.storage.runstore import SourceResult


def test_results_split_own_columns_from_data_and_keep_unknown_sources() -> None:
    data = {
        "L1": {
            "PG": {"is_success": True, "error_message": None, "confidence": 80,
                   "latitude": 1.5, "status_code": 200},
            "PGPRE": {"is_success": True, "confidence": 50, "note": "pre"},
        },
        "L2": {"PG": {"is_success": False, "error_message": "No match", "confidence": 0}},
        "stranger": {"PG": {"is_success": True}},
    }
    ids = ("L1", "L2", "L3")
    parsed = parse_output_data(data, set(ids), {loc: ("PG",) for loc in ids})
    by = {(loc, source): rest for loc, source, *rest in parsed.rows}
    assert by["L1", "PG"] == [True, 80.0, None, '{"latitude":1.5,"status_code":200}']
    assert by["L1", "PGPRE"] == [True, 50.0, None, '{"note":"pre"}']
    assert by["L2", "PG"] == [False, 0.0, "No match", "{}"]
    assert parsed.observed == {"PG": {"latitude": None, "status_code": None},
                               "PGPRE": {"note": None}}
    assert parsed.locations == {"L1", "L2"}
    assert parsed.problem_locations == {"L2"}
    assert parsed.ignored_locations == 1


def test_a_missing_wanted_source_is_a_problem() -> None:
    data = {"L1": {"PG": {"is_success": True}}}
    parsed = parse_output_data(data, {"L1"}, {"L1": ("PG", "PH")})
    assert parsed.problem_locations == {"L1"}


def test_is_success_missing_follows_error_message() -> None:
    data = {"L1": {"A": {"error_message": "bad"}, "B": {"x": 1}}}
    by = {source: ok for _, source, ok, *_ in parse_output_data(data, {"L1"}, {}).rows}
    assert by == {"A": False, "B": True}
    assert source_result("B", {"x": 1, "is_success": True, "confidence": 7}) == SourceResult(
        "B", True, 7.0, None, {"x": 1})


def test_bad_files_raise_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text('{"L1": {"PG": ', encoding="utf-8")
    with pytest.raises(OutputParseError, match=r"out\.json could not be read"):
        parse_output_file(path, {"L1"}, {})
    path.write_text(json.dumps([1, 2]), encoding="utf-8")
    with pytest.raises(OutputParseError, match="expected format"):
        parse_output_file(path, {"L1"}, {})
