"""`resume` leaves alone runs another live process works on, and says so (issue 17,
finding 1)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.cli.support import EXIT_BUSY
from ping_desktop.domain import RunPhase
from ping_desktop.storage.runstore import LeaseOwner, RunStore
from tests.conftest import TEST_TOKEN
from tests.e2e.sov import write_messy_sov
from tests.e2e.workbench import create_run


def _leased_run(tmp_path: Path) -> int:
    sov = tmp_path / "sov.xlsx"
    write_messy_sov(sov, 12)
    with RunStore() as store:
        run_id = asyncio.run(create_run(store, sov, ("PG",), "http://127.0.0.1:9", 10))
        store.set_run_phase(run_id, RunPhase.RUNNING)
        # Another engine of a live process (this one) holds it.
        store.take_lease(run_id, LeaseOwner.this_process(), 600)
        return run_id


def test_resume_without_id_skips_a_run_another_process_works_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    run_id = _leased_run(tmp_path)
    assert main(["resume"]) == EXIT_BUSY
    err = capsys.readouterr().err
    assert f"Run {run_id} (sov.xlsx) skipped: another Ping Desktop is working on it" in err
    assert "Resuming" not in err


def test_resume_of_a_leased_run_by_id_refuses_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    run_id = _leased_run(tmp_path)
    assert main(["resume", str(run_id)]) == EXIT_BUSY
    err = capsys.readouterr().err
    assert f"Run {run_id} is being worked on by another Ping Desktop" in err
    assert "nothing is sent twice" in err
    assert "Traceback" not in err
    with RunStore() as store:
        assert store.get_run(run_id).phase is RunPhase.RUNNING  # untouched
