"""The run store: schema, migrations, WAL, transactions, results upsert, row order, round-trips."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.storage import runstore_schema
from ping_desktop.storage.runstore import (
    PlannedJob,
    RowProblem,
    RunStore,
    RunStoreError,
    SourceResult,
)
from ping_desktop.storage.runstore_codec import decode_cells, encode_cells


def _make_run(store: RunStore, n_rows: int = 4, sources: tuple[str, ...] = ("PG", "PH")) -> int:
    folder = store.new_run_folder()
    rows = [(10 + i, (f"name {i}", i, dt.date(2020, 1, 1 + i))) for i in range(n_rows)]
    # Rows 10 and 11 share a location; the last row has none (no address).
    row_locs: list[tuple[int, str | None]] = [(10, "L0"), (11, "L0")]
    row_locs += [(10 + i, f"L{i}") for i in range(2, n_rows - 1)]
    row_locs.append((10 + n_rows - 1, None))
    locations = [("L0", {"address": "1 main st"}, 10)]
    locations += [(f"L{i}", {"address": f"{i} main st"}, 10 + i) for i in range(2, n_rows - 1)]
    return store.create_run(
        folder=folder,
        file_name="sov.xlsx",
        input_path=Path("/somewhere/sov.xlsx"),
        input_copy=folder / "sov.xlsx",
        sheet="Locations",
        header_row=9,
        columns=["Name", "Number", "Date"],
        mapping={"address": "Name"},
        sources=sources,
        api_origin="http://127.0.0.1:1",
        rows=rows,
        row_locations=row_locs,
        locations=locations,
        jobs=[PlannedJob(tuple(loc for loc, _, _ in locations))],
        problems=[RowProblem(10 + n_rows - 1, "address", "No address.")],
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    s = RunStore(tmp_path / "runs.sqlite3")
    yield s
    s.close()


def test_new_store_has_latest_schema_wal_and_foreign_keys(store: RunStore) -> None:
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == runstore_schema.LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert {"runs", "jobs", "job_locations", "locations", "row_locations", "input_rows",
            "row_problems", "outputs", "results"} <= tables
    assert store._conn().execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._conn().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_v1_database_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert runstore_schema.migrate(conn, upto=1) == 1
    conn.execute(
        """INSERT INTO runs (created_at, folder, file_name, input_path, columns_json,
               mapping_json, sources_json, api_origin, phase, rows)
           VALUES ('2026-01-01T00:00:00+00:00', 'run-old', 'old.csv', '/old.csv', '["A"]', '{}',
                   '["PG"]', 'https://api', 'COMPLETE', 3)"""
    )
    conn.close()

    store = RunStore(path)
    try:
        version = store._conn().execute("PRAGMA user_version").fetchone()[0]
        assert version == runstore_schema.LATEST_VERSION > 1
        run = store.list_runs()[0]
        assert (run.file_name, run.rows, run.phase, run.source_fields) == (
            "old.csv", 3, RunPhase.COMPLETE, {})
        store.set_source_fields(run.id, {"PG": ["latitude", "longitude"]})
        assert store.get_run(run.id).source_fields == {"PG": ("latitude", "longitude")}
    finally:
        store.close()


def test_failed_migration_rolls_back_to_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    runstore_schema.migrate(conn, upto=1)
    broken = (*runstore_schema.MIGRATIONS[:1], ("CREATE INDEX x ON results(job_id)",
                                                "THIS IS NOT SQL"))
    monkeypatch.setattr(runstore_schema, "MIGRATIONS", broken)
    with pytest.raises(sqlite3.OperationalError):
        runstore_schema.migrate(conn, upto=2)
    assert runstore_schema.schema_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='x'").fetchone()[0] == 0
    conn.close()


def test_newer_schema_is_refused_with_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(RunStoreError, match="newer version of Ping Desktop"):
        RunStore(path)


def test_create_run_counts_and_iter_rows_in_sheet_order(store: RunStore) -> None:
    run_id = _make_run(store, n_rows=5)
    run = store.get_run(run_id)
    assert (run.rows, run.unique_locations, run.rows_with_problems, run.jobs_total) == (5, 3, 1, 1)
    assert run.phase is RunPhase.READY
    assert run.columns == ("Name", "Number", "Date")
    rows = list(store.iter_rows(run_id))
    assert [r[0] for r in rows] == [10, 11, 12, 13, 14]
    assert rows[3][1] == ("name 3", 3, dt.date(2020, 1, 4))
    assert all(r[2] == {} for r in rows)
    assert store.row_problems(run_id) == [RowProblem(14, "address", "No address.", "error")]


def test_results_fan_out_to_duplicate_rows_and_newer_results_replace_older(
    store: RunStore,
) -> None:
    run_id = _make_run(store)
    job = store.jobs(run_id)[0]
    store.store_results(run_id, job.id, None, [
        ("L0", SourceResult("PG", True, 90, None, {"latitude": 1.5})),
        ("L0", SourceResult("PH", False, None, "no hazard data", {})),
        ("L2", SourceResult("PG", True, 80, None, {"latitude": 2.5})),
    ])
    store.finish_job(job.id, JobPhase.COMPLETE)
    by_row = {r[0]: r[2] for r in store.iter_rows(run_id)}
    assert by_row[10] == by_row[11]
    assert by_row[10]["PH"].error_message == "no hazard data"
    assert by_row[13] == {}
    run = store.get_run(run_id)
    assert (run.locations_completed, run.problems, run.jobs_done) == (2, 2, 1)

    candidates, attention = store.retry_candidates(run_id)
    assert candidates == [("L0", ("PH",)), ("L2", ("PH",))]
    assert attention == []
    [retry_id] = store.add_jobs(run_id, [PlannedJob(("L0",), (("PH",),))])
    assert store.job_payloads(retry_id) == [{"id": "L0", "address": "1 main st",
                                             "sources": ["PH"]}]
    # While the retry job is in flight its locations are not offered again.
    assert [c[0] for c in store.retry_candidates(run_id)[0]] == ["L2"]
    store.store_results(run_id, retry_id, None, [
        ("L0", SourceResult("PH", True, 70, None, {"flood_zone": "X"})),
    ])
    store.finish_job(retry_id, JobPhase.COMPLETE)
    assert store.results_for_row(run_id, 11)["PH"] == SourceResult(
        "PH", True, 70.0, None, {"flood_zone": "X"})
    assert store.results_for_row(run_id, 11)["PG"].data == {"latitude": 1.5}
    assert store.get_run(run_id).problems == 1
    assert store.jobs(run_id)[1].number == 2


def test_split_job_keeps_first_piece_and_appends_the_rest(store: RunStore) -> None:
    run_id = _make_run(store, n_rows=6)
    job = store.jobs(run_id)[0]
    ids = store.split_job(job.id, [["L0", "L2"], ["L3"], ["L4"]])
    assert ids[0] == job.id
    jobs = store.jobs(run_id)
    assert [(j.number, j.location_count) for j in jobs] == [(1, 2), (2, 1), (3, 1)]
    assert store.job_location_ids(ids[2]) == ["L4"]
    store.set_job_submitted(ids[1], "server-1")
    with pytest.raises(ValueError, match="already sent"):
        store.split_job(ids[1], [["L3"], []])


def test_job_state_changes_and_unfinished_runs(store: RunStore) -> None:
    run_id = _make_run(store)
    job = store.jobs(run_id)[0]
    store.mark_job_submitting(job.id, "hash")
    assert store.get_job(job.id).phase is JobPhase.SUBMITTING
    store.set_job_submitted(job.id, "abc")
    store.update_job(job.id, phase=JobPhase.IN_PROGRESS, completed=1, message="working")
    got = store.get_job(job.id)
    assert (got.server_job_id, got.phase, got.completed, got.message, got.payload_hash) == (
        "abc", JobPhase.IN_PROGRESS, 1, "working", "hash")
    assert [r.id for r in store.unfinished_runs()] == [run_id]
    store.set_run_phase(run_id, RunPhase.COMPLETE, "done")
    run = store.get_run(run_id)
    assert run.finished_at is not None
    assert run.message == "done"
    assert store.unfinished_runs() == []


def test_outputs_recorded_once_per_file_and_listed(store: RunStore, tmp_path: Path) -> None:
    run_id = _make_run(store)
    job = store.jobs(run_id)[0]
    first = store.record_output(job.id, "out.json", "http://x/out.json", tmp_path / "a", 10, "aa")
    again = store.record_output(job.id, "out.json", "http://x/out.json", tmp_path / "a", 12, "bb")
    assert first == again
    [out] = store.outputs(job.id)
    assert (out.size, out.sha256, out.parsed) == (12, "bb", False)
    store.store_results(run_id, job.id, out.id, [])
    assert store.outputs(job.id)[0].parsed
    assert store.output_files(run_id) == [tmp_path / "a"]


def test_failed_transaction_leaves_nothing_behind(store: RunStore) -> None:
    folder = store.new_run_folder()
    with pytest.raises(sqlite3.IntegrityError):
        store.create_run(
            folder=folder, file_name="x.csv", input_path=Path("x.csv"), input_copy=None,
            sheet=None, header_row=None, columns=["A"], mapping={}, sources=["PG"],
            api_origin="http://x", rows=[(1, ("a",)), (1, ("duplicate row number",))],
            row_locations=[], locations=[], jobs=[],
        )
    assert store.list_runs() == []
    assert store._conn().execute("SELECT count(*) FROM input_rows").fetchone()[0] == 0


def test_delete_run_removes_rows_and_folder(store: RunStore) -> None:
    run_id = _make_run(store)
    folder = store.run_folder(run_id)
    (folder / "sov.xlsx").write_bytes(b"x")
    store.delete_run(run_id)
    assert store.list_runs() == []
    assert not folder.exists()
    assert store._conn().execute("SELECT count(*) FROM job_locations").fetchone()[0] == 0


def test_list_runs_newest_first_and_reads_from_other_threads(store: RunStore) -> None:
    first, second = _make_run(store), _make_run(store)
    seen: list[list[int]] = []
    thread = threading.Thread(target=lambda: seen.append([r.id for r in store.list_runs()]))
    thread.start()
    thread.join()
    assert seen == [[second, first]]


@pytest.mark.parametrize(
    "values",
    [
        ("text", 1, 2.5, True, None, ""),
        (dt.datetime(2024, 2, 29, 13, 45, 1, 123000), dt.date(1999, 12, 31), dt.time(8, 30)),
        (dt.timedelta(days=-1, seconds=5), Decimal("12.3400"), "=SUM(A1)", "ünïcødé ✓"),
        ({"$d": "not a tag"}.get("$d"), float("inf"), -0.0, 10**20),
    ],
)
def test_cell_values_round_trip_exactly(values: tuple[object, ...]) -> None:
    back = decode_cells(encode_cells(values))  # type: ignore[arg-type]
    assert back == values
    assert [type(v) for v in back] == [type(v) for v in values]


def test_observed_fields_keep_first_seen_order_across_jobs(store: RunStore) -> None:
    run_id = _make_run(store)
    job = store.jobs(run_id)[0]
    store.store_results(run_id, job.id, None, [
        ("L0", SourceResult("PG", True, 90, None, {"latitude": 1, "longitude": 2})),
        ("L2", SourceResult("PG", False, None, "x", {"status_code": 404})),
    ])
    store.store_results(run_id, job.id, None, [
        ("L0", SourceResult("PG", True, 90, None, {"longitude": 2, "county": "Y"})),
        ("L0", SourceResult("PGPRE", True, 50, None, {"note": "pre"})),
    ])
    fields = store.get_run(run_id).observed_fields
    assert fields == {"PG": ("latitude", "longitude", "status_code", "county"),
                      "PGPRE": ("note",)}


def test_rows_missing_results_lists_rows_per_missing_source(store: RunStore) -> None:
    run_id = _make_run(store)
    job = store.jobs(run_id)[0]
    store.store_results(run_id, job.id, None, [
        ("L0", SourceResult("PG", True, 90, None, {})),
        ("L0", SourceResult("PH", True, 90, None, {})),
        ("L2", SourceResult("PG", True, 90, None, {})),
    ])
    # Row 13 has no location at all: it is an intake problem, not a missing result.
    assert list(store.rows_missing_results(run_id)) == [(12, "PH")]
