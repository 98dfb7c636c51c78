"""Run again over the emulator: a new run of a stored run's rows with another source or
mapping, the input file gone, the earlier run untouched."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ping_desktop.cli import main
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN
from tests.engine.review_sov import ROWS, write_review_sov


def _sheet(path: Path) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb["SOV"].values)
    finally:
        wb.close()


def test_run_again_with_another_source_and_mapping_without_the_file(
        emulator: EmulatorServer, tmp_path: Path, app_home: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    sov = write_review_sov(tmp_path / "sov.xlsx")
    first_out = tmp_path / "first.xlsx"
    assert main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--output", str(first_out), "--poll-interval", "0.02"]) == 0
    sov.unlink()  # the rows are in the run history: the file is not needed
    capsys.readouterr()
    jobs = emulator.stats()["jobs_created"]

    again_out = tmp_path / "again.xlsx"
    code = main(["run-again", "1", "--sources", "PG,PH", "--output", str(again_out),
                 "--poll-interval", "0.02"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "sov.xlsx (run 1 again): 6 rows, 5 unique locations" in err
    assert "10 lookup(s) with PG, PH" in err
    assert "New run 2." in err
    assert emulator.stats()["jobs_created"] == jobs + 1
    first, again = _sheet(first_out), _sheet(again_out)
    assert "PH status" in again[0]
    assert "PH status" not in first[0]
    assert [list(row[:5]) for row in again[1:]] == ROWS  # the user's cells, as they were
    with RunStore(app_home / "data" / "runs.sqlite3") as store:
        assert store.get_run(1).sources == ("PG",)  # the earlier run is untouched
        assert store.get_run(2).sources == ("PG", "PH")
        assert store.get_run(2).mapping == store.get_run(1).mapping

    # Another mapping: the ZIP column left out.
    assert main(["run-again", "1", "--map", "postal_code=", "--output",
                 str(tmp_path / "nozip.xlsx"), "--poll-interval", "0.02"]) == 0, (
        capsys.readouterr().err)
    with RunStore(app_home / "data" / "runs.sqlite3") as store:
        payloads = [p for _, p in store.row_payloads(3) if p is not None]
        assert payloads
        assert all("postal_code" not in p for p in payloads)
        assert "postal_code" not in store.get_run(3).mapping["fields"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--map", "cty=City"], '--map "cty=City" is not FIELD=COLUMN with a location field'),
    (["--map", "city=Town"], 'Run 1 has no column "Town": its columns are "Loc", "Street"'),
    (["--map", "address_line_1=", "--map", "city=", "--map", "state=", "--map",
      "postal_code="], "Nothing was sent."),
    (["--sources", " , "], "Give at least one source"),
])
def test_run_again_refusals(argv: list[str], message: str, emulator: EmulatorServer,
                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    sov = write_review_sov(tmp_path / "sov.xlsx")
    assert main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--output", str(tmp_path / "o.xlsx"), "--poll-interval", "0.02"]) == 0
    capsys.readouterr()
    jobs = emulator.stats()["jobs_created"]
    assert main(["run-again", "1", *argv]) != 0
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert emulator.stats()["jobs_created"] == jobs
