"""The rows above the header kept per run: schema v4, migration from v3, exact round-trip."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from ping_desktop.storage import runstore_schema
from ping_desktop.storage.runstore import CellValue, PlannedJob, RunStore

PREAMBLE: tuple[tuple[CellValue, ...], ...] = (
    ("Acme Holdings - Statement of Values 2026",),
    ("Prepared", dt.date(2026, 1, 15), None, "Policy", 12345, 0.5),
    (),
    ("As of", dt.datetime(2026, 1, 15, 9, 30), "00123"),
)


def _make_run(store: RunStore, preamble: Sequence[Sequence[CellValue]] = ()) -> int:
    folder = store.new_run_folder()
    return store.create_run(
        folder=folder, file_name="sov.xlsx", input_path=Path("/in/sov.xlsx"), input_copy=None,
        sheet="SOV", header_row=len(preamble) + 1, columns=["Address"],
        mapping={"address": "Address"}, sources=["PG"], api_origin="http://127.0.0.1:1",
        rows=[(len(preamble) + 2, ("1 Main St",))],
        row_locations=[(len(preamble) + 2, "L1")],
        locations=[("L1", {"address": "1 main st"}, len(preamble) + 2)],
        jobs=[PlannedJob(("L1",))], preamble=preamble,
    )


def test_preamble_round_trips_with_dates_numbers_and_blank_rows(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        titled = _make_run(store, PREAMBLE)
        plain = _make_run(store)
        got = store.preamble(titled)
        assert got == PREAMBLE
        assert type(got[1][1]) is dt.date
        assert type(got[3][1]) is dt.datetime
        assert type(got[1][4]) is int
        assert got[3][2] == "00123"
        assert store.preamble(plain) == ()
        assert store.get_run(titled).header_row == 5


def test_delete_run_removes_its_preamble(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        run_id = _make_run(store, PREAMBLE)
        store.delete_run(run_id)
        count = store._conn().execute("SELECT count(*) FROM preamble_rows").fetchone()[0]
        assert count == 0


def test_v3_database_upgrades_to_v4_and_old_runs_have_no_preamble(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    # A v3 store exactly as the previous release made it: only the first three migrations.
    for statements in runstore_schema.MIGRATIONS[:3]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        """INSERT INTO runs (created_at, folder, file_name, input_path, columns_json,
               mapping_json, sources_json, api_origin, phase, rows, header_row)
           VALUES ('2026-01-01T00:00:00+00:00', 'run-old', 'old.xlsx', '/old.xlsx', '["A"]',
                   '{}', '["PG"]', 'https://api', 'COMPLETE', 1, 5)"""
    )
    conn.execute("INSERT INTO input_rows VALUES (1, 6, '[\"1 Main St\"]')")
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}.isdisjoint(
        {"preamble_rows"})
    conn.close()

    with RunStore(path) as store:
        assert runstore_schema.schema_version(store._conn()) == runstore_schema.LATEST_VERSION >= 4
        old = store.list_runs()[0]
        assert (old.file_name, old.header_row) == ("old.xlsx", 5)
        assert store.preamble(old.id) == ()
        assert store.row_values(old.id, 6) == ("1 Main St",)
        new = _make_run(store, PREAMBLE)
        assert store.preamble(new) == PREAMBLE


def test_v4_migration_is_atomic(tmp_path: Path) -> None:
    """A v3 store where the v4 statement cannot run stays at v3 with nothing half-made."""
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert runstore_schema.migrate(conn, upto=3) == 3
    conn.execute("CREATE TABLE preamble_rows (x)")  # makes the v4 CREATE TABLE fail
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        runstore_schema.migrate(conn)
    assert runstore_schema.schema_version(conn) == 3
    conn.close()
