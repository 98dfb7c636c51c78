"""Typed, immutable views of the Ping.Data API responses (reference §2).

Every model is tolerant (see ``_fields``): unknown fields are ignored, optional fields may be
missing or null, and ``outputs``/``sources`` may arrive as a single object instead of a list.
``result`` is absent until a job is COMPLETE and may be absent on FAILED; neither crashes the
parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from ping_desktop.api._coerce import (
    as_mapping,
    as_object_list,
    int_counts,
    opt_bool,
    opt_datetime,
    opt_int,
    opt_str,
    str_tuple,
)
from ping_desktop.api._fields import (
    JsonModel,
    OptFloat,
    OptInt,
    OptStr,
    OptStrs,
    OptTime,
    Strs,
    Text,
    optional_object,
    read_fields,
    require_object,
    text,
    tuple_of,
)


def _upper_text(value: Any) -> str:
    return text(value).upper()


def _plain_dict(value: Any) -> dict[str, Any]:
    return dict(as_mapping(value))


def _as_is(value: Any) -> Any:
    return value


#: The keys every per-source result carries besides its data fields (reference §2, "Base Output
#: Attributes"), plus ``status``, which live answers carry too.
RESULT_BASE_KEYS = frozenset(
    {
        "is_success",
        "error_message",
        "confidence",
        "raw_response",
        "persist_for",
        "status_code",
        "fetch_time",
        "is_cache_hit",
        "worker_name",
        "status",
    }
)
#: Of those, the ones that describe the fetch rather than the location.
FETCH_KEYS = RESULT_BASE_KEYS - {"is_success", "error_message", "confidence"}


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


def _job_state(value: Any) -> JobState:
    return JobState(opt_str(value) or "UNKNOWN")


@dataclass(frozen=True)
class JobRequest(JsonModel):
    """The ``request`` part of a job status: state, timestamps and progress counters.

    A missing or malformed ``request`` object parses to state UNKNOWN.
    """

    status: Annotated[JobState, _job_state]
    requested_at: OptTime = None
    progress_started_at: OptTime = None
    completed_at: OptTime = None
    num_requested: OptInt = None
    num_completed: OptInt = None
    num_problems: OptInt = None
    num_canceled: OptInt = None


@dataclass(frozen=True)
class JobOutput(JsonModel):
    """One downloadable output of a finished job (always fetch ``url`` as given)."""

    url: Text
    filename: Text
    description: OptStr = None


@dataclass(frozen=True)
class SourceStats(JsonModel):
    """Per-source fetch statistics of a job; the durations may be null (workflow example)."""

    source: Text
    num_fetched: OptInt = None
    num_successes: OptInt = None
    num_fails: OptInt = None
    avg_fetch_duration: OptFloat = None
    max_fetch_duration: OptFloat = None
    min_fetch_duration: OptFloat = None
    total_fetch_duration: OptFloat = None


def _outputs(value: Any) -> tuple[JobOutput, ...]:
    # An output without a URL cannot be downloaded, so it is not an output.
    return tuple(out for out in map(JobOutput.from_json, as_object_list(value)) if out.url)


@dataclass(frozen=True)
class JobResult(JsonModel):
    """The ``result`` part of a finished job: outcome, outputs and per-source stats."""

    status: Annotated[str, _upper_text]
    message: OptStr = None
    total_processing_time: OptFloat = None
    outputs: Annotated[tuple[JobOutput, ...], _outputs] = ()
    sources: Annotated[tuple[SourceStats, ...], tuple_of(SourceStats.from_json)] = ()
    additional_info: Annotated[dict[str, Any], _plain_dict] = field(
        default_factory=dict, compare=False
    )

    @property
    def succeeded(self) -> bool:
        """Only ``SUCCESS`` counts as success (as in the official client)."""
        return self.status == "SUCCESS"


@dataclass(frozen=True)
class JobStatus(JsonModel):
    """``GET /bulk_enhance/{id}``: the request part always, ``result`` only when present."""

    json_what = "job status"

    id: Text
    request: Annotated[JobRequest, JobRequest.from_json]
    result: Annotated[JobResult | None, optional_object(JobResult.from_json)] = None

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
        values = read_fields(cls, data, cls.json_what)
        values["id"] = values["id"] or job_id
        return cls(**values)


@dataclass(frozen=True)
class StartedJob(JsonModel):
    """``POST /bulk_enhance`` answer: the new job's id."""

    json_what = "start job"

    id: Text
    message: OptStr = None

    @classmethod
    def from_json(cls, data: Any) -> StartedJob:
        """Parse the start answer; raises ValueError without a usable ``id``."""
        started = super().from_json(data)
        if not started.id:
            raise ValueError("start job: the answer has no job id")
        return started


def parse_output_fields(data: Any) -> dict[str, OutputField]:
    """``{name: OutputField}`` from a mapping (or a list of objects carrying ``name``)."""
    if isinstance(data, list):
        items = {str(i.get("name")): i for i in as_object_list(data) if i.get("name")}
        return {k: OutputField.named(k, v) for k, v in items.items()}
    return {str(k): OutputField.named(str(k), v) for k, v in as_mapping(data).items()}


@dataclass(frozen=True)
class OutputField(JsonModel):
    """Metadata of one output field of a datasource (may nest further ``fields``).

    Parse with :meth:`named` (or :func:`parse_output_fields`): the name is the key the entry
    is listed under, not part of the entry.
    """

    name: str
    type: OptStr = None
    description: OptStr = None
    display_type: OptStr = None
    category: Strs = ()
    fields: Annotated[dict[str, OutputField], parse_output_fields] = field(
        default_factory=dict, compare=False
    )
    return_values: Annotated[Any, _as_is] = field(default=None, compare=False)

    @classmethod
    def named(cls, name: str, data: Any) -> OutputField:
        """Parse one entry of ``output_fields``; a bare string is taken as its type."""
        if isinstance(data, str):
            return cls(name=name, type=data)
        return cls(name=name, **read_fields(cls, data))


def _unsupported_values(value: Any) -> dict[str, tuple[str, ...]] | None:
    if not isinstance(value, Mapping):
        return None
    return {str(k): str_tuple(v) for k, v in value.items()}


@dataclass(frozen=True)
class DatasourceConfig(JsonModel):
    """What a source needs, where it works and which fields it returns (``GET /datasources``)."""

    json_what = "datasource config"

    source_code: Text
    source_name: Text
    required_attrs: Strs = ()
    optional_attrs: Strs = ()
    requires_credentials: Annotated[bool, opt_bool] = False
    non_supported_input_values: Annotated[
        dict[str, tuple[str, ...]] | None, _unsupported_values
    ] = None
    supported_countries: OptStrs = None
    supported_us_states: OptStrs = None
    excluded_us_states: OptStrs = None
    geocode_confidence_required: OptInt = None
    geocode_precision_required: OptInt = None
    output_fields: Annotated[dict[str, OutputField], parse_output_fields] = field(
        default_factory=dict, compare=False
    )
    base_output_fields: Annotated[dict[str, OutputField], parse_output_fields] = field(
        default_factory=dict, compare=False
    )

    @classmethod
    def from_json(cls, data: Any, code: str = "") -> DatasourceConfig:
        """Parse one config; ``code`` (the key it was listed under) fills a missing code."""
        values = read_fields(cls, data, cls.json_what)
        values["source_code"] = values["source_code"] or code
        values["source_name"] = values["source_name"] or values["source_code"]
        return cls(**values)


def parse_datasource_list(data: Any) -> dict[str, DatasourceConfig]:
    """``{"configs": {CODE: config}}`` (or a list of configs) to ``{CODE: DatasourceConfig}``."""
    configs = require_object(data, "datasource list").get("configs")
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


def _usage_buckets(value: Any) -> tuple[UsageBucket, ...]:
    """The documented ``{bucket, counts}`` items and the older ``{bucket_time, source, count}``
    items of the official client's types (reference §2.7), merged per bucket in first-seen
    order."""
    merged: dict[str, dict[str, int]] = {}
    for item in as_object_list(value):
        key = opt_str(item.get("bucket")) or opt_str(item.get("bucket_time")) or ""
        counts = merged.setdefault(key, {})
        if "counts" in item:
            counts.update(int_counts(item.get("counts")))
        elif item.get("source") is not None and opt_int(item.get("count")) is not None:
            counts[str(item["source"])] = opt_int(item.get("count")) or 0
    return tuple(UsageBucket(opt_datetime(key), counts) for key, counts in merged.items())


@dataclass(frozen=True)
class UsageReport(JsonModel):
    """``GET /usage``: credit use per time bucket (granularity 5m, 1h or 1d) and totals."""

    json_what = "usage"

    granularity: OptStr
    start: OptTime
    end: OptTime
    buckets: Annotated[tuple[UsageBucket, ...], _usage_buckets] = ()
    totals: Annotated[dict[str, int], int_counts] = field(default_factory=dict, compare=False)


def _location_data(value: Any) -> dict[str, dict[str, Any]]:
    # A source entry that is not an object carries no fields; it is dropped.
    return {
        str(code): dict(entry)
        for code, entry in as_mapping(value).items()
        if isinstance(entry, Mapping)
    }


@dataclass(frozen=True)
class EnhanceResult(JsonModel):
    """``GET /enhance``: results for one location, keyed by datasource code."""

    json_what = "enhance"

    id: Text
    location_data: Annotated[dict[str, dict[str, Any]], _location_data] = field(
        default_factory=dict, compare=False
    )


@dataclass(frozen=True)
class DownloadedFile:
    """An output saved to disk: where, how many bytes, and their SHA-256 (hex)."""

    path: Path
    size: int
    sha256: str
