"""A small stored run and output files for the ingest tests (plain helpers, not fixtures)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ping_desktop.engine.ingest import IngestRequest
from ping_desktop.storage.runstore import PlannedJob, RunStore

LOCATIONS = ("L1", "L2", "L3", "L4")


def store_run(store: RunStore, overrides: dict[str, tuple[str, ...]] | None = None
              ) -> tuple[int, int]:
    """A run of one job over :data:`LOCATIONS` asking for PG and PH (``overrides`` gives other
    sources to some locations); returns (run id, job id)."""
    overrides = overrides or {}
    run_id = store.create_run(
        folder=store.new_run_folder(), file_name="x.csv", input_path=Path("x.csv"),
        input_copy=None, sheet=None, header_row=1, columns=["A"], mapping={},
        sources=["PG", "PH"], api_origin="https://api.example.test",
        rows=[(i + 2, (loc,)) for i, loc in enumerate(LOCATIONS)],
        row_locations=[(i + 2, loc) for i, loc in enumerate(LOCATIONS)],
        locations=[(loc, {"address": loc}, i + 2) for i, loc in enumerate(LOCATIONS)],
        jobs=[PlannedJob(LOCATIONS, tuple(overrides.get(loc) for loc in LOCATIONS))],
    )
    [job] = store.jobs(run_id)
    return run_id, job.id


def document() -> dict[str, Any]:
    """An output: L1 fine, L2 with PH failed, L3 missing PH, L4 absent, plus a stranger."""
    ok = {"is_success": True, "confidence": 90, "latitude": 1.5}
    return {
        "L1": {"PG": dict(ok), "PH": {"is_success": True, "flood_zone": "X"}},
        "L2": {"PG": dict(ok), "PH": {"is_success": False, "error_message": "no match"}},
        "L3": {"PG": dict(ok)},
        "STRANGER": {"PG": dict(ok)},
    }


def write_output(path: Path, data: Any = None, raw: bytes | None = None) -> tuple[int, str]:
    """Write an output file (``raw`` bytes, else ``data`` or :func:`document` as JSON);
    returns (size, sha256)."""
    body = raw if raw is not None else json.dumps(document() if data is None else data).encode()
    path.write_bytes(body)
    return len(body), hashlib.sha256(body).hexdigest()


def request_for(store: RunStore, run_id: int, job_id: int, path: Path,
                output_id: int | None = None) -> IngestRequest:
    """A request for the output at ``path`` (written already)."""
    body = path.read_bytes()
    return IngestRequest(store.path, run_id, job_id, "out.json",
                         "https://api.example.test/out.json", path, len(body),
                         hashlib.sha256(body).hexdigest(), ("PG", "PH"), output_id)
