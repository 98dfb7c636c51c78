"""End to end over the emulator: the saved workbook shows what each row was sent as (the
repaired one-line address for the Cambridge example) and what the checks said, while every cell
of the user's own sheet stays exactly as it was read."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.cli import main
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.intake import read_table
from tests.conftest import TEST_TOKEN
from tests.intake.sheets import write_xlsx

ROWS: list[list[Any]] = [
    ["Loc #", "Address", "TIV"],
    [1, "77 Massachusetts Ave, Cambridge, MA 2139", 1_000_000],
    [2, "1 Main St, Springfield, 1103", 250_000.5],
    [3, "2 Penn Plaza, NY", 7],
    [4, None, 3],
    [5, "100 Congress Ave, Austin, TX 78701", None],
]


def test_saved_xlsx_shows_address_sent_and_checks_and_keeps_the_users_cells(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = write_xlsx(tmp_path / "sov.xlsx", {"SOV": ROWS})
    out, csv_out = tmp_path / "enriched.xlsx", tmp_path / "enriched.csv"
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    code = main(["enhance", str(source), "--sources", "PG", "--api-url", emulator.api_url,
                 "--poll-interval", "0.02", "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert emulator.stats()["jobs_created"] >= 1

    original = read_table(source)
    ws = openpyxl.load_workbook(out, read_only=True)["SOV"]
    sheet = [list(r) for r in ws.iter_rows(values_only=True)]
    header, body = sheet[0], sheet[1:]
    assert header[:3] == ["Loc #", "Address", "TIV"]
    assert header[3:6] == ["Address sent", "Checks", "PG status"]  # before the results
    # The user's cells as they were read, row for row.
    assert [tuple(r[:3]) for r in body] == list(original.rows)
    assert body[0][1] == "77 Massachusetts Ave, Cambridge, MA 2139"
    sent = [r[3] for r in body]
    assert sent[0] == "77 Massachusetts Ave, Cambridge, MA 02139"
    assert sent[1] is not None
    assert "01103" in sent[1]
    assert sent[2] == "2 Penn Plaza, NY"
    assert sent[3] is None  # no address: nothing sent
    assert sent[4] == "100 Congress Ave, Austin, TX 78701"
    checks = [r[4] for r in body]
    assert "ZIP 2139 restored to 02139" in str(checks[0])
    assert "has no city or ZIP" in str(checks[2])
    assert "No usable address" in str(checks[3])
    assert checks[4] is None  # a correct address: nothing to say
    assert body[0][5] == "OK"
    assert body[3][5] is None

    # The CSV export of the same run carries the same two columns.
    assert main(["export", "1", "--output", str(csv_out)]) == 0, capsys.readouterr().err
    with csv_out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][3:5] == ["Address sent", "Checks"]
    assert lines[1][3] == "77 Massachusetts Ave, Cambridge, MA 02139"
    assert lines[1][1] == "77 Massachusetts Ave, Cambridge, MA 2139"
