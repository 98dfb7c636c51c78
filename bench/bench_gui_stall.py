"""Benchmark (not a test): does the Qt event loop stall while the window handles a big file?

A 10 ms heartbeat QTimer records the gaps between its ticks while the real main window
(offscreen) reads a 100,000-row .xlsx (drop -> read, guess, validate and plan), runs it against
the emulator on loopback (instant jobs, so downloading, parsing and storing results dominate),
and writes the merged enriched workbook through the window's save flow (as Ctrl+S does).
Prints the largest gap per phase and overall; the goal is no gap above 50 ms (issue 15).

With ``--review-open`` the run is watched in History as it goes: its Summary tab is opened,
then its Map tab, which stays in front while the run finishes (the window then reopens the run,
drawing every row of it on the map) and while the workbook is saved.

    .venv/bin/python bench/bench_gui_stall.py [--rows N] [--review-open]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOKEN = "bench-token-0123456789"


def _sched() -> tuple[float, float]:
    """This thread's CPU time and time spent runnable but waiting for a core, in seconds
    (Linux schedstat; zeros elsewhere)."""
    try:
        with open("/proc/thread-self/schedstat") as handle:
            ran, waited, _slices = handle.read().split()
        return int(ran) / 1e9, int(waited) / 1e9
    except (OSError, ValueError):
        return 0.0, 0.0


class Heartbeat:
    """Largest interval between 10 ms ticks, per named phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self._phase = "idle"
        self.worst: dict[str, float] = {}
        #: Per phase, how many gaps were over 50 ms and over 100 ms (the worst alone is noisy).
        self.over: dict[str, list[int]] = {}
        #: Per phase, CPU seconds of the window's process (all its threads; not the worker's).
        self.cpu: dict[str, float] = {}
        self.last_cpu = time.process_time()
        #: Per phase, the worst gap split: (Qt thread's own CPU, its wait for a free core).
        #: The rest of a gap is time the thread slept: waiting for the GIL, or for events.
        self.worst_split: dict[str, tuple[float, float]] = {}
        self.last_sched = _sched()
        #: Every gap over 50 ms: phase, seconds into the phase, gap, ran, waited.
        self.long_gaps: list[tuple[str, float, float, float, float, float]] = []
        self.phase_started = time.perf_counter()
        # Garbage collections (any thread) since the last tick, in seconds.
        self.gc_time = 0.0
        self._gc_start = 0.0
        import gc

        gc.callbacks.append(self._gc)

    def _gc(self, stage: str, _info: dict[str, int]) -> None:
        # Any thread's collection holds the GIL, so it stops the Qt thread too.
        if stage == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_time += time.perf_counter() - self._gc_start

    @property
    def phase(self) -> str:
        """The phase gaps are counted for now."""
        return self._phase

    @phase.setter
    def phase(self, name: str) -> None:
        self._phase = name
        self.phase_started = time.perf_counter()

    def start(self) -> None:
        self.last = time.perf_counter()
        self.last_cpu = time.process_time()
        self.last_sched = _sched()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self.last
        self.last = now
        cpu = time.process_time()
        self.cpu[self.phase] = self.cpu.get(self.phase, 0.0) + cpu - self.last_cpu
        self.last_cpu = cpu
        sched = _sched()
        if gap <= 0.05:
            self.gc_time = 0.0
        ran, waited = sched[0] - self.last_sched[0], sched[1] - self.last_sched[1]
        self.last_sched = sched
        if gap > self.worst.get(self.phase, 0.0):
            self.worst[self.phase] = gap
            self.worst_split[self.phase] = (ran, waited)
        if gap > 0.05:
            self.long_gaps.append((self.phase, now - self.phase_started, gap, ran, waited,
                                   self.gc_time))
            counts = self.over.setdefault(self.phase, [0, 0])
            counts[0] += 1
            counts[1] += gap > 0.1
            self.gc_time = 0.0


class StallTracer:
    """``--trace``: a sampler thread that, whenever it was itself held up for over 80 ms
    (``--trace-ms``),
    prints where every thread stands. A C call that held the GIL has just returned when the
    sampler runs again, so the culprit thread is at (or just past) the line that made it.
    While the heartbeat is late but the sampler runs, the Qt thread itself is busy: its stack
    is sampled every 5 ms and the most frequent places are printed when it is free again."""

    def __init__(self, beat: Heartbeat, held_ms: float = 80.0) -> None:
        self.held = held_ms / 1000
        import threading

        self.beat = beat
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="stall-tracer", daemon=True)

    def start(self) -> None:
        import gc

        self._gc_started = 0.0
        gc.callbacks.append(self._gc)
        self.thread.start()

    def _gc(self, stage: str, info: dict[str, int]) -> None:
        if stage == "start":
            self._gc_started = time.perf_counter()
            return
        took = time.perf_counter() - self._gc_started
        if took > 0.03:
            print(f"--- gc of generation {info['generation']} took {took * 1000:.0f} ms "
                  f"during {self.beat.phase}")

    def _run(self) -> None:
        import threading
        import traceback
        from collections import Counter

        me = threading.get_ident()
        main = threading.main_thread().ident
        names = {}
        last = time.perf_counter()
        busy: Counter[str] = Counter()
        while not self.stop.wait(0.005):
            now = time.perf_counter()
            gap, last = now - last, now
            late = now - self.beat.last
            if late > 0.03 and self.beat.phase not in ("idle", "done"):
                frame = sys._current_frames().get(main or 0)
                if frame is not None:
                    stack = traceback.extract_stack(frame)[-6:]
                    busy[" <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                     for f in reversed(stack))] += 1
            elif busy:
                if sum(busy.values()) >= 10:
                    print(f"--- Qt thread busy ~{sum(busy.values()) * 5} ms during "
                          f"{self.beat.phase}")
                    for where, n in busy.most_common(4):
                        print(f"    {n:3d}x {where}")
                busy.clear()
            if gap < self.held:
                continue
            names = {t.ident: t.name for t in threading.enumerate()}
            print(f"--- sampler held up {gap * 1000:.0f} ms during {self.beat.phase}")
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                stack = traceback.extract_stack(frame)[-4:]
                where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                    for f in reversed(stack))
                print(f"    {names.get(ident, ident)}: {where}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError("the emulator did not start")


async def until(pred: Callable[[], bool], limit: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not pred():
        if loop.time() > end:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


async def open_review(window: Any, run_id: int) -> None:
    """History, the running run, its Summary tab, then its Map tab (left in front)."""
    from ping_desktop.gui.window_layout import Tab

    window.tabs.show_tab(Tab.HISTORY)
    window.history_panel.open_run(run_id)
    review = window.history_panel.results_view
    review.tabs.setCurrentWidget(review.summary)
    await until(lambda: review.summary.summary is not None, 120, "summary shown")
    review.tabs.setCurrentWidget(review.map.view)


async def scenario(path: Path, beat: Heartbeat, ingest_in_gui: bool = False,
                   review_open: bool = False, gc_freeze: bool = False) -> dict[str, float]:
    import keyring

    from ping_desktop.gui.main_window import MainWindow
    from ping_desktop.gui.save_flow import SaveResultsFlow
    from ping_desktop.session import build_services
    from ping_desktop.storage.paths import app_paths
    from tests.support.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    # The emulator runs in its own process, as the real API would: in-process its result
    # generation would compete with the window for the GIL and blur the measurement.
    port = _free_port()
    server = subprocess.Popen(  # noqa: ASYNC220 - once, before anything is measured
        [sys.executable, "-m", "ping_desktop.cli", "emulator", "--port", str(port),
         "--token", TOKEN, "--rate", "0"], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    api_url = f"http://127.0.0.1:{port}/api/v1"
    await asyncio.to_thread(_wait_port, port)
    services = build_services(app_paths())
    import dataclasses

    services.settings = dataclasses.replace(
        services.settings, custom_api_url=api_url, locations_per_job=1000,
        concurrent_jobs=3, last_sources=["PG"])
    services.credentials.set_token(services.api_origin(), TOKEN)
    if ingest_in_gui:  # for comparison: outputs ingested in a thread of the window's process
        from ping_desktop.engine.ingest import ingest_output

        store = services.run_store
        services.offload.ingest = (  # type: ignore[method-assign]
            lambda request: asyncio.to_thread(ingest_output, store, request))
    window = MainWindow(services)
    window.show()
    await window.startup()
    # A user needs a few seconds to pick a file; the start-up warm-up is done by then.
    await until(lambda: not window.tasks.running("warm-imports"), 120, "warm-up")
    if gc_freeze:
        # What a full collection walks is then only what was made after start-up.
        import gc

        gc.freeze()
    timings: dict[str, float] = {}
    beat.start()
    try:
        beat.phase = "read+map+plan"
        t = time.perf_counter()
        window.open_files([path])
        await until(lambda: window.intake.plan is not None
                    and window.sources_panel.list.count() > 0
                    and window.start_button.isEnabled(), 600, "file ready")
        timings[beat.phase] = time.perf_counter() - t
        beat.phase = "run (submit, poll, download, parse, store)"
        t = time.perf_counter()
        # Told by the window's own signal: polling the store from the loop thread here would
        # add SQLite reads (each a GIL hand-over) that the real window never makes.
        finished: list[Any] = []
        window.runs.run_finished.connect(finished.append)
        started: list[int] = []
        window.runs.run_started.connect(started.append)
        map_rows: list[int] = []  # rows the map was given, each time it is (re)loaded
        if review_open:
            map_view = window.history_panel.results_view.map.view
            set_rows = map_view.set_rows

            def counted(rows: Any, choices: Any, *groups: Any) -> None:
                # MapPoints (laid out in the worker): how many dots it has; ``groups``: the
                # dots already coloured, when the worker grouped them in the same call.
                map_rows.append(len(getattr(rows, "located", rows)))
                set_rows(rows, choices, *groups)

            map_view.set_rows = counted
        window.start_run()
        if review_open:
            await until(lambda: bool(started) or bool(finished), 600, "run started")
            if started:
                await open_review(window, started[0])
        await until(lambda: bool(finished), 1800, "run complete")
        if not finished[0].phase.value.startswith("COMPLETE"):
            raise RuntimeError(f"the run ended {finished[0].phase.value}")
        timings[beat.phase] = time.perf_counter() - t
        if review_open:
            # The window reopens the run once it finished: the map then gets every row.
            beat.phase = "map of the finished run (reopened)"
            t = time.perf_counter()
            loads = len(map_rows)
            await until(lambda: len(map_rows) > loads, 600, "map reloaded")
            await until(lambda: bool(map_view.classes), 600, "map coloured")
            await asyncio.sleep(1.0)  # its first paints
            print(f"map reloaded with {map_rows[-1]:,} dots")
            timings[beat.phase] = time.perf_counter() - t
        beat.phase = "merge+write xlsx" + (" (map open)" if review_open else "")
        t = time.perf_counter()
        run_id = finished[0].run_id
        dest = Path(os.environ["PING_DESKTOP_HOME"]) / "enriched.xlsx"
        flow = SaveResultsFlow(window, services.run_store, run_id, None,
                               offload=services.offload)
        failures: list[str] = []
        flow.failed.connect(failures.append)
        await flow.save_to(dest, "xlsx")
        if failures or not dest.is_file():
            raise RuntimeError(f"saving failed: {failures}")
        timings[beat.phase] = time.perf_counter() - t
        beat.phase = "done"
    finally:
        beat.timer.stop()
        await window.shutdown(keep=False)
        window._close_ready = True
        window.close()
        await services.aclose()
        server.terminate()
        server.wait(10)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--trace-ms", type=float, default=80.0,
                        help="with --trace: report the sampler held up longer than this")
    parser.add_argument("--trace", action="store_true",
                        help="print every thread's stack after each stall of the sampler")
    parser.add_argument("--ingest-in-gui", action="store_true",
                        help="ingest outputs in a thread of the window's process (as before "
                             "they went to the worker process), for comparison")
    parser.add_argument("--review-open", action="store_true",
                        help="watch the run in History with its Summary, then its Map tab "
                             "open, through the run and the save")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() once the window has started, for comparison (full "
                             "garbage collections then skip everything made at start-up)")
    args = parser.parse_args()
    # Here, not at import: the worker process imports this script again (as __mp_main__).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_API"] = "pyside6"
    os.environ["PING_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="ping-stall-")
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_intake import generate  # the intake benchmark's 30-column SOV generator

    path = ROOT / "bench" / "out" / f"stall-{args.rows}.xlsx"
    if not path.exists():
        generate(path, args.rows)
    import PySide6  # noqa: F401
    import qasync
    from PySide6.QtWidgets import QApplication

    import ping_desktop.gui  # noqa: F401  - installs the Qt binding fixes

    app = QApplication(["stall"])
    app.setQuitOnLastWindowClosed(False)
    beat = Heartbeat()
    if args.trace:
        StallTracer(beat, args.trace_ms).start()
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        timings = runner.run(scenario(path, beat, args.ingest_in_gui, args.review_open,
                                      args.gc_freeze))
    print(f"rows: {args.rows:,}")
    for phase, seconds in timings.items():
        gap = beat.worst.get(phase, 0) * 1000
        over50, over100 = beat.over.get(phase, [0, 0])
        print(f"{phase:45s} {seconds:8.1f} s   largest loop gap {gap:7.1f} ms   "
              f"gaps > 50 ms: {over50}, > 100 ms: {over100}   "
              f"window process CPU {beat.cpu.get(phase, 0.0):5.1f} s")
        ran, waited = beat.worst_split.get(phase, (0.0, 0.0))
        slept = max(gap - (ran + waited) * 1000, 0)
        print(f"{'':45s} worst gap: Qt thread ran {ran * 1000:.0f} ms, waited for a core "
              f"{waited * 1000:.0f} ms, slept (GIL or idle) {slept:.0f} ms")
    for phase, at, gap, ran, waited, collecting in beat.long_gaps:
        print(f"  gap {gap * 1000:5.0f} ms at {at:6.2f} s into {phase.split()[0]}: ran "
              f"{ran * 1000:.0f} ms (garbage collection {collecting * 1000:.0f} ms), waited "
              f"for a core {waited * 1000:.0f} ms")
    worst = max(beat.worst.values())
    print(f"largest gap overall: {worst*1000:.1f} ms (goal: under 50 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
