"""A titled SOV (titles, a note, a blank row, the header on row 5) through ``enhance`` against
the emulator over loopback: the enriched file keeps the titles where the user had them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.cli import main
from ping_desktop.emulator.server import EmulatorServer
from tests.conftest import TEST_TOKEN
from tests.e2e.sov import HEADER, write_sov_sheet

TITLES: list[list[Any]] = [
    ["Acme Holdings - Statement of Values 2026"],
    ["Prepared by", "Jane Broker", None, dt.datetime(2026, 1, 15, 9, 30)],
    ["Policy", 12345, None, "Renewal"],
    [],
]


def _titled_sov(path: Path, count: int) -> list[list[Any]]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Schedule"
    rows = write_sov_sheet(ws, TITLES, count)
    wb.save(path)
    return rows


def _trimmed(row: tuple[Any, ...], width: int) -> tuple[Any, ...]:
    cut = list(row[:width])
    while cut and cut[-1] is None:
        cut.pop()
    return tuple(cut)


def test_enhance_keeps_title_rows_and_header_row(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "Titled SOV.xlsx"
    data = _titled_sov(src, 12)
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    out = tmp_path / "enriched.xlsx"
    code = main(["enhance", str(src), "--sources", "PG", "--api-url", emulator.api_url,
                 "--locations-per-job", "5", "--poll-interval", "0.02", "--output", str(out)])
    _, err = capsys.readouterr()
    assert code == 0, err

    source = list(openpyxl.load_workbook(src, read_only=True)["Schedule"].iter_rows(
        values_only=True))
    book = openpyxl.load_workbook(out)
    ws = book["Schedule"]
    written = list(ws.iter_rows(values_only=True))
    width = len(HEADER)
    # Rows 1-4: the titles and the blank row, value for value; row 5: the header.
    assert [_trimmed(r, width) for r in written[:4]] == [_trimmed(r, width) for r in source[:4]]
    assert written[0][0] == "Acme Holdings - Statement of Values 2026"
    assert written[1][3] == dt.datetime(2026, 1, 15, 9, 30)
    assert written[2][1] == 12345
    assert list(written[4][:width]) == HEADER
    # "Address sent" and "Checks" come before the results.
    assert written[4][width:width + 4] == ("Address sent", "Checks", "PG status",
                                           "PG confidence")
    # Every data row below, unchanged, with results beside it.
    body = written[5:]
    assert len(body) == len(data) == 12
    for original, row in zip(source[5:], body, strict=True):
        assert tuple(row[:width]) == tuple(original[:width])
    assert body[0][width + 2] == "OK"
    assert ws.freeze_panes == "A6"
    assert str(ws.auto_filter.ref).startswith("A5:")
    info = dict(book["Run"].iter_rows(values_only=True))
    assert info["Header row"] == "5"
    book.close()

    # The same run saved as CSV later, offline: the same layout as text.
    emulator.stop()
    assert main(["runs"]) == 0
    run_id = capsys.readouterr().out.splitlines()[1].split()[0]
    csv_out = tmp_path / "again.csv"
    assert main(["export", run_id, "--output", str(csv_out)]) == 0
    with csv_out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][0] == "Acme Holdings - Statement of Values 2026"
    assert lines[1][:4] == ["Prepared by", "Jane Broker", "", "2026-01-15 09:30:00"]
    assert lines[2][:4] == ["Policy", "12345", "", "Renewal"]
    assert set(lines[3]) == {""}
    assert lines[4][:width] == HEADER
    assert len(lines) == 5 + 12
