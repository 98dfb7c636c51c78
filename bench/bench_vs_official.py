"""Benchmark (not a test): Ping Desktop's CLI against the vendor's official client, same emulator.

The same addresses (20,000 by default, one line each, distinct) are enhanced with PG and PH by

- the official client, ``pingdataapi bulk-enhance -f addresses.txt`` from the ``pingintel-api``
  package (installed from the package index into a separate virtualenv,
  ``bench/out/.venv-official``, created by this script when missing). It sends every address
  in ONE bulk request, polls every 5 s and downloads the output (reference §5.3-5.4);
- ``ping-desktop-cli enhance addresses.xlsx`` (one "Address" column holding the same lines),
  with the app's default job size and concurrency, writing the enriched .xlsx.

Both talk to the emulator in its own process, processing each job at ``--rate`` locations/s
(500 by default) and accepting requests of up to all the addresses (so the official client's
single request is accepted). The official client gets the token from PING_DATA_AUTH_TOKEN
(its documented lookup when ``--api-url`` is given without an environment). Prints both wall
times, Ping Desktop's CPU time and the ratio (issue 15's goal: <= 0.45).

    .venv/bin/python bench/bench_vs_official.py [--addresses 20000] [--rate 500] [--keep DIR]
        [--timeline] [--official-seconds S]

``--timeline`` prints when each step of Ping Desktop's run happened, counted from the moment
the bench started its process (its ``--timings`` events: read, plan, store, each job's submit,
finish seen, download and store, the export). ``--official-seconds S`` takes the official
client's wall time as given instead of running it (45 s on a quiet machine), for quicker
iterations on Ping Desktop's side; the ratio it prints then says so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from ping_desktop.engine.planning import job_sizes

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL_VENV = ROOT / "bench" / "out" / ".venv-official"
OFFICIAL_PACKAGE = "pingintel-api==1.4.13"  # the version the API reference was written from
TOKEN = "bench-token-0123456789"
STREETS = ["Main St", "Oak Ave", "Elm St", "Pine Rd", "Maple Dr", "Cedar Ln", "Lake Blvd",
           "Market St", "Broadway", "Park Ave"]
PLACES = [("Boston", "MA", "02134"), ("Miami", "FL", "33101"), ("Chicago", "IL", "60601"),
          ("Denver", "CO", "80202"), ("Newark", "NJ", "07102"), ("Austin", "TX", "78701"),
          ("Seattle", "WA", "98101"), ("Phoenix", "AZ", "85001")]


def official_client() -> Path:
    """The official CLI, installed into its own virtualenv on first use."""
    script = OFFICIAL_VENV / ("Scripts/pingdataapi.exe" if os.name == "nt" else "bin/pingdataapi")
    if not script.exists():
        print(f"Installing {OFFICIAL_PACKAGE} into {OFFICIAL_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(OFFICIAL_VENV)], check=True)
        python = OFFICIAL_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        subprocess.run([str(python), "-m", "pip", "install", "-q", OFFICIAL_PACKAGE], check=True)
    return script


def addresses(count: int) -> list[str]:
    """Distinct one-line US addresses."""
    out = []
    for i in range(count):
        city, state, zip_code = PLACES[i % len(PLACES)]
        number = 1 + i // len(PLACES)
        out.append(f"{number} {STREETS[(i // 7) % len(STREETS)]}, {city}, {state} {zip_code}")
    return out


def write_inputs(lines: list[str], folder: Path) -> tuple[Path, Path]:
    """addresses.txt for the official client, addresses.xlsx (one Address column) for ours."""
    text = folder / "addresses.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sheet = folder / "addresses.xlsx"
    wb = xlsxwriter.Workbook(str(sheet), {"constant_memory": True})
    ws = wb.add_worksheet("SOV")
    ws.write_string(0, 0, "Address")
    for row, line in enumerate(lines, start=1):
        ws.write_string(row, 0, line)
    wb.close()
    return text, sheet


def start_emulator(env: dict[str, str], rate: float, max_locations: int
                   ) -> tuple[subprocess.Popen[str], str]:
    """The emulator in its own process; returns it and its API URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ping_desktop.cli", "emulator", "--port", "0", "--token", TOKEN,
         "--rate", str(rate), "--max-locations", str(max_locations)],
        env=env, stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"The emulator did not start: {line!r}")
    return proc, line.split("listening on ")[1].split()[0]


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the process and its children) and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    LAUNCHED[0] = started
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"{Path(cmd[0]).name} failed with exit code {done.returncode}")
    return wall, cpu, done.stdout


LAUNCHED = [0.0]  # perf_counter when the last timed process was started


def print_timeline(output: str, wall: float) -> None:
    """Ping Desktop's ``--timings`` events, in seconds from its launch: the run's own steps on
    one line each, then one line per job (submitted, finish seen, downloaded, stored)."""
    lines = output.strip().splitlines()
    events = json.loads(lines[-2])["timeline"]
    jobs: dict[str, dict[str, float]] = {}
    print("    timeline (s from launch):")
    for moment, name in events:
        at = moment - LAUNCHED[0]
        parts = name.split(" ", 2)
        if parts[0] == "job" and len(parts) == 3:
            jobs.setdefault(parts[1], {})[parts[2]] = at
        else:
            print(f"      {at:6.2f}  {name}")
    print(f"      {wall:6.2f}  process exit")
    steps = ("submitted", "seen finished", "downloaded", "stored")
    print("      job   " + "".join(f"{s:>15}" for s in steps))
    for job, seen in sorted(jobs.items(), key=lambda kv: min(kv[1].values())):
        print(f"      {job:>4}  " + "".join(
            f"{seen[s]:15.2f}" if s in seen else f"{'-':>15}" for s in steps))


def main() -> int:
    """Run both clients and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=500.0,
                        help="emulator locations per second per job")
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    parser.add_argument("--timeline", action="store_true",
                        help="print when each step of Ping Desktop's run happened")
    parser.add_argument("--official-seconds", type=float, metavar="S",
                        help="take the official client's wall time as S instead of running it")
    args = parser.parse_args()

    official = official_client() if args.official_seconds is None else None
    work = args.keep or Path(tempfile.mkdtemp(prefix="ping-vs-official-"))
    work.mkdir(parents=True, exist_ok=True)
    text, sheet = write_inputs(addresses(args.addresses), work)
    env = dict(os.environ, PING_DESKTOP_HOME=str(work / "home"), PING_DATA_AUTH_TOKEN=TOKEN)
    # The official client writes its outputs into the current folder and asks before
    # overwriting one: a fresh folder per run.
    official_dir = work / "official"
    shutil.rmtree(official_dir, ignore_errors=True)
    official_dir.mkdir()

    emulator, api_url = start_emulator(env, args.rate, max(args.addresses, 1000))
    try:
        # The official client first (its single job), then ours: the emulator is idle for both.
        # The official client appends /api/v1/... to the origin it is given.
        origin = api_url.removesuffix("/").removesuffix("/api/v1")
        if official is None:
            off_wall, off_cpu, off_out = args.official_seconds, 0.0, "'success': True"
        else:
            off_wall, off_cpu, off_out = timed(
                [str(official), "--api-url", origin, "bulk-enhance", "-f", str(text),
                 "-s", "PG", "-s", "PH"], env, official_dir)
        ours_wall, ours_cpu, ours_out = timed(
            [sys.executable, "-m", "ping_desktop.cli", "enhance", str(sheet), "--sources",
             "PG,PH", "--api-url", api_url, "--output", str(work / "addresses-enriched.xlsx"),
             "--timings"],
            env, work)
    finally:
        emulator.terminate()
        emulator.wait(10)
    if "'success': True" not in off_out:
        print(off_out[-2000:], file=sys.stderr)
        raise SystemExit("The official client did not report success.")
    downloaded = sorted(p.name for p in official_dir.iterdir())
    print(f"{args.addresses:,} addresses, PG + PH, emulator at {args.rate:g} locations/s per job "
          f"(shared machine: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    if official is None:
        print(f"  official client: NOT RUN, its wall time taken as {off_wall:.1f} s "
              "(--official-seconds)")
    else:
        print(f"  official client (pingintel-api, one request, 5 s polls): {off_wall:6.1f} s "
              f"wall, {off_cpu:5.1f} s CPU; downloaded {', '.join(downloaded) or 'nothing'}")
    print(f"  Ping Desktop CLI (default job size and concurrency, .xlsx in and out): "
          f"{ours_wall:6.1f} s wall, {ours_cpu:5.1f} s CPU")
    timings = json.loads(ours_out.strip().splitlines()[-1])
    own = ("intake", "plan_store", "parse", "merge_export")
    print("    of which waiting for the server (polls included) "
          f"{float(timings['waiting']):.1f} s; " + ", ".join(
              f"{phase} {float(timings.get(phase, 0.0)):.1f}" for phase in own)
          + f" s; {timings['status_requests']} status requests")
    if args.timeline:
        print_timeline(ours_out, ours_wall)
    if args.keep is not None:
        (work / "ping-desktop-stdout.txt").write_text(ours_out, encoding="utf-8")
    # The emulator keeps each job queued 0.5 s (EmulatorConfig.queue_seconds) before it
    # processes it; with at most 1,000 locations a job, 3 at a time, they go in waves.
    jobs = -(-args.addresses // 1000)
    waves = -(-jobs // 3)
    floor = waves * (0.5 + 1000 / args.rate)
    print(f"    (server floor with full 1,000-location jobs, 3 at a time: {waves} waves "
          f"x (0.5 s queued + {1000 / args.rate:.1f} s processing) = {floor:.1f} s, "
          f"{floor / off_wall:.2f}x the official client)")
    sizes = job_sizes(args.addresses, 1000, 3)  # what Ping Desktop plans (even jobs)
    even = sum(0.5 + max(sizes[i:i + 3]) / args.rate for i in range(0, len(sizes), 3))
    print(f"    (with the even jobs Ping Desktop plans, {len(sizes)} of {min(sizes)}-"
          f"{max(sizes)}: {-(-len(sizes) // 3)} waves, {even:.1f} s, "
          f"{even / off_wall:.2f}x)")
    ratio = ours_wall / off_wall
    print(f"  Ping Desktop / official, wall: {ratio:.2f}x  (goal <= 0.45x) "
          f"{'OK' if ratio <= 0.45 else 'MISSED'}")
    print("  (the official client writes only the raw JSON output; Ping Desktop also reads the "
          "spreadsheet, checks the addresses and writes the enriched workbook)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
