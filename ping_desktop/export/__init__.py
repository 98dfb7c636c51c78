"""Writing enriched results: xlsx and CSV with the user's rows untouched, and raw JSON copies.

Pure and streaming: no Qt, no knowledge of the run store. Callers build an
:class:`EnrichedTable` whose rows iterate lazily in the original order.
"""

from ping_desktop.export.csv_writer import problems_path_for, write_csv
from ping_desktop.export.model import (
    CellValue,
    EnrichedTable,
    ExportError,
    ExportStats,
    ExtraSheet,
    ProblemRow,
    ResultColumn,
    result_columns_for,
)
from ping_desktop.export.raw import copy_raw_outputs
from ping_desktop.export.xlsx import sanitize_sheet_name, write_xlsx

__all__ = [
    "CellValue",
    "EnrichedTable",
    "ExportError",
    "ExportStats",
    "ExtraSheet",
    "ProblemRow",
    "ResultColumn",
    "copy_raw_outputs",
    "problems_path_for",
    "result_columns_for",
    "sanitize_sheet_name",
    "write_csv",
    "write_xlsx",
]
