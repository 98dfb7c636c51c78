"""Fixtures of the command-line tests: the intake's sample workbook is shared with tests/intake."""

from __future__ import annotations

from tests.intake.conftest import sov_xlsx

__all__ = ["sov_xlsx"]
