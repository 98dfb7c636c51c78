"""Intake: read SOV spreadsheets, find the header, map columns to Ping location fields,
validate every row and plan the unique locations. No Qt here."""

from ping_desktop.intake.address_checks import FLAG_KINDS, REPAIR_KINDS
from ping_desktop.intake.inspect import Inspection, inspect_file, inspection_to_json
from ping_desktop.intake.mapping import guess_mapping
from ping_desktop.intake.model import (
    FIELD_LABELS,
    LOCATION_FIELDS,
    CellValue,
    ColumnGuess,
    ColumnMapping,
    IntakeError,
    Plan,
    PlannedLocation,
    Problem,
    SheetTable,
)
from ping_desktop.intake.plan import build_plan, location_payload
from ping_desktop.intake.reader import list_sheets, read_table
from ping_desktop.intake.templates import MappingTemplate, TemplateStore
from ping_desktop.intake.validate import refusal, validate

__all__ = [
    "FIELD_LABELS",
    "FLAG_KINDS",
    "LOCATION_FIELDS",
    "REPAIR_KINDS",
    "CellValue",
    "ColumnGuess",
    "ColumnMapping",
    "Inspection",
    "IntakeError",
    "MappingTemplate",
    "Plan",
    "PlannedLocation",
    "Problem",
    "SheetTable",
    "TemplateStore",
    "build_plan",
    "guess_mapping",
    "inspect_file",
    "inspection_to_json",
    "list_sheets",
    "location_payload",
    "read_table",
    "refusal",
    "validate",
]
