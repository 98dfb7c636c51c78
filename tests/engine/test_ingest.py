"""ingest_output against a real run store: load, record, parse and store one output."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.api import OutputIncompleteError
from ping_desktop.engine.ingest import (
    IngestLostError,
    IngestOutcome,
    IngestRequest,
    ingest_output,
)
from ping_desktop.engine.parsing import OutputParseError
from ping_desktop.storage.runstore import RunStore
from tests.engine.ingest_support import request_for, store_run, write_output


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore(tmp_path / "runs.sqlite3") as opened:
        yield opened


def test_fresh_output_is_recorded_parsed_and_stored(store: RunStore, tmp_path: Path) -> None:
    run_id, job_id = store_run(store)
    path = tmp_path / "out.json"
    size, sha = write_output(path)
    outcome = ingest_output(store, request_for(store, run_id, job_id, path))
    [record] = store.outputs(job_id)
    assert (record.id, record.parsed, record.size, record.sha256) == (
        outcome.output_id, True, size, sha)
    assert record.local_path == path
    assert outcome.locations == {"L1", "L2", "L3"}  # the stranger is not the job's
    # L2: PH failed; L3: PH missing. L4 is absent (the job adds it, it is not in this output).
    assert outcome.problem_locations == {"L2", "L3"}
    assert outcome.rows_stored == 5
    row = store.results_for_row(run_id, 2)
    assert row["PG"].confidence == 90.0
    assert row["PG"].data == {"latitude": 1.5}
    assert row["PH"].data == {"flood_zone": "X"}
    assert store.results_for_row(run_id, 3)["PH"].error_message == "no match"
    assert store.results_for_row(run_id, 5) == {}
    run = store.get_run(run_id)
    assert run.locations_completed == 3
    assert run.observed_fields["PG"] == ("latitude",)


def test_source_overrides_decide_what_a_location_misses(store: RunStore,
                                                       tmp_path: Path) -> None:
    run_id, job_id = store_run(store, overrides={"L3": ("PG",)})
    path = tmp_path / "out.json"
    write_output(path)
    outcome = ingest_output(store, request_for(store, run_id, job_id, path))
    assert outcome.problem_locations == {"L2"}  # L3 only asked for PG this time


def test_ingesting_a_parsed_output_again_stores_nothing(store: RunStore, tmp_path: Path) -> None:
    run_id, job_id = store_run(store)
    path = tmp_path / "out.json"
    write_output(path)
    first = ingest_output(store, request_for(store, run_id, job_id, path))
    counters = store.get_run(run_id).locations_completed, store.get_run(run_id).problems
    again = ingest_output(store, request_for(store, run_id, job_id, path, first.output_id))
    assert again.rows_stored == 0
    assert (again.output_id, again.locations, again.problem_locations) == (
        first.output_id, first.locations, first.problem_locations)
    assert (store.get_run(run_id).locations_completed, store.get_run(run_id).problems) == counters
    assert len(store.outputs(job_id)) == 1


def test_recorded_but_unparsed_output_is_stored_on_resume(store: RunStore,
                                                          tmp_path: Path) -> None:
    # What a kill between recording the output and storing its results leaves behind.
    run_id, job_id = store_run(store)
    path = tmp_path / "out.json"
    size, sha = write_output(path)
    output_id = store.record_output(job_id, "out.json", "u", path, size, sha)
    outcome = ingest_output(store, request_for(store, run_id, job_id, path, output_id))
    assert outcome.rows_stored == 5
    assert store.outputs(job_id)[0].parsed
    assert store.get_run(run_id).locations_completed == 3


def test_fresh_invalid_json_is_deleted_and_nothing_recorded(store: RunStore,
                                                            tmp_path: Path) -> None:
    run_id, job_id = store_run(store)
    path = tmp_path / "out.json"
    write_output(path, raw=b'{"L1": {"PG": {"is_succ')
    request = request_for(store, run_id, job_id, path)
    with pytest.raises(OutputIncompleteError, match="incomplete"):
        ingest_output(store, request)
    assert not path.exists()
    assert store.outputs(job_id) == []
    assert store.get_run(run_id).locations_completed == 0


def test_a_document_that_is_not_an_object_is_a_parse_error(store: RunStore,
                                                           tmp_path: Path) -> None:
    run_id, job_id = store_run(store)
    path = tmp_path / "out.json"
    write_output(path, data=[1, 2, 3])
    with pytest.raises(OutputParseError, match="expected format") as caught:
        ingest_output(store, request_for(store, run_id, job_id, path))
    assert "JSON object keyed by location" in caught.value.message
    assert path.exists()  # complete, just not what the API documents: kept for the user
    assert store.get_run(run_id).locations_completed == 0


def test_a_recorded_output_that_no_longer_parses_is_a_parse_error(store: RunStore,
                                                                 tmp_path: Path) -> None:
    run_id, job_id = store_run(store)
    path = tmp_path / "out.json"
    size, sha = write_output(path, raw=b"{not json")
    output_id = store.record_output(job_id, "out.json", "u", path, size, sha)
    with pytest.raises(OutputParseError, match="could not be read"):
        ingest_output(store, request_for(store, run_id, job_id, path, output_id))
    assert path.exists()  # not a fresh download: never deleted


@pytest.mark.parametrize("error", [
    OutputIncompleteError("The result file is incomplete."),
    OutputParseError("A result file is not in the expected format."),
    IngestLostError(),
])
def test_errors_survive_pickling_with_their_message(error: Exception) -> None:
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(back) is type(error)
    assert back.message == error.message  # type: ignore[attr-defined]
    assert str(back) == str(error)


def test_requests_and_outcomes_pickle(tmp_path: Path) -> None:
    request = IngestRequest(tmp_path / "s", 1, 2, "f", "u", tmp_path / "f", 3, "ab", ("PG",), 4)
    outcome = IngestOutcome(4, frozenset({"L1"}), frozenset(), 2)
    assert pickle.loads(pickle.dumps(request)) == request  # noqa: S301
    assert pickle.loads(pickle.dumps(outcome)) == outcome  # noqa: S301
