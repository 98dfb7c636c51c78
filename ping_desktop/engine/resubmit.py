"""Review actions on a stored run (issue 14): edit rows, accept rows as they are, and resubmit
edited rows as a new job of the SAME run.

Every store call goes through the engine's database thread (:meth:`Engine.db`). Editing and
accepting work offline; only :func:`resubmit` talks to the API, through :meth:`Engine.run`,
so the resubmitted job is stored before any request and a kill midway resumes like any run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ping_desktop.engine.runner import Engine
from ping_desktop.storage.review_queue import QueueRow
from ping_desktop.storage.row_edits import ResubmitPlan, RowEdit
from ping_desktop.storage.runstore import RunRecord


async def check_edits(engine: Engine, run_id: int, edits: Sequence[RowEdit]) -> ResubmitPlan:
    """Check edits like input rows without storing them (what the window shows while the user
    types): payload, problems and the lookups a resubmit would use. Raises ``EditError``."""
    raise NotImplementedError


async def record_edits(engine: Engine, run_id: int, edits: Sequence[RowEdit],
                       author: str | None = None) -> ResubmitPlan:
    """Check and store edits as pending (offline is fine); returns the plan of a resubmit of
    these rows. ``author`` defaults to the OS user. Raises ``EditError`` (unknown row or
    field), nothing is stored then."""
    raise NotImplementedError


async def resubmit_plan(engine: Engine, run_id: int, rows: Iterable[int] | None = None
                        ) -> ResubmitPlan:
    """The plan of a resubmit of ``rows`` (default: every row with a pending edit)."""
    raise NotImplementedError


async def resubmit(engine: Engine, run_id: int, rows: Iterable[int] | None = None
                   ) -> RunRecord:
    """Send the pending edits of ``rows`` (default: all) as a new job (or jobs) of the same
    run and carry the run to its end like :meth:`Engine.run`; returns the run after.
    Raises ``EditError`` (nothing to send, a row with an error, the run not finished) or
    ``RunBusyError`` (another process works on the run)."""
    raise NotImplementedError


async def accept_rows(engine: Engine, run_id: int, rows: Iterable[int],
                      author: str | None = None) -> int:
    """Mark rows reviewed as they are; returns how many were newly accepted."""
    raise NotImplementedError


async def review_queue(engine: Engine, run_id: int, threshold: int) -> list[QueueRow]:
    """The run's needs-review queue (see :func:`ping_desktop.storage.review_queue.review_queue`)."""
    raise NotImplementedError
