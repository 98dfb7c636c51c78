"""The SQLite store of runs, jobs, outputs and results: what makes a run survive anything.

:class:`RunStore` is assembled from one part per concern, each over the same file and
connections (``runstore_db``, which also explains the durability choices): reads of runs and
jobs (``runstore_reads``), reads of rows and results (``runstore_rows``), writes of runs and
jobs (``runstore_writes``), writes of outputs and results (``runstore_results``) and who
works on a run (``runstore_leases``), row edits and reviews (``runstore_edits``). Other
packages import everything from here.
"""

from __future__ import annotations

from ping_desktop.storage.runstore_codec import CellValue
from ping_desktop.storage.runstore_db import DB_FILE, RunStoreError, default_store_path
from ping_desktop.storage.runstore_edits import RowEditStore
from ping_desktop.storage.runstore_leases import Lease, LeaseOwner, RunLeasedError, RunLeases
from ping_desktop.storage.runstore_reads import RunReads
from ping_desktop.storage.runstore_records import (
    JobRecord,
    OutputRecord,
    PlannedJob,
    RowProblem,
    RunRecord,
    SourceResult,
)
from ping_desktop.storage.runstore_results import ResultWrites
from ping_desktop.storage.runstore_rows import RawResult, RawRow, RowReads
from ping_desktop.storage.runstore_writes import RunWrites

__all__ = [
    "DB_FILE",
    "CellValue",
    "JobRecord",
    "Lease",
    "LeaseOwner",
    "OutputRecord",
    "PlannedJob",
    "RawResult",
    "RawRow",
    "RowProblem",
    "RunLeasedError",
    "RunRecord",
    "RunStore",
    "RunStoreError",
    "SourceResult",
    "default_store_path",
]


class RunStore(RunReads, RowReads, RunWrites, ResultWrites, RunLeases, RowEditStore):
    """Runs, jobs, outputs and results in one SQLite file; safe to use from several threads."""
