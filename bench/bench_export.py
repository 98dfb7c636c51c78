"""Benchmark (not a test): write_xlsx (streamed rows) vs its per-cell path, a bare xlsxwriter
constant_memory write, and write_csv.

100,000 rows x 30 original columns + 30 result columns, generated in memory first. Each writer
runs twice (interleaved, to share the machine's noise) and the best time is reported, with the
ratio to the bare write and the process's peak RSS. ``write_xlsx per-cell`` is the path used
before issue 15 (xlsxwriter's API cell by cell), still the fallback.

    .venv/bin/python bench/bench_export.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from ping_desktop.export import EnrichedTable, ProblemRow, result_columns_for, write_csv, write_xlsx
from ping_desktop.export.xlsx import WORKBOOK_OPTIONS

N_ORIG = 30
STREETS = ["Main St", "Oak Ave", "Elm Rd", "Côte-des-Neiges", "Market St", "Broadway"]
CITIES = ["Springfield", "Zürich", "Montréal", "Austin", "Boston", "東京"]


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def make_data(n_rows: int) -> tuple[list[str], list[Any], list[tuple[list[Any], list[Any]]]]:
    """Address-like originals (text, ints, floats, dates, blanks) and API-like results."""
    rnd = random.Random(42)
    columns = [f"Col {i}" for i in range(N_ORIG)]
    fields = {
        "PG": ["latitude", "longitude", "precision", "match_level", "city", "state",
               "postal_code", "country", "address_line_1", "formatted_address", "county",
               "location_type", "place_id"],
        "PH": ["flood_zone", "distance_to_coast", "wildfire_score", "hail_score", "wind_score",
               "quake_zone", "elevation", "terrain", "fire_station_distance", "hazard_grade",
               "tornado_score", "surge_zone", "slope"],
    }
    result_cols = result_columns_for(["PG", "PH"], fields)
    base = dt.date(1950, 1, 1)
    rows: list[tuple[list[Any], list[Any]]] = []
    for r in range(n_rows):
        street = f"{rnd.randint(1, 9999)} {rnd.choice(STREETS)}"
        city = rnd.choice(CITIES)
        orig: list[Any] = [r + 1, street, city, f"{rnd.randint(0, 99999):05d}", "US"]
        for c in range(5, N_ORIG):
            kind = c % 5
            if kind == 0:
                orig.append(rnd.random() * 1e6)
            elif kind == 1:
                orig.append(rnd.randint(0, 500))
            elif kind == 2:
                orig.append(base + dt.timedelta(days=rnd.randint(0, 25_000)))
            elif kind == 3:
                orig.append(None if rnd.random() < 0.2 else f"note {r}-{c}")
            else:
                orig.append("=formula-looking text" if rnd.random() < 0.01 else city)
        lat, lon = rnd.uniform(25, 48), rnd.uniform(-124, -67)
        res: list[Any] = ["OK", rnd.randint(40, 100), lat, lon, "ROOFTOP", "street", city, "TX",
                          orig[3], "US", street, f"{street}, {city}, TX {orig[3]}, USA",
                          "Travis", "ROOFTOP", f"pid-{r}"]
        res += ["OK", rnd.randint(40, 100), rnd.choice(["X", "AE", "A"]), rnd.random() * 100,
                rnd.randint(1, 100), rnd.randint(1, 100), rnd.randint(1, 100), rnd.choice("ABC"),
                rnd.random() * 3000, "flat", rnd.random() * 20, rnd.choice(["-", "low", "high"]),
                rnd.randint(1, 100), None if rnd.random() < 0.5 else "VE", rnd.random()]
        rows.append((orig, res))
    assert len(rows[0][1]) == len(result_cols)
    return columns, result_cols, rows


def bare_write(path: Path, headers: Sequence[str], rows: list[tuple[list[Any], list[Any]]]) -> None:
    """The floor: the same cells through xlsxwriter's own ``write`` in constant_memory mode."""
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("SOV")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, headers)
    n = N_ORIG
    for r, (orig, res) in enumerate(rows, start=1):
        for c, v in enumerate(orig):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, v, date_fmt)
            elif v is not None:
                ws.write(r, c, v)
        for c, v in enumerate(res):
            if v is not None:
                ws.write(r, n + c, v)
    wb.close()


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs per writer (best is kept)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    columns, result_cols, rows = make_data(args.rows)
    gen_s = time.perf_counter() - t0
    rss_after_data = rss_mb()
    print(f"rows={args.rows:,} original cols={N_ORIG} result cols={len(result_cols)}")
    print(f"generate data: {gen_s:.1f} s, peak RSS after data {rss_after_data:.0f} MB")
    headers = columns + [c.header for c in result_cols]
    problems = [ProblemRow(i + 2, "PG", "No match") for i in range(0, args.rows, 50)]

    def table() -> EnrichedTable:
        return EnrichedTable("SOV", columns, result_cols, iter(rows), iter(problems),
                             [("File", "bench.xlsx"), ("Sources", "PG, PH")])

    writers: dict[str, Callable[[Path], object]] = {
        "bare xlsxwriter": lambda folder: bare_write(folder / "bare.xlsx", headers, rows),
        "write_xlsx": lambda folder: write_xlsx(table(), folder / "ours.xlsx"),
        "write_xlsx per-cell": lambda folder: write_xlsx(table(), folder / "per-cell.xlsx",
                                                         fast_rows=False),
        "write_csv": lambda folder: write_csv(table(), folder / "ours.csv"),
    }
    # Wall time and this process's CPU time: on a shared machine CPU time is the steadier figure.
    times: dict[str, list[float]] = {name: [] for name in writers}
    cpu: dict[str, list[float]] = {name: [] for name in writers}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for _ in range(args.repeat):
            for name, run in writers.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                run(folder)
                times[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
        sizes = {p.name: p.stat().st_size / 1e6 for p in folder.iterdir()}

    best = {k: min(v) for k, v in times.items()}
    best_cpu = {k: min(v) for k, v in cpu.items()}
    for name, runs in times.items():
        print(f"{name:20s} best {best[name]:6.2f} s wall, {best_cpu[name]:6.2f} s CPU   "
              f"runs {', '.join(f'{t:.2f}' for t in runs)}")
    print(f"ratio write_xlsx / bare = {best['write_xlsx'] / best['bare xlsxwriter']:.3f} wall, "
          f"{best_cpu['write_xlsx'] / best_cpu['bare xlsxwriter']:.3f} CPU")
    print("file sizes MB: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(sizes.items())))
    print(f"peak RSS {rss_mb():.0f} MB (writers added {rss_mb() - rss_after_data:.0f} MB "
          "beyond the generated data)")


if __name__ == "__main__":
    main()
