"""The command line end to end: enhance, runs, export offline, and plain failures."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ping_desktop.cli import main
from ping_desktop.emulator.server import EmulatorServer
from tests.conftest import TEST_TOKEN


def test_enhance_runs_and_offline_export(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    code = main(["enhance", str(messy_sov), "--sources", "pg,PH", "--api-url", emulator.api_url,
                 "--locations-per-job", "10", "--poll-interval", "0.02", "--timings"])
    out, err = capsys.readouterr()
    default_output = messy_sov.with_name("ACME SOV-enriched.xlsx")
    assert code == 0, err
    assert default_output.is_file()
    assert f"Saved {default_output}" in err
    assert TEST_TOKEN not in out + err
    assert '"status_requests"' in out.splitlines()[-1]
    # The workbook was written while the run worked (compared with a late export below).
    assert "export written during the run" in out.splitlines()[-2]
    assert "Job 3/3" in err

    assert main(["runs"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:3] == ["ID", "Created", "File"]
    assert "ACME SOV.xlsx" in listing[1]
    assert "COMPLETE" in listing[1]
    run_id = listing[1].split()[0]

    emulator.stop()  # export needs no network
    csv_out, xlsx_out = tmp_path / "again.csv", tmp_path / "again.xlsx"
    assert main(["export", run_id, "--output", str(csv_out), "--raw", str(tmp_path / "raw")]) == 0
    assert main(["export", run_id, "--output", str(xlsx_out)]) == 0
    csv_lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0].startswith("ACME Holdings - Statement of Values,")  # the title rows
    assert csv_lines[2].startswith("Loc #,")  # the header on row 3, as in the input
    assert len(list((tmp_path / "raw").iterdir())) == 3
    first = openpyxl.load_workbook(default_output, read_only=True)
    second = openpyxl.load_workbook(xlsx_out, read_only=True)
    assert list(first["SOV 2025"].values) == list(second["SOV 2025"].values)
    first.close()
    second.close()


def test_missing_and_unreadable_files_fail_plainly(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    args = ["--sources", "PG", "--api-url", emulator.api_url]
    assert main(["enhance", str(tmp_path / "nope.xlsx"), *args]) == 1
    err = capsys.readouterr().err
    assert "nope.xlsx was not found" in err
    assert "Traceback" not in err

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    assert main(["enhance", str(broken), *args]) == 1
    err = capsys.readouterr().err
    assert "broken.xlsx" in err
    assert "Traceback" not in err
    assert emulator.stats()["jobs_created"] == 0


def test_wrong_token_fails_without_showing_it(
    emulator: EmulatorServer, messy_sov: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = "wrong-token-5f1c2d9e8b7a"
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", wrong)
    code = main(["enhance", str(messy_sov), "--sources", "PG", "--api-url", emulator.api_url])
    out, err = capsys.readouterr()
    assert code != 0
    assert "token was not accepted" in err
    assert wrong not in out + err
    assert emulator.stats()["jobs_created"] == 0


def test_no_token_and_unknown_source_are_explained(
    emulator: EmulatorServer, messy_sov: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [str(messy_sov), "--api-url", emulator.api_url]
    assert main(["enhance", *args, "--sources", "PG"]) == 1
    assert "PING_DATA_AUTH_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    assert main(["enhance", *args, "--sources", "PG,NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert main(["enhance", *args, "--sources", "PG", "--output",
                 str(messy_sov.with_suffix(".txt"))]) == 2
    assert main(["resume"]) == 0
    assert "Nothing to resume" in capsys.readouterr().err
    assert main(["export", "99", "--output", str(messy_sov.with_name("x.xlsx"))]) == 2
    assert "no run 99" in capsys.readouterr().err


def test_enhance_evens_out_its_jobs_over_the_waves(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from ping_desktop.storage.runstore import RunStore

    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    out = tmp_path / "even.xlsx"
    code = main(["enhance", str(messy_sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--locations-per-job", "4", "--concurrency", "3", "--poll-interval", "0.02",
                 "--output", str(out)])
    assert code == 0, capsys.readouterr().err
    store = RunStore()
    try:
        (run,) = store.list_runs()
        sizes = [j.location_count for j in store.jobs(run.id)]
    finally:
        store.close()
    # 28 locations at most 4 a job take 7 full jobs, 3 waves of 3: 9 jobs of 3-4, not 7 of 4.
    assert sum(sizes) == 28 == emulator.stats()["locations_received"]
    assert sizes == [4] + [3] * 8
    assert emulator.stats()["jobs_created"] == 9
    assert out.is_file()
