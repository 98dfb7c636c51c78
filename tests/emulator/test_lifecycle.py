"""The job lifecycle: states, counters, timestamps and when `result` appears."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import httpx
import pytest

from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.jobs import Job
from tests.conftest import TEST_TOKEN
from tests.emulator.conftest import SEED_PAYLOAD, fetch_output, start_job, wait_done

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ORDER = ["PENDING", "QUEUED", "IN_PROGRESS", "COMPLETE"]


def _parse(ts: str) -> dt.datetime:
    return dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ")


def _job(size: int, rate: float, queue: float, fail: bool = False) -> Job:
    return Job(
        id="j",
        locations=None,
        codes=[["PG"]] * size,
        requested_at=1000.0,
        rate=rate,
        queue_seconds=queue,
        seed=0,
        will_fail=fail,
    )


def test_state_follows_the_clock_exactly() -> None:
    job = _job(size=10, rate=5.0, queue=1.0)
    assert job.state(1000.0) == ("PENDING", 0)
    assert job.state(1000.49) == ("PENDING", 0)
    assert job.state(1000.5) == ("QUEUED", 0)
    assert job.state(1001.0) == ("IN_PROGRESS", 0)
    assert job.state(1001.5) == ("IN_PROGRESS", 2)
    assert job.state(1002.9) == ("IN_PROGRESS", 9)
    assert job.state(1003.0) == ("COMPLETE", 10)
    assert job.state(5000.0) == ("COMPLETE", 10)


def test_rate_zero_is_complete_at_once_and_failing_jobs_stop_half_way() -> None:
    assert _job(size=4, rate=0.0, queue=5.0).state(1000.0) == ("COMPLETE", 4)
    failing = _job(size=10, rate=5.0, queue=0.0, fail=True)
    assert failing.state(1000.5) == ("IN_PROGRESS", 2)
    assert failing.state(1001.0) == ("FAILED", 5)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    # Windows of about half a second per phase: wide enough to be seen on a busy machine.
    return EmulatorConfig(
        tokens=frozenset({TEST_TOKEN}), locations_per_second=8.0, queue_seconds=1.0
    )


def test_status_advances_through_every_state_over_http(client: httpx.Client) -> None:
    payload = {
        "locations": [{"id": f"L{i}", "address": f"{i} main st, miami, fl"} for i in range(8)],
        "sources": ["PG", "PH"],
    }
    job_id = start_job(client, payload)
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body = client.get(f"/bulk_enhance/{job_id}").json()
        seen.append(body)
        if body["request"]["status"] == "COMPLETE":
            break
        time.sleep(0.03)
    statuses = [b["request"]["status"] for b in seen]
    distinct = list(dict.fromkeys(statuses))
    assert distinct == ORDER
    completed = [b["request"]["num_completed"] for b in seen]
    assert completed == sorted(completed)
    assert completed[-1] == 8
    assert any(0 < b["request"]["num_completed"] < 8 for b in seen)
    for body in seen:
        request = body["request"]
        assert request["num_requested"] == 8
        assert request["num_canceled"] == 0
        assert ISO_MS.match(request["requested_at"])
        status = request["status"]
        assert ("result" in body) == (status == "COMPLETE")
        if status in ("PENDING", "QUEUED"):
            assert request["progress_started_at"] is None
            assert request["num_completed"] == 0
        else:
            assert ISO_MS.match(request["progress_started_at"])
        if status == "COMPLETE":
            assert ISO_MS.match(request["completed_at"])
        else:
            assert request["completed_at"] is None
    last = seen[-1]["request"]
    assert _parse(last["requested_at"]) < _parse(last["progress_started_at"])
    assert _parse(last["progress_started_at"]) < _parse(last["completed_at"])
    result = seen[-1]["result"]
    assert result["status"] == "SUCCESS"
    assert result["message"] == "Success."
    assert result["total_processing_time"] > 0


def test_num_problems_counts_completed_locations_with_a_failed_source(
    client: httpx.Client,
) -> None:
    locations = [{"id": f"ok{i}", "address": f"{i} oak ave, austin, tx"} for i in range(3)]
    locations += [{"id": f"bad{i}", "address": "unknown"} for i in range(2)]
    job_id = start_job(client, {"locations": locations, "sources": ["PG"]})
    body = wait_done(client, job_id)
    assert body["request"]["num_problems"] == 2
    stats = {s["source"]: s for s in body["result"]["sources"]}
    assert stats["PG"]["num_fetched"] == 5
    assert stats["PG"]["num_fails"] == 2
    assert stats["PG"]["num_successes"] == 3


def test_completed_result_points_at_this_server(emulator: Any, client: httpx.Client) -> None:
    job_id = start_job(client, SEED_PAYLOAD)
    body = wait_done(client, job_id)
    (output,) = body["result"]["outputs"]
    assert output["filename"] == f"output-data-{job_id}.json"
    assert output["description"] == "Data file 1"
    assert output["url"] == f"{emulator.api_url}/bulk_enhance/{job_id}/output/{output['filename']}"
    codes = [s["source"] for s in body["result"]["sources"]]
    assert codes == ["PG", "PGPRE", "PH"]  # as in the vendor's workflow example
    ph = body["result"]["sources"][2]
    assert ph["avg_fetch_duration"] is None
    assert ph["total_fetch_duration"] == 0.0
    assert set(fetch_output(client, body)) == {"item-1", "item-2"}


def test_output_is_not_served_before_completion(client: httpx.Client) -> None:
    job_id = start_job(client, SEED_PAYLOAD)
    response = client.get(f"/bulk_enhance/{job_id}/output/output-data-{job_id}.json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
