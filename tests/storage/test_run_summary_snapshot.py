"""The summary's queries read one snapshot of the store: results stored while they run (a run
still going) are not counted by some charts and missed by others."""

from __future__ import annotations

from pathlib import Path

from ping_desktop.storage.run_summary import read_connection
from ping_desktop.storage.runstore import SourceResult
from tests.storage.test_run_summary import build_summary_store

LOCATED = "SELECT count(*) FROM results WHERE run_id = ? AND source = 'PG' AND is_success = 1"


def test_a_read_connection_keeps_its_snapshot_while_results_arrive(tmp_path: Path) -> None:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    try:
        with read_connection(store.path) as conn:
            before = conn.execute(LOCATED, (run_id,)).fetchone()[0]
            # Row 8 was planned but never answered: its result arrives now.
            job = store.jobs(run_id)[0].id
            store.store_results(run_id, job, None, [
                ("L8", SourceResult("PG", True, 88, None, {"latitude": 30.0, "longitude": -90.0}))])
            assert conn.execute(LOCATED, (run_id,)).fetchone()[0] == before
        with read_connection(store.path) as conn:
            assert conn.execute(LOCATED, (run_id,)).fetchone()[0] == before + 1
    finally:
        store.close()
