"""Edits of a row's address made in review (issue 14), and rows accepted as they are.

An edit is first *pending*: stored with what the user typed, the location payload it makes
(the same cleaning and address checks as intake) and the problems found, but not yet sent, so
editing works offline and survives a restart. Resubmitting turns the pending edits into one
new job (or several) of the same run, in ONE transaction: each row gets a new location, its
row problems become the edit's, and the earlier location (when no other row uses it) moves
with its results into ``superseded_results``. Nothing is deleted: the earlier payload, problems
and results are kept with the edit that replaced them, and every edit stays in ``row_edits``.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: What the user can edit, by the name the CLI and the window use -> Ping location field.
EDIT_FIELDS: dict[str, str] = {
    "street": "address_line_1",
    "unit": "address_line_2",
    "city": "city",
    "state": "state",
    "zip": "postal_code",
    "country": "country",
    "latitude": "latitude",
    "longitude": "longitude",
    "address": "address",  # a one-line address
}
#: Plain labels of :data:`EDIT_FIELDS` for messages and the window.
EDIT_LABELS: dict[str, str] = {
    "street": "Street", "unit": "Unit / suite", "city": "City", "state": "State",
    "zip": "ZIP", "country": "Country", "latitude": "Latitude", "longitude": "Longitude",
    "address": "Full address (one line)",
}

EditState = Literal["pending", "sent", "replaced"]


class EditError(Exception):
    """An edit, accept or resubmit that cannot be done; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowEdit:
    """What the user changed on one sheet row: edit field name (see :data:`EDIT_FIELDS`) ->
    new text. Fields not given keep the row's current value; ``""`` clears a field."""

    row_number: int
    fields: Mapping[str, str]


@dataclass(frozen=True)
class EditProblem:
    """One thing the checks found on an edited row (``severity`` "error" stops sending)."""

    field: str | None
    message: str
    severity: str = "error"
    kind: str | None = None


@dataclass(frozen=True)
class EditCheck:
    """An edit checked like any input row: the payload it would send (None when it cannot
    be sent), what the address looks like sent, and the problems found."""

    row_number: int
    fields: dict[str, str]  # the row's whole editable address after the edit
    payload: dict[str, Any] | None
    address_sent: str | None
    problems: tuple[EditProblem, ...] = ()

    @property
    def sendable(self) -> bool:
        """Whether the edited row can be sent (no error among its problems)."""
        return self.payload is not None and not any(p.severity == "error"
                                                    for p in self.problems)


@dataclass(frozen=True)
class ResubmitPlan:
    """What a resubmit of some rows would send: each row's check, and the lookups it uses
    (rows that can be sent x the run's sources; every edited row is its own location)."""

    run_id: int
    sources: tuple[str, ...]
    rows: tuple[EditCheck, ...]

    @property
    def sendable_rows(self) -> tuple[int, ...]:
        """Sheet rows that can be sent."""
        return tuple(c.row_number for c in self.rows if c.sendable)

    @property
    def blocked_rows(self) -> tuple[int, ...]:
        """Sheet rows whose edit has an error: fix them before resubmitting."""
        return tuple(c.row_number for c in self.rows if not c.sendable)

    @property
    def lookups(self) -> int:
        """Lookups (credits) a resubmit of the sendable rows uses."""
        return len(self.sendable_rows) * len(self.sources)


@dataclass(frozen=True)
class EditRecord:
    """One stored edit (the history of a row): who changed what, when, and what it replaced."""

    id: int
    run_id: int
    row_number: int
    fields: dict[str, str]
    payload: dict[str, Any] | None
    problems: tuple[EditProblem, ...]
    state: EditState
    author: str
    created_at: dt.datetime
    sent_at: dt.datetime | None = None
    location_id: str | None = None
    job_id: int | None = None  # the job that sent it
    previous_location_id: str | None = None
    previous_payload: dict[str, Any] | None = None
    previous_problems: tuple[EditProblem, ...] = field(default=())


def review_author() -> str:
    """Who is editing: the operating system's user name, or "unknown"."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no user name in the environment and no passwd entry
        return "unknown"
