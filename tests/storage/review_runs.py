"""A small stored run for the review-queue tests: split address columns, two sources, rows that
are fine, not sent, not found, low confidence, flagged, and two rows sharing one location."""

from __future__ import annotations

from pathlib import Path

from ping_desktop.domain import RunPhase
from ping_desktop.storage.runstore import PlannedJob, RowProblem, RunStore, SourceResult

COLUMNS = ("Name", "Street", "City", "State", "Zip")
MAPPING = {"fields": {"bldg_name": "Name", "address_line_1": "Street", "city": "City",
                      "state": "State", "postal_code": "Zip"}}
ROWS = {
    2: ("Good", "77 Massachusetts Ave", "Cambridge", "MA", "02139"),
    3: ("Unsent", None, None, None, None),
    4: ("Lost", "1 Nowhere Rd", "Springfield", "MA", "01103"),
    5: ("Vague", "2 Elm St", "Boston", "MA", "02108"),
    6: ("Flagged", "3 Oak St", "Boston", "NY", "02108"),
    7: ("Twin A", "9 Same St", "Boston", "MA", "02108"),
    8: ("Twin B", "9 Same St", "Boston", "MA", "02108"),
    9: ("Half", "5 Pine St", "Boston", "MA", "02108"),
}
LOCATIONS = {2: "row-2", 4: "row-4", 5: "row-5", 6: "row-6", 7: "row-7", 8: "row-7",
             9: "row-9"}
SOURCES = ("PG", "PH")


def _ok(source: str, confidence: float) -> SourceResult:
    return SourceResult(source, True, confidence, None, {"latitude": 42.0, "longitude": -71.0})


def _failed(source: str) -> SourceResult:
    return SourceResult(source, False, None, "Address not found", {})


def make_review_run(store: RunStore) -> int:
    """Store the run with its results, finished (COMPLETE_WITH_PROBLEMS); returns its id."""
    locations = sorted(set(LOCATIONS.values()))
    payloads = {loc: {"address_line_1": ROWS[int(loc[4:])][1]} for loc in locations}
    run_id = store.create_run(
        folder=store.new_run_folder(), file_name="sov.xlsx", input_path=Path("/in/sov.xlsx"),
        input_copy=None, sheet="SOV", header_row=1, columns=COLUMNS, mapping=MAPPING,
        sources=SOURCES, api_origin="http://127.0.0.1:1", rows=list(ROWS.items()),
        row_locations=[(n, LOCATIONS.get(n)) for n in ROWS],
        locations=[(loc, payloads[loc], int(loc[4:])) for loc in locations],
        jobs=[PlannedJob(tuple(locations))],
        problems=[
            RowProblem(3, None, "No usable address or coordinates: fill in the street.", "error"),
            RowProblem(6, "postal_code", "ZIP 02108 is in Boston, MA, not in NY.", "warning"),
        ],
    )
    conn = store._conn()
    conn.execute("UPDATE row_problems SET kind = 'zip_state_mismatch' WHERE row_number = 6")
    job_id = store.jobs(run_id)[0].id
    results = [
        ("row-2", _ok("PG", 95)), ("row-2", _ok("PH", 90)),
        ("row-4", _failed("PG")), ("row-4", _failed("PH")),
        ("row-5", _ok("PG", 40)), ("row-5", _ok("PH", 90)),
        ("row-6", _ok("PG", 95)), ("row-6", _ok("PH", 95)),
        ("row-7", _failed("PG")), ("row-7", _ok("PH", 95)),
        ("row-9", _ok("PG", 95)),  # PH never answered for this one
    ]
    store.store_results(run_id, job_id, None, results)
    from ping_desktop.domain import JobPhase

    store.finish_job(job_id, JobPhase.COMPLETE)
    store.set_run_phase(run_id, RunPhase.COMPLETE_WITH_PROBLEMS)
    return run_id
