"""Benchmark (not a test): 100,000 rows through ``ping-desktop-cli enhance`` end to end.

A generated SOV (.xlsx, 100,000 rows, 20 % of them duplicates of earlier locations) is enhanced
with PG and PH against the emulator running in its own process with zero server delay. Prints
the CLI's wall and CPU time per phase (from ``--timings``), its peak memory, the number of
status requests, and an offline re-export (``ping-desktop-cli export``) of the run. Goals
(issue 15): the CLI's own CPU <= 25 s in total, ``merge_export`` <= 15 s wall, peak memory
<= 400 MB. ``--bare`` also times a bare xlsxwriter ``constant_memory`` write of the same
output cells (the per-cell library floor the export used to be bound by; slow).

    .venv/bin/python bench/bench_e2e.py [--rows 100000] [--locations-per-job 5000]
                                        [--concurrency 4] [--keep DIR] [--input SOV] [--bare]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import xlsxwriter
from python_calamine import CalamineWorkbook

TOKEN = "bench-token-0123456789"
HEADER = ["Loc #", "Building Name", "Street Address", "City", "State", "Zip", "Country",
          "Year Built", "Stories", "Construction", "Occupancy", "Building Value", "Contents",
          "BI Value", "Notes"]
STREETS = ["Main St", "Oak Ave", "Elm St", "Pine Rd", "Maple Dr", "Cedar Ln", "Lake Blvd",
           "Market St", "Broadway", "Park Ave"]
PLACES = [("Boston", "MA", "02134"), ("Miami", "FL", "33101"), ("Chicago", "IL", "60601"),
          ("Denver", "CO", "80202"), ("Newark", "NJ", "07102"), ("Austin", "TX", "78701"),
          ("Seattle", "WA", "98101"), ("Phoenix", "AZ", "85001")]
CLIENT_PHASES = ("intake", "plan_store", "submit", "download", "parse", "merge_export")


def generate_sov(path: Path, rows: int, duplicate_share: float = 0.2) -> int:
    """Write the input workbook; returns the number of unique locations."""
    rnd = random.Random(7)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("SOV")
    ws.write_row(0, 0, HEADER)
    uniques: list[list[Any]] = []
    n_unique = rows - int(rows * duplicate_share)
    for r in range(rows):
        if r < n_unique:
            city, state, zip_code = PLACES[r % len(PLACES)]
            fields = [f"Building {r + 1}", f"{1 + r % 9973} {STREETS[r % len(STREETS)]}", city,
                      state, zip_code, "US", 1900 + r % 120, 1 + r % 40, "Masonry", "Office",
                      1_000_000 + r * 10.5, 250_000.25, 50_000.0]
            uniques.append(fields)
        else:
            # A duplicate: every mapped value equals an earlier row's (one lookup, two rows).
            fields = uniques[rnd.randrange(n_unique)]
        values = [r + 1, *fields, f"note {r % 97}"]
        ws.write_row(r + 1, 0, values)
    wb.close()
    return n_unique


def start_emulator(env: dict[str, str], max_locations: int) -> tuple[subprocess.Popen[str], str]:
    """The emulator in its own process (zero delay); returns it and its API URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ping_desktop.cli", "emulator", "--port", "0", "--token", TOKEN,
         "--rate", "0", "--max-locations", str(max_locations)],
        env=env, stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"The emulator did not start: {line!r}")
    return proc, line.split("listening on ")[1].split()[0]


def bare_write(source: Path, dest: Path) -> tuple[float, float]:
    """Wall and CPU seconds to write every cell of every sheet of ``source`` with bare
    xlsxwriter constant_memory (the cells are read into memory first, outside the timing)."""
    book = CalamineWorkbook.from_path(str(source))
    sheets = [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]
    started, cpu = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(str(dest), {"constant_memory": True})
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "" and value is not None:
                    ws.write(r, c, value)
    wb.close()
    return time.perf_counter() - started, time.process_time() - cpu


class LoadSampler:
    """The 1-minute load average every few seconds while the CLI runs (the machine is shared;
    a load above the 2 cores means other work took CPU from the benchmark)."""

    def __init__(self, every: float = 5.0) -> None:
        self.samples: list[float] = []
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self._every):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        """min / mean / max of the samples."""
        if not self.samples:
            return "n/a"
        mean = sum(self.samples) / len(self.samples)
        return f"{min(self.samples):.1f} / {mean:.1f} / {max(self.samples):.1f}"


def reexport(env: dict[str, str], dest: Path) -> tuple[float, float]:
    """Wall and CPU seconds the offline ``export`` command spends merging and writing run 1."""
    done = subprocess.run(
        [sys.executable, "-m", "ping_desktop.cli", "export", "1", "--output", str(dest),
         "--timings"],
        env=env, capture_output=True, text=True, check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return float(figures["merge_export"]), float(figures["merge_export_cpu"])


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--locations-per-job", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    parser.add_argument("--input", type=Path,
                        help="use this SOV (e.g. one kept by an earlier --keep) instead of "
                             "generating one")
    parser.add_argument("--bare", action="store_true",
                        help="also time a bare xlsxwriter write of the output's cells")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="ping-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PING_DESKTOP_HOME=str(work / "home"), PING_DATA_AUTH_TOKEN=TOKEN)
    sov, out, bare = work / "sov.xlsx", work / "sov-enriched.xlsx", work / "bare.xlsx"
    if args.input is not None:
        sov = args.input
        print(f"Using {sov}", flush=True)
    else:
        started = time.perf_counter()
        unique = generate_sov(sov, args.rows)
        print(f"Generated {args.rows:,} rows ({unique:,} unique locations) in "
              f"{time.perf_counter() - started:.1f} s", flush=True)

    emulator, api_url = start_emulator(env, max(args.locations_per_job, 1000))
    try:
        started = time.perf_counter()
        load = LoadSampler()
        with load:
            cli = subprocess.run(
                [sys.executable, "-m", "ping_desktop.cli", "enhance", str(sov), "--sources",
                 "PG,PH", "--api-url", api_url, "--locations-per-job",
                 str(args.locations_per_job), "--concurrency", str(args.concurrency),
                 "--output", str(out), "--timings"],
                env=env, capture_output=True, text=True, check=False,
            )
        wall = time.perf_counter() - started
        # Only the CLI has been waited for so far: these are its figures, not the emulator's.
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kb, cli_cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    finally:
        emulator.terminate()
        emulator.wait(10)
    if cli.returncode != 0:
        print(cli.stderr[-3000:], file=sys.stderr)
        return 1
    timings: dict[str, Any] = json.loads(cli.stdout.strip().splitlines()[-1])
    peak_mb = peak_kb / 1024 if sys.platform != "darwin" else peak_kb / (1024 * 1024)
    # The machine is shared: alternate the runs and keep the best of each, so they see the
    # same background load. CPU seconds barely depend on what else the machine is doing.
    bare_runs: list[tuple[float, float]] = []
    export_runs: list[tuple[float, float]] = []
    for _ in range(2):
        if args.bare:
            bare_runs.append(bare_write(out, bare))
        export_runs.append(reexport(env, work / "again.xlsx"))
    export_wall, export_cpu = min(w for w, _ in export_runs), min(c for _, c in export_runs)

    client = sum(float(timings.get(p, 0.0)) for p in CLIENT_PHASES)
    print(f"\nCLI wall time: {wall:.1f} s, CPU time {cli_cpu:.1f} s (both include interpreter "
          f"start); 1-min load average during the CLI (min / mean / max): {load.summary()} "
          f"on {os.cpu_count()} cores")
    print(f"  {'phase':<13} {'wall s':>8} {'CPU s':>8}")
    for phase in (*CLIENT_PHASES, "waiting", "run"):
        cpu = timings.get(f"{phase}_cpu")
        print(f"  {phase:<13} {float(timings.get(phase, 0.0)):8.2f} "
              f"{'' if cpu is None else f'{float(cpu):8.2f}'}")
    print("  (submit and download run on the event loop: their CPU is in run's, which covers "
          "the whole process from the first submit to the last stored result)")
    print(f"  status requests: {timings['status_requests']}")
    print(f"Client phases (all but waiting): {client:.1f} s wall; the whole CLI used "
          f"{cli_cpu:.1f} s of CPU (goal <= 25 s) {'OK' if cli_cpu <= 25 else 'MISSED'}")
    print(f"  (phases of different jobs overlap, so their sum counts some seconds twice; the "
          f"CLI's wall time minus waiting is {wall - float(timings.get('waiting', 0.0)):.1f} s)")
    merge = float(timings["merge_export"])
    print(f"merge_export inside enhance: {merge:.1f} s wall (goal <= 15 s) "
          f"{'OK' if merge <= 15 else 'MISSED'}")
    print(f"Peak memory of the CLI: {peak_mb:.0f} MB  (goal <= 400 MB) "
          f"{'OK' if peak_mb <= 400 else 'MISSED'}")
    print("Offline re-export, merge + write (wall/CPU s): "
          + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in export_runs)
          + f"; best {export_wall:.1f}/{export_cpu:.1f}")
    if bare_runs:
        bare_wall, bare_cpu = min(w for w, _ in bare_runs), min(c for _, c in bare_runs)
        print("Bare xlsxwriter constant_memory write of the same cells (wall/CPU s): "
              + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in bare_runs))
        for label, ratio in (("wall", export_wall / bare_wall), ("CPU", export_cpu / bare_cpu)):
            print(f"Export / bare write, best {label}: {ratio:.2f}x")
    print(f"Output: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
