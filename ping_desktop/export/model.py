"""What the writers consume: the user's rows with result values aligned to result columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ping_desktop.api.models import RESULT_BASE_KEYS

CellValue = (
    str | int | float | bool | Decimal | dt.datetime | dt.date | dt.time | dt.timedelta | None
)

# Per-source keys every API result carries; they describe the fetch, not the location.
BASE_ATTRS = RESULT_BASE_KEYS
STATUS_FIELD = "status"
CONFIDENCE_FIELD = "confidence"


@dataclass(frozen=True)
class ResultColumn:
    """An added column: one source field, e.g. ("PG", "latitude", "PG latitude")."""

    source: str
    field: str
    header: str


@dataclass(frozen=True)
class ProblemRow:
    """A line of the Problems sheet; ``row`` is the row number as the user sees it."""

    row: int
    source: str | None
    message: str
    #: What kind of problem ("zip_state_mismatch", "not_found", ...) so the sheet can group them;
    #: None for problems stored before kinds were kept.
    kind: str | None = None


@dataclass(frozen=True)
class ExtraSheet:
    """A small sheet of plain values written after the Problems sheet (e.g. the run Summary).

    ``bold_rows`` are indexes into ``rows`` written in bold (titles, table headers);
    ``widths`` are column widths in characters, first column first.
    """

    name: str
    rows: Sequence[Sequence[CellValue]]
    bold_rows: frozenset[int] = frozenset()
    widths: Sequence[int] = ()


@dataclass
class EnrichedTable:
    """One sheet to export. ``rows`` is consumed once, lazily, in the original row order.

    ``header_row_values`` are the sheet rows above the header (titles, blank lines), written
    first so the header lands on the same row as in the user's file.
    """

    sheet_name: str
    columns: Sequence[str]
    result_columns: Sequence[ResultColumn]
    rows: Iterable[tuple[Sequence[CellValue], Sequence[Any]]]
    problems: Iterable[ProblemRow] = ()
    run_info: Sequence[tuple[str, str]] = ()
    header_row_values: Sequence[Sequence[CellValue]] = field(default_factory=tuple)
    #: Sheets written after Problems and before Run, in order (the Summary sheet). Their
    #: names are taken before the rows are written, their contents after.
    extra_sheets: Sequence[ExtraSheet] = ()
    #: Called by the xlsx writer once every row is consumed, before the other sheets are
    #: written: a table whose rows stream in while its run works (export/during_run.py) fills
    #: in its problems, run info and extra sheets' contents then, when the run has ended.
    after_rows: Callable[[], None] | None = None


@dataclass(frozen=True)
class ExportStats:
    """What a writer produced: data rows (header excluded), total columns, file and time taken."""

    rows: int
    columns: int
    path: Path
    seconds: float


class ExportError(Exception):
    """An export that could not be completed; ``message`` tells the user what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _header(source: str, field_name: str) -> str:
    return f"{source} {field_name.replace('_', ' ')}"


def result_columns_for(
    sources: Sequence[str], fields_by_source: Mapping[str, Sequence[str]]
) -> list[ResultColumn]:
    """The added columns in a fixed order: per source, status, confidence, then its fields.

    Fields keep the order given (the datasource's ``output_fields`` order); fetch metadata such as
    ``fetch_time`` or ``worker_name`` is left out.
    """
    columns: list[ResultColumn] = []
    for source in sources:
        columns.append(ResultColumn(source, STATUS_FIELD, _header(source, STATUS_FIELD)))
        columns.append(ResultColumn(source, CONFIDENCE_FIELD, _header(source, CONFIDENCE_FIELD)))
        seen: set[str] = set()
        for name in fields_by_source.get(source, ()):
            if name in BASE_ATTRS or name in seen:
                continue
            seen.add(name)
            columns.append(ResultColumn(source, name, _header(source, name)))
    return columns
