"""CSV export: UTF-8 with a BOM so Excel detects the encoding, same columns as the workbook.

Result text that could run as a formula gets a leading apostrophe (OWASP CSV-injection advice);
the user's own values, and the rows above their header, are written exactly as they were.
Problems go to a sibling ``<name>-problems.csv``, written only when there are problems; run info
is workbook-only.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from ping_desktop.export.cells import csv_safe, result_scalar, to_csv_text
from ping_desktop.export.files import atomic_target
from ping_desktop.export.model import EnrichedTable, ExportError, ExportStats, ProblemRow

ENCODING = "utf-8-sig"


def problems_path_for(dest: Path) -> Path:
    """Where :func:`write_csv` puts the problems of ``dest``."""
    return dest.with_name(f"{dest.stem}-problems.csv")


def write_csv(table: EnrichedTable, dest: Path) -> ExportStats:
    """Write ``table`` as CSV at ``dest`` (atomically); raises :class:`ExportError`."""
    started = time.perf_counter()
    dest = Path(dest)
    n_orig = len(table.columns)
    n_results = len(table.result_columns)
    blanks = [""] * (n_orig + n_results)
    rows = 0
    with atomic_target(dest) as tmp, tmp.open("w", encoding=ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        for above in table.header_row_values:
            # The user's titles above the header, padded like every other line (as Excel saves
            # CSV), so the header stays on its row and the file reads back the same way.
            line = [to_csv_text(v) for v in above]
            writer.writerow(line + blanks[len(line):])
        writer.writerow(
            [to_csv_text(h) for h in table.columns] + [c.header for c in table.result_columns]
        )
        for originals, results in table.rows:
            rows += 1
            if len(originals) > n_orig and any(v not in (None, "") for v in originals[n_orig:]):
                raise ExportError(
                    f"Data row {rows} has values beyond the last column; the export was stopped "
                    "so no value is lost. Please report this."
                )
            line = blanks.copy()
            for col in range(min(len(originals), n_orig)):
                value = originals[col]
                if value is not None:
                    line[col] = to_csv_text(value)
            for i in range(min(len(results), n_results)):
                value = results[i]
                if isinstance(value, str):
                    line[n_orig + i] = csv_safe(value)
                elif isinstance(value, int | float | Decimal):  # -71.06 is a number, not a formula
                    line[n_orig + i] = to_csv_text(value)
                elif value is not None:  # nested data becomes JSON text
                    line[n_orig + i] = csv_safe(to_csv_text(result_scalar(value)))
            writer.writerow(line)
    _write_problems(table.problems, problems_path_for(dest))
    return ExportStats(
        rows=rows, columns=n_orig + n_results, path=dest, seconds=time.perf_counter() - started
    )


def _write_problems(problems: Iterable[ProblemRow], dest: Path) -> Path | None:
    # Grouped like the xlsx Problems sheet: by check (intake.address_checks.kind_rank), then row.
    from ping_desktop.intake.address_checks import kind_label, kind_rank

    ordered = sorted(problems, key=lambda p: (kind_rank(p.kind), p.row))
    if not ordered:
        return None
    with atomic_target(dest) as tmp, tmp.open("w", encoding=ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Row", "Source", "Check", "Message"])
        for problem in ordered:
            source = csv_safe(problem.source or "")
            writer.writerow([problem.row, source, csv_safe(kind_label(problem.kind)),
                             csv_safe(problem.message)])
    return dest
