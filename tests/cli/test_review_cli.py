"""``review`` lists the queue (text and JSON) and accepts rows as they are; no network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.storage.runstore import RunStore
from tests.storage.review_runs import make_review_run


@pytest.fixture
def store(app_home: Path) -> Iterator[RunStore]:
    with RunStore(app_home / "data" / "runs.sqlite3") as opened:
        assert make_review_run(opened) == 1
        yield opened


def test_review_lists_each_row_with_its_reason_and_address(
        store: RunStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "1"]) == 0
    out = capsys.readouterr().out
    assert "Run 1 (sov.xlsx): 7 row(s) need review (low confidence: below 70)." in out
    assert "Row 3      Not sent         (no address)" in out
    assert "Row 5      Low confidence   2 Elm St, Boston, MA, 02108" in out
    assert "Located with low confidence (PG 40; below 70)." in out
    assert "ping-desktop-cli resubmit 1 --row N" in out


def test_review_json_and_accept(store: RunStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "1", "--json", "--threshold", "30"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["run"], data["threshold"], data["count"]) == (1, 30, 6)
    row = next(r for r in data["rows"] if r["row"] == 4)
    assert row == {"row": 4, "reason": "not_found", "reasons": ["not_found"],
                   "message": "Not found. PG: Address not found; PH: Address not found",
                   "address": {"street": "1 Nowhere Rd", "city": "Springfield", "state": "MA",
                               "zip": "01103"},
                   "edits": 0, "pending_edit": False}
    assert main(["review", "1", "--json", "--accept", "4", "--accept", "6"]) == 0
    captured = capsys.readouterr()
    assert "Marked 2 row(s) reviewed as they are." in captured.err
    assert json.loads(captured.out)["count"] == 5
    assert store.accepted_rows(1) == {4, 6}


def test_review_refusals(store: RunStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "1", "--accept", "99"]) == 2
    assert "Row 99 is not a data row of run 1" in capsys.readouterr().err
    assert main(["review", "1", "--threshold", "150"]) == 2
    assert "--threshold must be between 0 and 100." in capsys.readouterr().err
    assert main(["review", "9"]) == 2
    assert "There is no run 9" in capsys.readouterr().err
    assert store.accepted_rows(1) == set()
