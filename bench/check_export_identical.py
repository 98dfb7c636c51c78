"""Check (not a test): a stored run exported by this code and by an older copy of the code hold
the same workbook content, cell by cell.

Exports run ``RUN`` of the store under ``--home`` twice with ``ping-desktop-cli export``: once
with this checkout, once with ``--old`` first on PYTHONPATH (a plain copy of an older commit,
e.g. ``git archive e2588df | tar -x -C /tmp/old``). Then compares the two .xlsx packages part
by part, and every sheet cell by cell (value and type, read with python-calamine), and prints
the differences (the Run sheet's "Exported" time always differs). Exit code 1 on any other
difference. Keep a run with ``bench/bench_e2e.py --keep DIR`` to get a 100,000-row store.

    .venv/bin/python bench/check_export_identical.py --home DIR/home --old /tmp/old [--run 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
#: Cells expected to differ between two exports of the same run: (sheet, label in column A).
EXPECTED = {("Run", "Exported")}


def export(code: Path, home: Path, run: int, dest: Path) -> tuple[float, float]:
    """Export with the code at ``code``; returns wall and CPU seconds of the process."""
    env = dict(os.environ, PYTHONPATH=str(code), PING_DESKTOP_HOME=str(home))
    before = os.times()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ping_desktop.cli", "export", str(run), "--output",
                    str(dest)], env=env, check=True, capture_output=True, cwd=tempfile.gettempdir())
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system)
    return time.perf_counter() - started, cpu


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def cells(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names}


def main() -> int:
    """Export twice and compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="PING_DESKTOP_HOME of the run")
    parser.add_argument("--old", type=Path, required=True, help="a copy of the older code")
    parser.add_argument("--run", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder for the two workbooks (kept)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="ping-identical-"))
    out.mkdir(parents=True, exist_ok=True)
    new, old = out / "new.xlsx", out / "old.xlsx"
    new_wall, new_cpu = export(ROOT, args.home, args.run, new)
    old_wall, old_cpu = export(args.old, args.home, args.run, old)
    print(f"export (wall / CPU s): this code {new_wall:.1f} / {new_cpu:.1f}, "
          f"old code {old_wall:.1f} / {old_cpu:.1f}")
    print(f"sizes: new {new.stat().st_size / 1e6:.1f} MB, old {old.stat().st_size / 1e6:.1f} MB")

    new_parts, old_parts = parts(new), parts(old)
    same = sorted(n for n in new_parts if old_parts.get(n) == new_parts[n])
    differ = sorted(set(new_parts) ^ set(old_parts) | {
        n for n in new_parts if n in old_parts and old_parts[n] != new_parts[n]})
    print(f"package parts byte-identical: {len(same)}; differing: {', '.join(differ) or 'none'}")

    new_cells, old_cells = cells(new), cells(old)
    problems = 0
    if list(new_cells) != list(old_cells):
        print(f"sheets differ: {list(new_cells)} vs {list(old_cells)}")
        problems += 1
    compared = 0
    for sheet, old_rows in old_cells.items():
        new_rows = new_cells.get(sheet, [])
        if len(new_rows) != len(old_rows):
            print(f"{sheet}: {len(new_rows)} rows vs {len(old_rows)}")
            problems += 1
        for r, (a, b) in enumerate(zip(new_rows, old_rows, strict=False), start=1):
            compared += max(len(a), len(b))
            if a == b and [type(x) for x in a] == [type(x) for x in b]:
                continue
            label = str(b[0]) if b else ""
            expected = (sheet, label) in EXPECTED
            for c, (x, y) in enumerate(zip(a, b, strict=False), start=1):
                if x != y or type(x) is not type(y):
                    print(f"{'expected ' if expected else ''}difference {sheet}!R{r}C{c}: "
                          f"{x!r} vs {y!r}")
            problems += 0 if expected else 1
    print(f"compared {compared:,} cells; {problems} unexpected difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
