"""Export is part of the run (issue 17, finding 6): a run is done when its requested output is
written; resume finishes an export a kill interrupted and removes the temp file it left; the
--output choice is noted before the run exists; a missing --output folder is found before
the first request."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.cli.results import TARGET_FILE
from ping_desktop.cli.support import EXIT_OK, EXIT_USAGE
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from ping_desktop.worker.workbench import ThreadWorkbench
from tests.conftest import TEST_TOKEN


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)


def test_resume_writes_the_output_a_kill_during_the_export_lost(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out.xlsx"
    assert main(["enhance", str(messy_sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--poll-interval", "0.01", "--output", str(out)]) == EXIT_OK
    created = emulator.stats()["jobs_created"]
    # The state a kill during the export leaves: the run COMPLETE, its note not marked
    # written, no output, and the export's hidden temp file beside it.
    with RunStore() as store:
        folder = store.run_folder(1)
    note = folder / TARGET_FILE
    note.write_text(json.dumps({"output": str(out), "format": "xlsx"}), encoding="utf-8")
    out.unlink()
    leftover = tmp_path / ".~out.k1ll3d.xlsx"
    leftover.write_bytes(b"PK\x03\x04 half a workbook")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    fresh = tmp_path / ".~out.w0rk1n.xlsx"  # another export writing right now: kept
    fresh.write_bytes(b"PK")
    capsys.readouterr()

    assert main(["resume"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "finished before it was saved" in err
    assert "Nothing to resume" not in err
    assert out.is_file()
    assert not leftover.exists()
    assert fresh.exists()
    assert json.loads(note.read_text(encoding="utf-8"))["written"] is True
    assert emulator.stats()["jobs_created"] == created  # nothing sent again
    assert main(["resume"]) == EXIT_OK
    assert "Nothing to resume" in capsys.readouterr().err


def test_the_output_choice_is_noted_before_the_run_exists(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
) -> None:
    out = tmp_path / "chosen.csv"

    async def create_only() -> int:  # a kill right after this: nothing more happened
        bench = ThreadWorkbench()
        try:
            read = await bench.read(messy_sov)
            plan = await bench.plan(read.handle, read.mapping, ["PG"], {})
            with RunStore() as store:
                return await bench.create_run(
                    read.handle, plan.plan_id, store_path=store.path, locations_per_job=10,
                    sources=["PG"], api_origin=emulator.base_url,
                    output={"output": str(out), "format": "csv"})
        finally:
            bench.shutdown()

    run_id = asyncio.run(create_only())
    assert main(["resume", str(run_id), "--poll-interval", "0.01"]) == EXIT_OK
    assert out.is_file()
    assert out.read_text(encoding="utf-8-sig").count("\n") >= 28


def test_a_missing_output_folder_is_refused_before_the_first_request(
    emulator: EmulatorServer, messy_sov: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "no such folder" / "out.xlsx"
    code = main(["enhance", str(messy_sov), "--sources", "PG", "--api-url", emulator.api_url,
                 "--output", str(out)])
    assert code == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err
    assert emulator.stats()["jobs_created"] == 0
    with RunStore() as store:
        assert store.list_runs() == []
