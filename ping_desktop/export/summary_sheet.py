"""The *Summary* sheet of an xlsx export: the same counts and tables as the review's Summary tab
(rows per outcome and match rate per source, confidence bands per geocoder, the classes of each
source's categorical fields), with total insured value per class when the sheet has values.

Built from :func:`ping_desktop.storage.run_summary.summarize`, so the workbook and the window
never disagree; "low confidence" uses the threshold from Settings, as the window does.
"""

from __future__ import annotations

from pathlib import Path

from ping_desktop.export.model import CellValue, ExtraSheet
from ping_desktop.storage.run_summary import Chart, RunSummary, summarize
from ping_desktop.storage.runstore_records import RunRecord
from ping_desktop.storage.settings import SettingsStore

SHEET_NAME = "Summary"
_WIDTHS = (36, 12, 12, 22)


def settings_threshold() -> int:
    """The low-confidence threshold chosen in Settings (the Summary tab's)."""
    return SettingsStore().load().low_confidence_threshold


def _share(rows: int, total: int) -> float:
    # A percentage with one decimal as a plain number: sortable, and no number format needed.
    return round(100.0 * rows / total, 1) if total else 0.0


def _table(chart: Chart, heading: str, summary: RunSummary) -> list[list[CellValue]]:
    header: list[CellValue] = [heading, "Rows", "% of rows"]
    if summary.has_tiv:
        header.append("Total insured value")
    lines: list[list[CellValue]] = [[chart.title], header]
    for bar in chart.bars:
        line: list[CellValue] = [bar.label, bar.rows, _share(bar.rows, summary.rows)]
        if summary.has_tiv:
            line.append(round(bar.tiv or 0.0, 2))
        lines.append(line)
    return lines


def summary_rows(summary: RunSummary, run: RunRecord, threshold: int) -> ExtraSheet:
    """``summary`` laid out as a sheet: a few heading lines, then one small table per chart
    (title and column headers in bold), a blank line between tables."""
    rows: list[list[CellValue]] = [
        [f"Summary of run {run.id}: {run.file_name}"],
        ["Rows", summary.rows],
        [f"Low confidence means a confidence below {threshold} (Settings)."],
    ]
    bold = {0}
    if summary.has_tiv:
        rows.append(["Total insured value: building + contents + BI values of the rows."])
    groups = [(c, "Outcome") for c in summary.outcomes]
    groups += [(c, "Confidence") for c in summary.geocoding]
    groups += [(c, c.title.split(": ", 1)[-1].capitalize()) for c in summary.fields]
    for chart, heading in groups:
        rows.append([])
        bold.update((len(rows), len(rows) + 1))
        rows.extend(_table(chart, heading, summary))
        rate = summary.match_rates.get(chart.source)
        if heading == "Outcome" and rate is not None:
            rows.append(["Match rate (% of rows located)", None, round(100.0 * rate, 1)])
    return ExtraSheet(SHEET_NAME, rows, frozenset(bold), _WIDTHS)


def summary_sheet(store_path: Path, run: RunRecord, threshold: int | None = None) -> ExtraSheet:
    """The Summary sheet of ``run`` (stored in the run store at ``store_path``); ``threshold``
    None reads the one chosen in Settings."""
    if threshold is None:
        threshold = settings_threshold()
    return summary_rows(summarize(store_path, run, threshold), run, threshold)
