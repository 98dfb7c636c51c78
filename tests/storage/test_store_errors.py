"""Store failures in plain words (issue 17, finding 7): disk full, locked, read-only and
damaged stores each say what happened and what to do, SQLite's own error stays attached, and
a full disk is no longer reported as 'cannot rollback - no transaction is active'."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.storage.runstore import PlannedJob, RunStore, RunStoreError
from ping_desktop.storage.store_errors import StoreProblem


def _make_run(store: RunStore, rows: int = 1, text: str = "1 Main St") -> int:
    return store.create_run(
        folder=store.new_run_folder(), file_name="sov.xlsx", input_path=Path("/in/sov.xlsx"),
        input_copy=None, sheet="SOV", header_row=1, columns=["Address"],
        mapping={"address": "Address"}, sources=["PG"], api_origin="http://127.0.0.1:1",
        rows=[(n + 2, (f"{text} {n}",)) for n in range(rows)], row_locations=[(2, "L1")],
        locations=[("L1", {"address": "1 main st"}, 2)], jobs=[PlannedJob(("L1",))],
    )


def test_a_full_disk_says_so_and_keeps_sqlites_error(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        kept = _make_run(store)
        conn = store._conn()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk is full from here
        with pytest.raises(StoreProblem) as caught:
            _make_run(store, rows=2000, text="x" * 200)
        problem = caught.value
        assert problem.kind == "full"
        assert "is full" in problem.message
        assert "Free some space" in problem.message
        assert "cannot rollback" not in problem.message
        assert isinstance(problem.__cause__, sqlite3.Error)
        assert "full" in str(problem.__cause__)
        assert isinstance(problem, sqlite3.OperationalError)  # SQLite-catching code still works
        assert not conn.in_transaction
        conn.execute("PRAGMA max_page_count = 1073741823")
        store.set_run_phase(kept, RunPhase.PAUSED)  # the store works again with space
        assert [r.id for r in store.list_runs()] == [kept]


def test_a_locked_store_says_another_program_is_writing(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as store:
        run_id = _make_run(store)
        store._conn().execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreProblem) as caught:
                store.set_run_phase(run_id, RunPhase.PAUSED)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert caught.value.kind == "locked"
        assert "busy" in caught.value.message
        assert "locked" in str(caught.value.__cause__)


def test_a_read_only_store_says_it_cannot_be_written(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _make_run(store)
        store._conn().execute("PRAGMA query_only = ON")
        with pytest.raises(StoreProblem) as caught:
            store.set_run_phase(run_id, RunPhase.PAUSED)
        assert caught.value.kind == "read-only"
        assert "cannot be written" in caught.value.message
        assert "PING_DESKTOP_HOME" in caught.value.message


def test_a_damaged_store_says_so_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as store:
        _make_run(store)
    path.write_bytes(b"this is no database at all" * 200)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(RunStoreError) as caught:
        RunStore(path)
    assert isinstance(caught.value, StoreProblem)
    assert caught.value.kind == "damaged"
    assert "move the file aside" in caught.value.message
    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)


def test_the_cli_reports_a_damaged_store_in_plain_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ping_desktop.cli import main
    from ping_desktop.storage.runstore import default_store_path

    path = default_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00garbage" * 500)
    assert main(["runs"]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err
    assert "Unexpected problem" not in err
