"""Edit -> resubmit -> export through the command line over the emulator: the corrected rows
are located, every other row of the export is unchanged, the user's cells never change;
accept-as-is drops the count; two resubmits of one row keep both edits and the last wins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.cli import main
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.engine.review_sov import LOW, LOW_TOO, NOT_SENT, ROWS, write_review_sov

Sheet = list[tuple[object, ...]]


def _sheet(path: Path) -> Sheet:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb["SOV"].values)
    finally:
        wb.close()


def _queue(run: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["review", run, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _by_header(sheet: Sheet, row: int) -> dict[object, object]:
    """Sheet row ``row`` (1-based, as the user sees it) as {header: cell}."""
    return dict(zip(sheet[0], sheet[row - 1], strict=True))


@pytest.fixture
def enhanced(emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> tuple[str, Path]:
    """A finished run of the review SOV (run id, its saved output)."""
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    sov = write_review_sov(tmp_path / "sov.xlsx")
    out = tmp_path / "out.xlsx"
    assert main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--output", str(out), "--poll-interval", "0.02"]) == 0
    capsys.readouterr()
    return "1", out


def test_edit_resubmit_export_changes_only_the_corrected_rows(
        enhanced: tuple[str, Path], emulator: EmulatorServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    run, out = enhanced
    before = _sheet(out)
    queue = _queue(run, capsys)
    assert queue["count"] == 3
    jobs_before = emulator.stats()["jobs_created"]

    code = main(["resubmit", run, "--row", str(LOW), "--set", "street=10 Tremont St",
                 "--set", "zip=02108", "--row", str(NOT_SENT), "--set", "street=1 Federal St",
                 "--set", "city=Boston", "--set", "state=MA", "--poll-interval", "0.02"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "2 row(s) to send again, 2 lookup(s)" in err
    assert f"Row {LOW}: 10 Tremont St, Boston, MA 02108" in err
    assert f"Saved {out}" in err
    assert emulator.stats()["jobs_created"] == jobs_before + 1
    assert TEST_TOKEN not in err

    after = _sheet(out)
    assert len(after) == len(before)
    assert "Corrected" in after[0]
    assert "Corrected" not in before[0]
    assert [h for h in after[0] if h != "Corrected"] == list(before[0])
    for number in range(2, len(before) + 1):
        old, new = _by_header(before, number), _by_header(after, number)
        if number in (LOW, NOT_SENT):
            continue
        assert new.pop("Corrected") is None
        assert new == old, f"row {number} changed"
    for number in (LOW, NOT_SENT):
        new = _by_header(after, number)
        # The user's own cells are exactly as they were.
        assert after[number - 1][:5] == before[number - 1][:5]
        assert list(after[number - 1][:5]) == ROWS[number - 2]
        assert new["Corrected"] == new["Address sent"]
        assert new["PG status"] == "OK"
        assert isinstance(new["PG latitude"], float)
    assert _by_header(after, LOW)["Corrected"] == "10 Tremont St, Boston, MA 02108"

    # The saved run exports the same again, offline.
    emulator.stop()
    again = tmp_path / "again.xlsx"
    assert main(["export", run, "--output", str(again)]) == 0
    assert _sheet(again) == after
    queue = _queue(run, capsys)
    assert [r["row"] for r in queue["rows"]] == [LOW_TOO]


def test_accept_as_is_drops_the_count(enhanced: tuple[str, Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    run, _ = enhanced
    assert _queue(run, capsys)["count"] == 3
    assert main(["review", run, "--accept", str(LOW_TOO), "--accept", str(LOW)]) == 0
    captured = capsys.readouterr()
    assert "Marked 2 row(s) reviewed as they are." in captured.err
    assert "1 row(s) need review" in captured.out
    assert f"Row {NOT_SENT}" in captured.out
    queue = _queue(run, capsys)
    assert queue["count"] == 1


def test_two_resubmits_of_a_row_keep_both_edits_and_the_last_wins(
        enhanced: tuple[str, Path], app_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run, out = enhanced
    for street in ("10 Tremont St", "20 Tremont St"):
        assert main(["resubmit", run, "--row", str(LOW), "--set", f"street={street}",
                     "--poll-interval", "0.02"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert _by_header(_sheet(out), LOW)["Corrected"] == "20 Tremont St, Boston, MA"
    with RunStore(app_home / "data" / "runs.sqlite3") as store:
        first, second = store.row_edit_history(int(run), LOW)
        assert (first.fields["street"], second.fields["street"]) == ("10 Tremont St",
                                                                     "20 Tremont St")
        assert (first.state, second.state) == ("sent", "sent")
        assert second.previous_location_id == first.location_id
        assert len(store.jobs(int(run))) == 3
