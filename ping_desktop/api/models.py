"""Typed, immutable views of the Ping.Data API responses (reference §2).

Every ``from_json`` is tolerant: unknown fields are ignored, optional fields may be missing or
null, and ``outputs``/``sources`` may arrive as a single object instead of a list. ``result`` is
absent until a job is COMPLETE and may be absent on FAILED; neither crashes the parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from ping_desktop.api._coerce import (
    as_mapping,
    as_object_list,
    int_counts,
    opt_bool,
    opt_datetime,
    opt_float,
    opt_int,
    opt_str,
    opt_str_tuple,
    str_tuple,
)


def _require_object(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


class JobState(StrEnum):
    """``request.status`` of a bulk-enhance job; anything undocumented becomes UNKNOWN."""

    PENDING = "PENDING"
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def _missing_(cls, value: object) -> JobState:
        if isinstance(value, str):
            upper = value.strip().upper()
            for member in cls:
                if member.value == upper:
                    return member
        return cls.UNKNOWN

    @property
    def is_terminal(self) -> bool:
        """COMPLETE and FAILED are final; polling can stop."""
        return self in (JobState.COMPLETE, JobState.FAILED)


@dataclass(frozen=True)
class JobRequest:
    """The ``request`` part of a job status: state, timestamps and progress counters."""

    status: JobState
    requested_at: datetime | None = None
    progress_started_at: datetime | None = None
    completed_at: datetime | None = None
    num_requested: int | None = None
    num_completed: int | None = None
    num_problems: int | None = None
    num_canceled: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> JobRequest:
        """Parse ``request``; a missing or malformed object gives state UNKNOWN."""
        d = as_mapping(data)
        return cls(
            status=JobState(opt_str(d.get("status")) or "UNKNOWN"),
            requested_at=opt_datetime(d.get("requested_at")),
            progress_started_at=opt_datetime(d.get("progress_started_at")),
            completed_at=opt_datetime(d.get("completed_at")),
            num_requested=opt_int(d.get("num_requested")),
            num_completed=opt_int(d.get("num_completed")),
            num_problems=opt_int(d.get("num_problems")),
            num_canceled=opt_int(d.get("num_canceled")),
        )


@dataclass(frozen=True)
class JobOutput:
    """One downloadable output of a finished job (always fetch ``url`` as given)."""

    url: str
    filename: str
    description: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> JobOutput:
        """Parse one ``result.outputs[]`` item."""
        d = as_mapping(data)
        return cls(
            url=opt_str(d.get("url")) or "",
            filename=opt_str(d.get("filename")) or "",
            description=opt_str(d.get("description")),
        )


@dataclass(frozen=True)
class SourceStats:
    """Per-source fetch statistics of a job; the durations may be null (workflow example)."""

    source: str
    num_fetched: int | None = None
    num_successes: int | None = None
    num_fails: int | None = None
    avg_fetch_duration: float | None = None
    max_fetch_duration: float | None = None
    min_fetch_duration: float | None = None
    total_fetch_duration: float | None = None

    @classmethod
    def from_json(cls, data: Any) -> SourceStats:
        """Parse one ``result.sources[]`` item."""
        d = as_mapping(data)
        return cls(
            source=opt_str(d.get("source")) or "",
            num_fetched=opt_int(d.get("num_fetched")),
            num_successes=opt_int(d.get("num_successes")),
            num_fails=opt_int(d.get("num_fails")),
            avg_fetch_duration=opt_float(d.get("avg_fetch_duration")),
            max_fetch_duration=opt_float(d.get("max_fetch_duration")),
            min_fetch_duration=opt_float(d.get("min_fetch_duration")),
            total_fetch_duration=opt_float(d.get("total_fetch_duration")),
        )


@dataclass(frozen=True)
class JobResult:
    """The ``result`` part of a finished job: outcome, outputs and per-source stats."""

    status: str
    message: str | None = None
    total_processing_time: float | None = None
    outputs: tuple[JobOutput, ...] = ()
    sources: tuple[SourceStats, ...] = ()
    additional_info: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def succeeded(self) -> bool:
        """Only ``SUCCESS`` counts as success (as in the official client)."""
        return self.status == "SUCCESS"

    @classmethod
    def from_json(cls, data: Any) -> JobResult:
        """Parse ``result``; a single object in ``outputs``/``sources`` is accepted as a list."""
        d = as_mapping(data)
        return cls(
            status=(opt_str(d.get("status")) or "").upper(),
            message=opt_str(d.get("message")),
            total_processing_time=opt_float(d.get("total_processing_time")),
            outputs=tuple(
                out for out in map(JobOutput.from_json, as_object_list(d.get("outputs"))) if out.url
            ),
            sources=tuple(SourceStats.from_json(s) for s in as_object_list(d.get("sources"))),
            additional_info=dict(as_mapping(d.get("additional_info"))),
        )


@dataclass(frozen=True)
class JobStatus:
    """``GET /bulk_enhance/{id}``: the request part always, ``result`` only when present."""

    id: str
    request: JobRequest
    result: JobResult | None = None

    @property
    def state(self) -> JobState:
        """Shortcut for ``request.status``."""
        return self.request.status

    @property
    def is_terminal(self) -> bool:
        """True once the job is COMPLETE or FAILED."""
        return self.request.status.is_terminal

    @classmethod
    def from_json(cls, data: Any, job_id: str = "") -> JobStatus:
        """Parse a status body; ``job_id`` fills ``id`` since the body does not carry it."""
        d = _require_object(data, "job status")
        result = d.get("result")
        return cls(
            id=opt_str(d.get("id")) or job_id,
            request=JobRequest.from_json(d.get("request")),
            result=JobResult.from_json(result) if isinstance(result, Mapping) else None,
        )


@dataclass(frozen=True)
class StartedJob:
    """``POST /bulk_enhance`` answer: the new job's id."""

    id: str
    message: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> StartedJob:
        """Parse the start answer; raises ValueError without a usable ``id``."""
        d = _require_object(data, "start job")
        job_id = opt_str(d.get("id"))
        if not job_id:
            raise ValueError("start job: the answer has no job id")
        return cls(id=job_id, message=opt_str(d.get("message")))


@dataclass(frozen=True)
class OutputField:
    """Metadata of one output field of a datasource (may nest further ``fields``)."""

    name: str
    type: str | None = None
    description: str | None = None
    display_type: str | None = None
    category: tuple[str, ...] = ()
    fields: dict[str, OutputField] = field(default_factory=dict, compare=False)
    return_values: Any = field(default=None, compare=False)

    @classmethod
    def from_json(cls, name: str, data: Any) -> OutputField:
        """Parse one entry of ``output_fields``; a bare string is taken as its type."""
        if isinstance(data, str):
            return cls(name=name, type=data)
        d = as_mapping(data)
        return cls(
            name=name,
            type=opt_str(d.get("type")),
            description=opt_str(d.get("description")),
            display_type=opt_str(d.get("display_type")),
            category=str_tuple(d.get("category")),
            fields=parse_output_fields(d.get("fields")),
            return_values=d.get("return_values"),
        )


def parse_output_fields(data: Any) -> dict[str, OutputField]:
    """``{name: OutputField}`` from a mapping (or a list of objects carrying ``name``)."""
    if isinstance(data, list):
        items = {str(i.get("name")): i for i in as_object_list(data) if i.get("name")}
        return {k: OutputField.from_json(k, v) for k, v in items.items()}
    return {str(k): OutputField.from_json(str(k), v) for k, v in as_mapping(data).items()}


@dataclass(frozen=True)
class DatasourceConfig:
    """What a source needs, where it works and which fields it returns (``GET /datasources``)."""

    source_code: str
    source_name: str
    required_attrs: tuple[str, ...] = ()
    optional_attrs: tuple[str, ...] = ()
    requires_credentials: bool = False
    non_supported_input_values: dict[str, tuple[str, ...]] | None = None
    supported_countries: tuple[str, ...] | None = None
    supported_us_states: tuple[str, ...] | None = None
    excluded_us_states: tuple[str, ...] | None = None
    geocode_confidence_required: int | None = None
    geocode_precision_required: int | None = None
    output_fields: dict[str, OutputField] = field(default_factory=dict, compare=False)
    base_output_fields: dict[str, OutputField] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: Any, code: str = "") -> DatasourceConfig:
        """Parse one config; ``code`` (the key it was listed under) fills a missing code."""
        d = _require_object(data, "datasource config")
        source_code = opt_str(d.get("source_code")) or code
        unsupported = d.get("non_supported_input_values")
        return cls(
            source_code=source_code,
            source_name=opt_str(d.get("source_name")) or source_code,
            required_attrs=str_tuple(d.get("required_attrs")),
            optional_attrs=str_tuple(d.get("optional_attrs")),
            requires_credentials=opt_bool(d.get("requires_credentials")),
            non_supported_input_values=(
                {str(k): str_tuple(v) for k, v in unsupported.items()}
                if isinstance(unsupported, Mapping)
                else None
            ),
            supported_countries=opt_str_tuple(d.get("supported_countries")),
            supported_us_states=opt_str_tuple(d.get("supported_us_states")),
            excluded_us_states=opt_str_tuple(d.get("excluded_us_states")),
            geocode_confidence_required=opt_int(d.get("geocode_confidence_required")),
            geocode_precision_required=opt_int(d.get("geocode_precision_required")),
            output_fields=parse_output_fields(d.get("output_fields")),
            base_output_fields=parse_output_fields(d.get("base_output_fields")),
        )


def parse_datasource_list(data: Any) -> dict[str, DatasourceConfig]:
    """``{"configs": {CODE: config}}`` (or a list of configs) to ``{CODE: DatasourceConfig}``."""
    configs = _require_object(data, "datasource list").get("configs")
    if isinstance(configs, list):
        parsed = [DatasourceConfig.from_json(c) for c in as_object_list(configs)]
    else:
        parsed = [
            DatasourceConfig.from_json(v, str(k))
            for k, v in as_mapping(configs).items()
            if isinstance(v, Mapping)
        ]
    return {c.source_code: c for c in parsed if c.source_code}


@dataclass(frozen=True)
class UsageBucket:
    """Credits used in one time bucket, per source plus ``total``."""

    bucket: datetime | None
    counts: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class UsageReport:
    """``GET /usage``: credit use per time bucket (granularity 5m, 1h or 1d) and totals."""

    granularity: str | None
    start: datetime | None
    end: datetime | None
    buckets: tuple[UsageBucket, ...] = ()
    totals: dict[str, int] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> UsageReport:
        """Parse the documented ``{bucket, counts}`` shape and the older ``{bucket_time, source,
        count}`` shape of the official client's types (reference §2.7)."""
        d = _require_object(data, "usage")
        merged: dict[str, dict[str, int]] = {}
        order: list[str] = []
        for item in as_object_list(d.get("buckets")):
            key = opt_str(item.get("bucket")) or opt_str(item.get("bucket_time")) or ""
            if key not in merged:
                merged[key] = {}
                order.append(key)
            if "counts" in item:
                merged[key].update(int_counts(item.get("counts")))
            elif item.get("source") is not None and opt_int(item.get("count")) is not None:
                merged[key][str(item["source"])] = opt_int(item.get("count")) or 0
        buckets = tuple(UsageBucket(opt_datetime(k), merged[k]) for k in order)
        return cls(
            granularity=opt_str(d.get("granularity")),
            start=opt_datetime(d.get("start")),
            end=opt_datetime(d.get("end")),
            buckets=buckets,
            totals=int_counts(d.get("totals")),
        )


@dataclass(frozen=True)
class EnhanceResult:
    """``GET /enhance``: results for one location, keyed by datasource code."""

    id: str
    location_data: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> EnhanceResult:
        """Parse a single-location answer (non-object source entries are dropped)."""
        d = _require_object(data, "enhance")
        location_data = {
            str(code): dict(value)
            for code, value in as_mapping(d.get("location_data")).items()
            if isinstance(value, Mapping)
        }
        return cls(id=opt_str(d.get("id")) or "", location_data=location_data)


@dataclass(frozen=True)
class DownloadedFile:
    """An output saved to disk: where, how many bytes, and their SHA-256 (hex)."""

    path: Path
    size: int
    sha256: str
