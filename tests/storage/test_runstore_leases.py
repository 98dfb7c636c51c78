"""Run leases (issue 17, finding 1): one owner per run, taken atomically, stolen only when
expired or orphaned; schema v5 and its upgrade from v4."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.storage import runstore_schema
from ping_desktop.storage.runstore import LeaseOwner, PlannedJob, RunLeasedError, RunStore


def _make_run(store: RunStore) -> int:
    return store.create_run(
        folder=store.new_run_folder(), file_name="sov.xlsx", input_path=Path("/in/sov.xlsx"),
        input_copy=None, sheet="SOV", header_row=1, columns=["Address"],
        mapping={"address": "Address"}, sources=["PG"], api_origin="http://127.0.0.1:1",
        rows=[(2, ("1 Main St",))], row_locations=[(2, "L1")],
        locations=[("L1", {"address": "1 main st"}, 2)], jobs=[PlannedJob(("L1",))],
    )


def _dead_pid() -> int:
    """The id of a process of this host that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_live_lease_refuses_a_second_owner_and_its_holder_renews(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _make_run(store)
        first, second = LeaseOwner.this_process(), LeaseOwner.this_process()
        store.take_lease(run_id, first, 60)
        with pytest.raises(RunLeasedError) as caught:
            store.take_lease(run_id, second, 60)
        assert f"process {os.getpid()}" in caught.value.message
        assert caught.value.holder.owner == first.key
        assert store.renew_lease(run_id, first, 60)
        assert not store.renew_lease(run_id, second, 60)
        store.take_lease(run_id, first, 60)  # its own lease: simply renewed
        store.release_lease(run_id, second)  # not the holder: nothing happens
        assert store.lease_holder(run_id) is not None
        store.release_lease(run_id, first)
        assert store.lease_holder(run_id) is None
        store.take_lease(run_id, second, 60)


def test_an_expired_lease_is_taken_over_and_its_old_owner_learns_it(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _make_run(store)
        old, new = LeaseOwner.this_process(), LeaseOwner.this_process()
        store.take_lease(run_id, old, -1)  # already past its end
        assert store.lease_holder(run_id) is None
        store.take_lease(run_id, new, 60)
        assert not store.renew_lease(run_id, old, 60)


def test_a_lease_of_a_vanished_process_of_this_host_is_taken_over(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _make_run(store)
        gone = LeaseOwner(LeaseOwner.this_process().host, _dead_pid(), "killed")
        store.take_lease(run_id, gone, 3600)
        assert store.lease_holder(run_id) is None
        store.take_lease(run_id, LeaseOwner.this_process(), 60)
        # A live process on another host is trusted until its lease expires.
        elsewhere = LeaseOwner("some-other-host", _dead_pid(), "remote")
        other_run = _make_run(store)
        store.take_lease(other_run, elsewhere, 3600)
        with pytest.raises(RunLeasedError):
            store.take_lease(other_run, LeaseOwner.this_process(), 60)


def test_of_many_threads_taking_one_run_at_once_exactly_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as store:
        run_id = _make_run(store)
    winners: list[str] = []
    losers: list[str] = []
    start = threading.Barrier(8)

    def claim() -> None:
        owner = LeaseOwner.this_process()
        with RunStore(path) as own:  # its own connections, as another process would
            start.wait()
            try:
                own.take_lease(run_id, owner, 60)
                winners.append(owner.key)
            except RunLeasedError:
                losers.append(owner.key)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert len(losers) == 7


def test_unfinished_runs_leave_out_runs_a_live_process_works_on(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        busy, free = _make_run(store), _make_run(store)
        for run_id in (busy, free):
            store.set_run_phase(run_id, RunPhase.RUNNING)
        owner = LeaseOwner.this_process()
        store.take_lease(busy, owner, 60)
        assert [r.id for r in store.unfinished_runs()] == [free]
        assert [r.id for r in store.unfinished_runs(include_leased=True)] == [busy, free]
        assert set(store.leased_runs()) == {busy}
        store.release_lease(busy, owner)
        assert [r.id for r in store.unfinished_runs()] == [busy, free]


def test_v4_database_upgrades_to_v5_with_no_leases(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert runstore_schema.migrate(conn, upto=4) == 4
    conn.execute(
        """INSERT INTO runs (created_at, folder, file_name, input_path, columns_json,
               mapping_json, sources_json, api_origin, phase)
           VALUES ('2026-01-01T00:00:00+00:00', 'run-old', 'old.xlsx', '/old.xlsx', '["A"]',
                   '{}', '["PG"]', 'https://api', 'PAUSED')""")
    assert "run_leases" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    with RunStore(path) as store:
        assert runstore_schema.schema_version(store._conn()) == runstore_schema.LATEST_VERSION >= 5
        assert [r.file_name for r in store.unfinished_runs()] == ["old.xlsx"]
        old = store.unfinished_runs()[0].id
        store.take_lease(old, LeaseOwner.this_process(), 60)
        store.delete_run(old)  # the lease goes with its run
        assert store.leased_runs() == {}
