"""Plain data types shared by the intake steps (reading, mapping, validation, planning)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CellValue = str | int | float | bool | datetime.datetime | datetime.date | datetime.time | None

#: Ping location fields a column can feed, in the order the mapping UI shows them.
LOCATION_FIELDS: tuple[str, ...] = (
    "address",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "postal_code",
    "county",
    "country",
    "latitude",
    "longitude",
    "bldg_name",
    "const__bldg_year_built",
    "const__num_stories",
    "const__bldg_area",
    "const__desc_ping",
    "const__code_air",
    "const__code_rms",
    "occupancy__desc_ping",
    "occupancy__code_air",
    "occupancy__code_atc",
    "limits__building_limit",
    "limits__bpp_limit",
    "limits__bi_limit",
)

FIELD_LABELS: dict[str, str] = {
    "address": "Full address (one line)",
    "address_line_1": "Street address (line 1)",
    "address_line_2": "Street address (line 2, suite/unit)",
    "city": "City",
    "state": "State / province",
    "postal_code": "ZIP / postal code",
    "county": "County",
    "country": "Country",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "bldg_name": "Building / location name",
    "const__bldg_year_built": "Year built",
    "const__num_stories": "Number of stories",
    "const__bldg_area": "Floor area (sq ft)",
    "const__desc_ping": "Construction (description)",
    "const__code_air": "Construction code (AIR)",
    "const__code_rms": "Construction code (RMS)",
    "occupancy__desc_ping": "Occupancy (description)",
    "occupancy__code_air": "Occupancy code (AIR)",
    "occupancy__code_atc": "Occupancy code (ATC)",
    "limits__building_limit": "Building value / limit",
    "limits__bpp_limit": "Contents (BPP) value / limit",
    "limits__bi_limit": "Business interruption (BI) value / limit",
}

#: Fields sent as numbers; the rest are sent as text.
INT_FIELDS = frozenset({"const__bldg_year_built", "const__num_stories", "const__bldg_area"})
FLOAT_FIELDS = frozenset(
    {"latitude", "longitude", "limits__building_limit", "limits__bpp_limit", "limits__bi_limit"}
)


class IntakeError(Exception):
    """A file that cannot be read; ``message`` is plain language and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetTable:
    """One sheet's data as the user sees it, below its detected header row.

    ``rows`` are exactly ``len(columns)`` long with empty cells as ``None``; fully blank rows are
    left out, and ``row_numbers[i]`` is the 1-based sheet row of ``rows[i]`` (the stable row key).

    ``preamble`` holds the sheet rows above the header (titles, "Prepared by", blank lines), one
    entry per row from row 1 to ``header_row - 1``, trailing empty cells dropped (a blank row is
    ``()``), so an export can put the header back on the same row number. It is empty when the
    header is on row 1, or when the header is so far down that the rows above it are not kept
    (see ``notes``).
    """

    path: Path
    sheet: str
    sheets: tuple[str, ...]
    header_row: int
    columns: tuple[str, ...]
    rows: list[tuple[CellValue, ...]]
    row_numbers: list[int]
    notes: tuple[str, ...] = ()
    preamble: tuple[tuple[CellValue, ...], ...] = ()

    def column_index(self, column: str) -> int:
        """Position of a column header; raises ValueError when absent."""
        return self.columns.index(column)


@dataclass(frozen=True)
class ColumnGuess:
    """Why a column was guessed for a field, with a confidence in 0..1."""

    field: str
    column: str
    confidence: float
    reason: str


@dataclass
class ColumnMapping:
    """Ping location field -> column header. One column never feeds two fields."""

    fields: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)

    def column_for(self, field_name: str) -> str | None:
        """The column mapped to a field, or None."""
        return self.fields.get(field_name)

    def with_field(self, field_name: str, column: str | None) -> ColumnMapping:
        """A copy with ``field_name`` mapped to ``column`` (None unmaps it).

        A user choice has full confidence; the column is taken away from any other field.
        """
        if field_name not in LOCATION_FIELDS:
            raise ValueError(f"unknown location field: {field_name}")
        fields = {f: c for f, c in self.fields.items() if f != field_name and c != column}
        confidence = {f: v for f, v in self.confidence.items() if f in fields}
        if column is not None:
            fields[field_name] = column
            confidence[field_name] = 1.0
        return ColumnMapping(fields=fields, confidence=confidence)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"fields": dict(self.fields), "confidence": dict(self.confidence)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnMapping:
        """Inverse of ``to_dict``; unknown fields and doubly used columns are dropped."""
        raw_fields = data.get("fields", {})
        raw_conf = data.get("confidence", {})
        mapping = cls()
        if not isinstance(raw_fields, dict):
            return mapping
        for name, column in raw_fields.items():
            if name in LOCATION_FIELDS and isinstance(column, str):
                mapping = mapping.with_field(name, column)
        if isinstance(raw_conf, dict):
            for name in mapping.fields:
                value = raw_conf.get(name)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    mapping.confidence[name] = max(0.0, min(1.0, float(value)))
        return mapping

    def low_confidence(self, threshold: float = 0.6) -> list[str]:
        """Mapped fields whose confidence is below ``threshold``, in LOCATION_FIELDS order."""
        return [
            f
            for f in LOCATION_FIELDS
            if f in self.fields and self.confidence.get(f, 1.0) < threshold
        ]


@dataclass(frozen=True)
class Problem:
    """A problem with one sheet row (``row`` = sheet row number; 0 for the whole file)."""

    row: int
    field: str | None
    message: str
    severity: Literal["error", "warning"] = "error"
    #: What kind of check found it ("zip_restored", "po_box", ... see intake.address_checks),
    #: or None for the other problems; repairs are grouped and accepted by kind.
    kind: str | None = None


@dataclass(frozen=True)
class PlannedLocation:
    """One lookup sent to Ping: cleaned location fields and every sheet row it stands for."""

    location_id: str
    payload: dict[str, Any]
    row_numbers: tuple[int, ...]


@dataclass(frozen=True)
class PlanCounts:
    """A plan's numbers: the cost line and the start check need these and nothing more, so the
    window receives them (as :class:`~ping_desktop.worker.contract.PlanSummary`) instead of the
    plan's 100,000 locations."""

    sources: tuple[str, ...]
    rows: int
    unique_locations: int
    rows_with_problems: int
    sendable_rows: int

    @property
    def cost(self) -> int:
        """Lookups charged: unique locations x sources."""
        return self.unique_locations * len(self.sources)


@dataclass
class Plan:
    """What a run will send: unique locations, the row fan-out, problems and the cost line."""

    locations: list[PlannedLocation]
    row_location: dict[int, str]
    problems: list[Problem]
    sources: tuple[str, ...]
    rows: int
    unique_locations: int
    rows_with_problems: int

    @property
    def cost(self) -> int:
        """Lookups charged: unique locations x sources."""
        return self.counts().cost

    @property
    def sendable_rows(self) -> int:
        """Rows that have no error and will get a result."""
        return len(self.row_location)

    def counts(self) -> PlanCounts:
        """The plan's numbers without its locations."""
        return PlanCounts(tuple(self.sources), self.rows, self.unique_locations,
                          self.rows_with_problems, self.sendable_rows)
