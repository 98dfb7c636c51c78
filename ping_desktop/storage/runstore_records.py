"""The plain records the run store hands out (safe to pass between threads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ping_desktop.domain import JobPhase, RunPhase


@dataclass(frozen=True)
class RunRecord:
    """One run as stored: the input, its mapping and sources, and its progress totals."""

    id: int
    created_at: dt.datetime
    file_name: str
    input_path: Path
    input_copy: Path | None
    sheet: str | None
    header_row: int | None
    columns: tuple[str, ...]
    mapping: dict[str, Any]
    sources: tuple[str, ...]
    api_origin: str
    phase: RunPhase
    rows: int
    unique_locations: int
    rows_with_problems: int
    jobs_total: int
    jobs_done: int
    locations_completed: int
    problems: int  # locations with results that lack a successful one for a chosen source
    is_demo: bool
    message: str | None
    finished_at: dt.datetime | None
    #: Per source, the output field names in the API's documented order (may be empty).
    source_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Per source, the fields its results actually carried, in first-seen order.
    observed_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The address repair kinds the user declined before Start ("zip_restored", ...): any
    #: re-plan of the stored input must leave them out too.
    declined_repairs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JobRecord:
    """One job of a run: the local view of one POST /bulk_enhance."""

    id: int
    run_id: int
    number: int
    server_job_id: str | None
    phase: JobPhase
    requested: int
    completed: int
    problems: int
    location_count: int
    submitted_at: dt.datetime | None
    finished_at: dt.datetime | None
    message: str | None
    payload_hash: str | None = None
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class SourceResult:
    """One source's answer for one location; ``data`` holds every other field it returned."""

    source: str
    is_success: bool
    confidence: float | None
    error_message: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class OutputRecord:
    """A downloaded output file of a job."""

    id: int
    job_id: int
    filename: str
    url: str
    local_path: Path
    size: int
    sha256: str
    parsed: bool


@dataclass(frozen=True)
class RowProblem:
    """An intake problem on one sheet row (``row_number`` as the user sees it; None: the file)."""

    row_number: int | None
    field: str | None
    message: str
    severity: str = "error"
    #: The check that found it ("zip_state_mismatch", "zip_restored", ... see
    #: ``intake.address_checks``); None for other problems and rows stored before kinds were kept.
    kind: str | None = None


@dataclass(frozen=True)
class PlannedJob:
    """Locations for a new job; ``sources`` per location overrides the run's (None = run's)."""

    location_ids: tuple[str, ...]
    sources: tuple[tuple[str, ...] | None, ...] | None = None
