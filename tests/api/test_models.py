"""Response models parse the documented examples, their quirks, and malformed variants."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ping_desktop.api.models import (
    DatasourceConfig,
    EnhanceResult,
    JobState,
    JobStatus,
    StartedJob,
    UsageReport,
    parse_datasource_list,
)

JOB_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

# The workflow example (DOC-WF) with its stray key repaired into valid JSON; it also has an
# unrequested source (PGPRE), null durations and num_problems without num_fails.
WORKFLOW_EXAMPLE: dict[str, Any] = {
    "request": {
        "completed_at": "2026-02-02T19:18:52.624Z",
        "num_canceled": 0,
        "num_completed": 2,
        "num_problems": 2,
        "num_requested": 2,
        "progress_started_at": "2026-02-02T19:18:49.264Z",
        "requested_at": "2026-02-02T19:18:48.842Z",
        "status": "COMPLETE",
    },
    "result": {
        "message": "Success.",
        "outputs": [
            {
                "description": "Data file 1",
                "filename": f"output-data-{JOB_ID}.json",
                "url": f"https://data-api.sovfixer.com/api/v1/bulk_enhance/{JOB_ID}/output/"
                f"output-data-{JOB_ID}.json",
            }
        ],
        "sources": [
            {"avg_fetch_duration": 0.121, "max_fetch_duration": 0.152,
             "min_fetch_duration": 0.09, "num_fails": 0, "num_fetched": 2,
             "num_successes": 2, "source": "PG", "total_fetch_duration": 0.242},
            {"avg_fetch_duration": 0.0795, "max_fetch_duration": 0.08,
             "min_fetch_duration": 0.079, "num_fails": 0, "num_fetched": 2,
             "num_successes": 2, "source": "PGPRE", "total_fetch_duration": 0.159},
            {"avg_fetch_duration": None, "max_fetch_duration": None,
             "min_fetch_duration": None, "num_fails": 0, "num_fetched": 2,
             "num_successes": 2, "source": "PH", "total_fetch_duration": 0.0},
        ],
        "status": "SUCCESS",
        "total_processing_time": 3.782,
    },
}  # fmt: skip

# DOC-STATUS example: outputs and sources rendered as single objects.
STATUS_PAGE_EXAMPLE: dict[str, Any] = {
    "request": {
        "status": "PENDING",
        "requested_at": "2023-11-07T05:31:56Z",
        "progress_started_at": "2023-11-07T05:31:56Z",
        "completed_at": "2023-11-07T05:31:56Z",
        "num_requested": 123, "num_completed": 123, "num_problems": 123, "num_canceled": 123,
    },
    "result": {
        "status": "SUCCESS",
        "message": "<string>",
        "total_processing_time": 123,
        "outputs": {"url": "<string>", "filename": "<string>", "description": "<string>"},
        "sources": {"source": "DTC", "num_fetched": 123, "num_successes": 123, "num_fails": 123,
                    "avg_fetch_duration": 123, "max_fetch_duration": 123,
                    "min_fetch_duration": 123, "total_fetch_duration": 123},
        "additional_info": {},
    },
}  # fmt: skip


def test_workflow_example() -> None:
    status = JobStatus.from_json(WORKFLOW_EXAMPLE, JOB_ID)
    assert status.id == JOB_ID
    assert status.state is JobState.COMPLETE
    assert status.is_terminal
    req = status.request
    assert req.completed_at == datetime(2026, 2, 2, 19, 18, 52, 624000, tzinfo=UTC)
    assert req.requested_at is not None
    assert req.requested_at.tzinfo is not None
    assert (req.num_requested, req.num_completed, req.num_problems, req.num_canceled) == (
        2,
        2,
        2,
        0,
    )
    result = status.result
    assert result is not None
    assert result.succeeded
    assert result.message == "Success."
    assert result.total_processing_time == pytest.approx(3.782)
    assert [o.filename for o in result.outputs] == [f"output-data-{JOB_ID}.json"]
    assert result.outputs[0].description == "Data file 1"
    assert [s.source for s in result.sources] == ["PG", "PGPRE", "PH"]
    ph = result.sources[2]
    assert ph.avg_fetch_duration is None
    assert ph.max_fetch_duration is None
    assert ph.total_fetch_duration == 0.0
    assert result.additional_info == {}


def test_single_object_outputs_and_sources() -> None:
    status = JobStatus.from_json(STATUS_PAGE_EXAMPLE, "x")
    assert status.state is JobState.PENDING
    assert not status.is_terminal
    assert status.result is not None
    assert len(status.result.outputs) == 1
    assert status.result.outputs[0].url == "<string>"
    assert len(status.result.sources) == 1
    assert status.result.sources[0].source == "DTC"
    assert status.result.sources[0].avg_fetch_duration == 123.0


def test_failed_without_result_and_unknown_fields() -> None:
    data = {"request": {"status": "FAILED", "num_requested": 5, "brand_new": [1]}, "extra": 1}
    status = JobStatus.from_json(data, "job-9")
    assert status.state is JobState.FAILED
    assert status.is_terminal
    assert status.result is None
    assert status.request.num_requested == 5
    assert status.request.num_completed is None


def test_in_progress_without_result_and_missing_request() -> None:
    assert JobStatus.from_json({"request": {"status": "IN_PROGRESS"}}, "a").result is None
    odd = JobStatus.from_json({}, "a")
    assert odd.state is JobState.UNKNOWN
    assert not odd.is_terminal


def test_job_state_lenient() -> None:
    assert JobState("complete") is JobState.COMPLETE
    assert JobState("CANCELLED") is JobState.UNKNOWN
    assert JobState.QUEUED == "QUEUED"
    assert [s for s in JobState if s.is_terminal] == [JobState.COMPLETE, JobState.FAILED]


def test_non_success_result() -> None:
    status = JobStatus.from_json(
        {"request": {"status": "COMPLETE"}, "result": {"status": "FAILURE", "message": "boom"}}, "j"
    )
    assert status.result is not None
    assert not status.result.succeeded
    assert status.result.outputs == ()


def test_bad_numbers_and_dates_become_none() -> None:
    status = JobStatus.from_json(
        {"request": {"status": "QUEUED", "num_requested": "many", "requested_at": "yesterday",
                     "num_completed": 3.0, "num_problems": True}}, "j"
    )  # fmt: skip
    assert status.request.num_requested is None
    assert status.request.requested_at is None
    assert status.request.num_completed == 3
    assert status.request.num_problems is None


def test_status_body_must_be_an_object() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        JobStatus.from_json(["not", "an", "object"], "j")


def test_started_job() -> None:
    started = StartedJob.from_json({"id": JOB_ID, "message": "OK", "new": 1})
    assert started == StartedJob(JOB_ID, "OK")
    with pytest.raises(ValueError, match="no job id"):
        StartedJob.from_json({"message": "OK"})


DATASOURCES: dict[str, Any] = {
    "configs": {
        "PG": {
            "source_code": "PG", "source_name": "Ping Geocoding",
            "required_attrs": ["address"], "optional_attrs": ["country", "latitude"],
            "requires_credentials": False,
            "non_supported_input_values": {"country": ["KP"]},
            "supported_countries": ["US", "CA"], "supported_us_states": None,
            "excluded_us_states": None,
            "geocode_confidence_required": None, "geocode_precision_required": 3,
            "output_fields": {
                "latitude": {"type": "float", "description": "Latitude", "category": ["geo"]},
                "match": {"type": "object", "fields": {"level": {"type": "string"}}},
            },
            "base_output_fields": {"is_success": {"type": "bool"}},
            "future_field": "ignored",
        },
        "PH": {"source_name": "Ping Hazard"},
    }
}  # fmt: skip


def test_datasources() -> None:
    configs = parse_datasource_list(DATASOURCES)
    assert set(configs) == {"PG", "PH"}
    pg = configs["PG"]
    assert pg.source_name == "Ping Geocoding"
    assert pg.required_attrs == ("address",)
    assert pg.non_supported_input_values == {"country": ("KP",)}
    assert pg.supported_countries == ("US", "CA")
    assert pg.supported_us_states is None
    assert pg.geocode_precision_required == 3
    assert pg.output_fields["latitude"].category == ("geo",)
    assert pg.output_fields["match"].fields["level"].type == "string"
    assert pg.base_output_fields["is_success"].type == "bool"
    ph = configs["PH"]
    assert ph.source_code == "PH"
    assert ph.required_attrs == ()
    assert not ph.requires_credentials


def test_datasource_single_and_list_forms() -> None:
    one = DatasourceConfig.from_json(DATASOURCES["configs"]["PG"])
    assert one.source_code == "PG"
    as_list = parse_datasource_list({"configs": [DATASOURCES["configs"]["PG"]]})
    assert list(as_list) == ["PG"]


def test_usage_documented_shape() -> None:
    report = UsageReport.from_json(
        {"granularity": "1h", "start": "2025-05-08T10:00:00Z", "end": "2025-05-15T10:00:00Z",
         "buckets": [{"bucket": "2025-05-08T10:00:00Z", "counts": {"TD": 12, "total": 12}}],
         "totals": {"TD": 100, "total": 100}}
    )  # fmt: skip
    assert report.granularity == "1h"
    assert report.start == datetime(2025, 5, 8, 10, tzinfo=UTC)
    assert len(report.buckets) == 1
    assert report.buckets[0].counts == {"TD": 12, "total": 12}
    assert report.totals["total"] == 100


def test_usage_client_typed_shape_is_merged() -> None:
    report = UsageReport.from_json(
        {"buckets": [{"bucket_time": "2025-05-08T10:00:00Z", "source": "PG", "count": 3},
                     {"bucket_time": "2025-05-08T10:00:00Z", "source": "PH", "count": 2}]}
    )  # fmt: skip
    assert len(report.buckets) == 1
    assert report.buckets[0].counts == {"PG": 3, "PH": 2}
    assert report.totals == {}


def test_enhance_result() -> None:
    result = EnhanceResult.from_json(
        {"id": "170c479e", "location_data": {"PG": {"is_success": True, "latitude": 1.5},
                                             "junk": 3}}
    )  # fmt: skip
    assert result.id == "170c479e"
    assert result.location_data == {"PG": {"is_success": True, "latitude": 1.5}}
