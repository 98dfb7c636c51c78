"""Benchmark (not a test): naming 10k/20k/40k repeats of one header, and reading such files.

Finding 3 of issue 17: numbering repeated names ("Limit", "Limit (2)", ...) used to count up
from 2 for every repeat, so 40,000 repeats took minutes. Naming is linear now: doubling the
repeats should roughly double the time. Files wider than the column limit (16,384, Excel's)
are refused before any naming, so for 20k/40k the "read" column is the time to say no.

    .venv/bin/python bench/bench_headers.py [--repeats 10000 20000 40000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ping_desktop.intake import IntakeError, read_table
from ping_desktop.intake.header import column_names


def _csv(folder: Path, repeats: int) -> Path:
    path = folder / f"repeats_{repeats}.csv"
    header = ["Address", "City", "State", "ZIP"] + ["Limit"] * repeats
    row = ["1 Main St", "Boston", "MA", "02134"] + ["1000"] * repeats
    path.write_text("\n".join(",".join(r) for r in (header, row, row)) + "\n")
    return path


def main() -> int:
    """Print naming and whole-read times for each repeat count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    args = parser.parse_args()
    print(f"{'repeats':>8}  {'naming':>9}  {'per name':>9}  {'read_table':>11}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for repeats in args.repeats:
            header = ["Limit"] * repeats
            t = time.perf_counter()
            names = column_names(header, repeats, 0)
            naming = time.perf_counter() - t
            assert names[-1] == f"Limit ({repeats})"
            path = _csv(Path(tmp), repeats)
            t = time.perf_counter()
            try:
                table = read_table(path)
                outcome = f"read, {len(table.columns):,} columns"
            except IntakeError as exc:
                outcome = f"refused: {exc.message[:70]}..."
            read = time.perf_counter() - t
            print(f"{repeats:>8,}  {naming:7.3f} s  {naming / repeats * 1e6:6.2f} us  "
                  f"{read:9.3f} s  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
