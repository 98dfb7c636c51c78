"""Issue 11, finding 11 (files): saved exports get the permissions any new file gets (the
umask decides), so colleagues can open them from a shared folder."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ping_desktop.export import EnrichedTable, ExportStats, write_csv, write_xlsx
from tests.export.conftest import COLUMNS, ORIGINAL_ROWS, PROBLEMS, RESULTS, RUN_INFO
from tests.export.conftest import result_columns as export_columns

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _table() -> EnrichedTable:
    return EnrichedTable(
        sheet_name="SOV", columns=COLUMNS, result_columns=export_columns(),
        rows=(r for r in zip(ORIGINAL_ROWS, RESULTS, strict=True)),
        problems=(p for p in PROBLEMS), run_info=RUN_INFO,
    )


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_saved_file_mode_follows_the_umask(
    tmp_path: Path, umask: Callable[[int], int], mask: int,
    writer: Callable[[EnrichedTable, Path], ExportStats],
) -> None:
    umask(mask)
    dest = tmp_path / f"out{'.csv' if writer is write_csv else '.xlsx'}"
    writer(_table(), dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []
