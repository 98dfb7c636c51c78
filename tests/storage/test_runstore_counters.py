"""The run's counters move with each stored batch of results and always equal a full recount."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.storage.runstore import PlannedJob, RunStore, SourceResult

LOCATIONS = [f"L{i}" for i in range(12)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    s = RunStore(tmp_path / "runs.sqlite3")
    yield s
    s.close()


def _run(store: RunStore) -> int:
    return store.create_run(
        folder=store.new_run_folder(), file_name="x.csv", input_path=Path("x.csv"),
        input_copy=None, sheet=None, header_row=1, columns=["A"], mapping={},
        sources=["PG", "PH"], api_origin="http://127.0.0.1:1",
        rows=[(i + 2, (loc,)) for i, loc in enumerate(LOCATIONS)],
        row_locations=[(i + 2, loc) for i, loc in enumerate(LOCATIONS)],
        locations=[(loc, {"address": loc}, i + 2) for i, loc in enumerate(LOCATIONS)],
        jobs=[PlannedJob(tuple(LOCATIONS))],
    )


@pytest.mark.parametrize("seed", range(5))
def test_counters_after_every_batch_equal_a_full_recount(store: RunStore, seed: int) -> None:
    rnd = random.Random(seed)
    run_id = _run(store)
    job_id = store.jobs(run_id)[0].id
    seen_problems = set()
    for _ in range(8):
        batch = [
            (loc, SourceResult(source, rnd.random() < 0.7, None, None, {"n": rnd.random()}))
            for loc in rnd.sample(LOCATIONS, rnd.randint(1, 6))
            # Sometimes only one source comes back; other sources (PGPRE) count for nothing.
            for source in rnd.sample(["PG", "PH", "PGPRE"], rnd.randint(1, 3))
        ]
        store.store_results(run_id, job_id, None, batch)
        moved = store.get_run(run_id)
        store.refresh_run_counters(run_id)
        recounted = store.get_run(run_id)
        assert (moved.locations_completed, moved.problems) == (
            recounted.locations_completed, recounted.problems)
        seen_problems.add(moved.problems)
    assert store.get_run(run_id).locations_completed > 0
    assert len(seen_problems) > 1  # the random batches did move the problem count


def test_counters_match_the_rule_counted_by_hand(store: RunStore) -> None:
    """Independent of the SQL both paths share: a location counts as completed once it has any
    result, and as a problem while one of the run's sources (PG, PH) lacks a success for it."""
    run_id = _run(store)
    job_id = store.jobs(run_id)[0].id
    store.store_results(run_id, job_id, None, [
        ("L0", SourceResult("PG", True, None, None, {})),
        ("L0", SourceResult("PH", True, None, None, {})),      # complete, no problem
        ("L1", SourceResult("PG", True, None, None, {})),      # PH missing: a problem
        ("L2", SourceResult("PG", True, None, None, {})),
        ("L2", SourceResult("PH", False, None, "x", {})),      # PH failed: a problem
        ("L3", SourceResult("PGPRE", True, None, None, {})),   # only an unchosen source
    ])  # fmt: skip
    moved = store.get_run(run_id)
    assert (moved.locations_completed, moved.problems) == (4, 3)
    store.refresh_run_counters(run_id)
    recounted = store.get_run(run_id)
    assert (recounted.locations_completed, recounted.problems) == (4, 3)
    store.refresh_run_counters(run_id + 99)  # no such run: nothing happens
    assert store.get_run(run_id).problems == 3


def test_unknown_run_raises_key_error_for_per_run_queries(store: RunStore) -> None:
    with pytest.raises(KeyError):
        list(store.rows_missing_results(404))
    with pytest.raises(KeyError):
        store.retry_candidates(404)
    with pytest.raises(KeyError):
        store.get_run(404)
    with pytest.raises(KeyError):
        store.get_job(404)
    with pytest.raises(KeyError):
        store.columns(404)
