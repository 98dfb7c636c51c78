"""The command line's progress display: one concise line per change, or a single line updated
in place (carriage return) when stderr is a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from ping_desktop.domain import JobPhase
from ping_desktop.engine.events import Event, JobProgress, RunProgress


def duration(seconds: float | None) -> str:
    """``75.2`` -> ``1m15s``; None -> ``?``."""
    if seconds is None:
        return "?"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class ProgressPrinter:
    """An :data:`~ping_desktop.engine.events.EventSink` that writes progress to a stream."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._job_phases: dict[int, JobPhase] = {}
        self._last_run_line = ""
        self._live = False

    def __call__(self, event: Event) -> None:
        if isinstance(event, JobProgress):
            self._job(event)
        else:
            self._run(event)

    def _write_line(self, text: str) -> None:
        if self._live:
            self.stream.write("\r\x1b[2K")
            self._live = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _job(self, event: JobProgress) -> None:
        previous = self._job_phases.get(event.job_id)
        self._job_phases[event.job_id] = event.phase
        if previous is event.phase:
            return
        server = f" ({event.server_job_id})" if event.server_job_id else ""
        line = (f"Job {event.job_number}/{event.job_count}{server}: {event.phase.value} "
                f"{event.completed}/{event.requested}")
        if event.message and event.phase in (JobPhase.FAILED, JobPhase.UNCERTAIN,
                                             JobPhase.NEEDS_ATTENTION, JobPhase.CANCELED):
            line += f" - {event.message}"
        if self.tty and event.phase not in (JobPhase.COMPLETE, JobPhase.FAILED,
                                            JobPhase.UNCERTAIN, JobPhase.NEEDS_ATTENTION):
            return  # the live line shows routine progress
        self._write_line(line)

    def _run(self, event: RunProgress) -> None:
        line = (f"Run {event.run_id} {event.phase.value}: jobs {event.jobs_done}/"
                f"{event.jobs_total}, locations {event.locations_completed:,}/"
                f"{event.locations_total:,}, problems {event.problems:,}")
        if self.tty:
            live = f"{line}, elapsed {duration(event.elapsed_seconds)}, " \
                   f"ETA {duration(event.eta_seconds)}"
            self.stream.write("\r\x1b[2K" + live[:200])
            self.stream.flush()
            self._live = True
            return
        if line != self._last_run_line:
            self._last_run_line = line
            self._write_line(line)

    def finish(self) -> None:
        """End a live line so later output starts on a fresh line."""
        if self._live:
            self.stream.write("\n")
            self.stream.flush()
            self._live = False
