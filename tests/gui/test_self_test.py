"""The --self-test flow, run in-process through a real window (and its workbook check)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ping_desktop.gui.self_test import (
    SelfTestError,
    SelfTestReport,
    demo_flow,
    verify_workbook,
)
from tests.gui.helpers import SAMPLE


def test_demo_flow_exports_a_verified_workbook(make_window: Any, run_coro: Any,
                                               tmp_path: Path) -> None:
    window = make_window()
    report = SelfTestReport()
    dest = run_coro(demo_flow(window, tmp_path, report, 60), timeout=60_000)
    assert dest.exists()
    text = "\n".join(report.lines)
    assert "58 unique locations" in text
    assert "60 rows kept" in text
    runs = window.services.run_store.list_runs()
    assert runs[0].is_demo


def test_verify_workbook_catches_a_lost_row(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["SOV"]
    ws.cell(row=4, column=17, value="PG latitude")
    ws.cell(row=4, column=18, value="PH flood zone")
    ws.delete_rows(10)
    wb.save(broken)
    with pytest.raises(SelfTestError, match="59 data rows"):
        verify_workbook(SAMPLE, broken, ["PG", "PH"])


def test_verify_workbook_needs_result_columns(tmp_path: Path) -> None:
    with pytest.raises(SelfTestError, match="no result columns for PG"):
        verify_workbook(SAMPLE, SAMPLE, ["PG"])
