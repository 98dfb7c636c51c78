"""The *Address sent* and *Checks* columns: what each row was actually sent as (after the
accepted repairs) and what the address checks said about it, next to the user's own cells,
which stay exactly as they were.

Pure: callers pass what the run stored (each row's payload and its intake problems, by sheet
row) and get the two columns put in front of the result columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ping_desktop.export.model import CellValue, ResultColumn
from ping_desktop.intake.sent_text import sent_text

ADDRESS_SENT = ResultColumn("", "address_sent", "Address sent")
CHECKS = ResultColumn("", "checks", "Checks")
#: The address sent for a row whose address was corrected in review (issue 14), blank for the
#: others; only present when the run has such rows. The user's own cells never change.
CORRECTED = ResultColumn("", "corrected", "Corrected")
#: The address a location was sent with (the export's *Address sent* column).
address_sent = sent_text


def checks_by_row(problems: Iterable[tuple[int | None, str]]) -> dict[int, str]:
    """(sheet row, message) pairs -> one "; "-joined text per row (whole-file ones left out)."""
    out: dict[int, list[str]] = {}
    for row, message in problems:
        if row:
            out.setdefault(row, []).append(message)
    return {row: "; ".join(messages) for row, messages in out.items()}


def with_address_columns(
    result_columns: Sequence[ResultColumn],
    rows: Iterable[tuple[int, Sequence[CellValue], Sequence[Any]]],
    sent: Mapping[int, str | None],
    checks: Mapping[int, str],
) -> tuple[list[ResultColumn], Iterator[tuple[Sequence[CellValue], Sequence[Any]]]]:
    """The result columns with *Address sent* and *Checks* first, and the rows to match.

    ``rows`` are ``(sheet row, user's values, result cells)`` in sheet order; ``sent`` maps a
    sheet row to :func:`address_sent` of its location's payload; ``checks`` comes from
    :func:`checks_by_row`. Rows stream: nothing is held but the two mappings.
    """
    n = len(result_columns)

    def stream() -> Iterator[tuple[Sequence[CellValue], Sequence[Any]]]:
        blanks = (None,) * n
        for row, values, results in rows:
            yield values, [sent.get(row), checks.get(row), *(results or blanks)]

    return [ADDRESS_SENT, CHECKS, *result_columns], stream()
