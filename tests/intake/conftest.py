"""Fixtures for the intake tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.intake.sheets import SOV_HEADER, SOV_ROWS, write_xlsx

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def sov_xlsx(tmp_path: Path) -> Path:
    """A typical broker SOV: title and note rows, a blank row, then the header on row 4."""
    rows = [["ACME Corp - Statement of Values"], ["Values as of 1/1/2026"], [], SOV_HEADER,
            *SOV_ROWS]
    return write_xlsx(tmp_path / "sov.xlsx", {"Locations": rows})
