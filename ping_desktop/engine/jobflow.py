"""One job's life: submit, poll, download every output, parse, record.

Every state change is written to the run store (and awaited) before the next step starts:
SUBMITTING before the POST, the server's job id the moment it returns, each output with its
SHA-256 once downloaded, the results, and only then COMPLETE. A restart therefore knows exactly
where each job stood, and a POST that may have reached the server is never sent again silently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ping_desktop.api import (
    AuthenticationError,
    ForeignOriginError,
    JobNotFoundError,
    JobStatus,
    JobTooLargeError,
    OfflineError,
    OutputIncompleteError,
    PermissionDeniedError,
    PingApiError,
    SubmissionUncertainError,
    ThrottledError,
    TlsError,
    ValidationError,
    safe_output_filename,
)
from ping_desktop.api.models import JobOutput, JobState
from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine import messages
from ping_desktop.engine.ingest import IngestLostError, IngestOutcome, IngestRequest
from ping_desktop.engine.parsing import OutputParseError
from ping_desktop.engine.planning import split
from ping_desktop.engine.polling import FinishEstimate, PollSchedule
from ping_desktop.storage.runstore import JobRecord

if TYPE_CHECKING:
    from ping_desktop.engine.context import RunContext
    from ping_desktop.engine.runner import Engine

log = logging.getLogger(__name__)

_SERVER_PHASES = {
    JobState.PENDING: JobPhase.PENDING,
    JobState.QUEUED: JobPhase.QUEUED,
    JobState.IN_PROGRESS: JobPhase.IN_PROGRESS,
}
_RUN_LEVEL = (AuthenticationError, PermissionDeniedError, TlsError)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class JobFlow:
    """Carries one job as far as it can go in this session."""

    def __init__(self, engine: Engine, ctx: RunContext, job_id: int) -> None:
        self.engine = engine
        self.ctx = ctx
        self.store = engine.store
        self.job_id = job_id

    # -- helpers -----------------------------------------------------------------------------

    # Store reads go to the engine's thread like the writes: the GUI's event loop runs this.
    async def _job(self) -> JobRecord:
        return await self.engine.db(self.store.get_job, self.job_id)

    async def _publish(self, job_id: int | None = None) -> JobRecord:
        job = await self.engine.db(self.store.get_job, job_id or self.job_id)
        self.ctx.tracker.update(job)  # events go out on the loop thread
        return job

    async def _write(self, write: Callable[..., object], *args: Any, **kwargs: Any) -> JobRecord:
        """Run a store write for this job and read the job back in one trip to the engine's
        thread, then publish it."""
        def write_and_get() -> JobRecord:
            write(*args, **kwargs)
            return self.store.get_job(self.job_id)

        job = await self.engine.db(write_and_get)
        self.ctx.tracker.update(job)  # events go out on the loop thread
        return job

    async def _set(self, **changes: Any) -> JobRecord:
        return await self._write(self.store.update_job, self.job_id, **changes)

    async def _finish(self, phase: JobPhase, message: str | None, **counts: int | None) -> None:
        await self._write(self.store.finish_job, self.job_id, phase, message=message, **counts)

    # -- the whole life ----------------------------------------------------------------------

    async def process(self) -> None:
        """Run the job from wherever it stands until it is final, or the run stops."""
        status = await self.until_finished_on_server()
        if status is not None:
            await self.collect(status)

    async def until_finished_on_server(self) -> JobStatus | None:
        """Submit the job if it was not, and poll it until the server has finished it (its
        final status); None when it cannot go on or was already final."""
        job = await self._job()
        if job.phase.is_final:
            return None
        if job.phase is JobPhase.SUBMITTING:
            # Left over from a session that stopped during the POST: the job may exist.
            await self._set(phase=JobPhase.UNCERTAIN, message=messages.INTERRUPTED_SUBMISSION)
            return None
        immediate = job.server_job_id is not None  # resuming: ask for its state at once
        if job.server_job_id is None and not await self._submit():
            return None
        return await self._poll(immediate)

    async def collect(self, status: JobStatus) -> None:
        """Turn the server's finished job into stored results (or a FAILED job)."""
        await self._collect(status)

    # -- submitting --------------------------------------------------------------------------

    async def _submit(self) -> bool:
        """POST the job (splitting it while the server says it is too large); True once the
        server's job id is stored."""
        ctx, client = self.ctx, self.engine.client
        while True:
            if ctx.stop.is_set():
                return False
            sources = list(ctx.run.sources)
            prepared = await self.engine.db(self._payloads_if_ours, sources)
            if prepared is None:
                # Another process took the run over: nothing more is sent from here, even
                # before the lease's heartbeat notices (a worker goes on to the next job as
                # soon as the server has finished the last one).
                ctx.request_stop(RunPhase.PAUSED, messages.LEASE_LOST)
                return False
            payloads, digest = prepared
            await self._write(self.store.mark_job_submitting, self.job_id, digest)
            try:
                with self.engine.timings.measure("submit"):
                    started = await client.start_bulk_enhance(payloads, sources)
            except JobTooLargeError as error:
                if not await self._split([str(p["id"]) for p in payloads], error):
                    return False
                continue
            except SubmissionUncertainError as error:
                await self._set(phase=JobPhase.UNCERTAIN, message=error.message)
                return False
            except _RUN_LEVEL as error:
                await self._set(phase=JobPhase.WAITING, message=None)
                ctx.request_stop(RunPhase.NEEDS_ATTENTION, error.message)
                return False
            except ValidationError as error:
                await self._finish(JobPhase.FAILED, messages.rejected(error.message))
                return False
            except PingApiError as error:
                # Offline, throttled for long, server down: the POST surely did not create a
                # job (the client raises SubmissionUncertainError otherwise), so it stays
                # WAITING and the run pauses until the user resumes it.
                await self._set(phase=JobPhase.WAITING, message=None)
                if error.retryable or isinstance(error, OfflineError | ThrottledError):
                    ctx.request_stop(RunPhase.PAUSED, messages.paused(error.message))
                else:
                    ctx.request_stop(RunPhase.NEEDS_ATTENTION, error.message)
                return False
            await self._write(self.store.set_job_submitted, self.job_id, started.id)
            self.engine.timings.mark(f"job {self.job_id} submitted")
            return True

    def _payloads_if_ours(self, sources: list[str]
                          ) -> tuple[list[dict[str, Any]], str] | None:
        """The job's payloads and digest (blocking), or None when another process holds the
        run's lease now."""
        holder = self.store.lease_holder(self.ctx.run.id)
        if holder is not None and holder.owner != self.engine.owner.key:
            return None
        return self.store.job_payloads_and_digest(self.job_id, sources)

    async def _split(self, location_ids: list[str], error: JobTooLargeError) -> bool:
        pieces = split(location_ids, error.max_locations)
        if len(pieces) < 2:
            await self._finish(JobPhase.FAILED, messages.too_large_single(error.message))
            return False
        ids = await self.engine.db(self.store.split_job, self.job_id, pieces)
        log.info("Job %d was too large for the server; split into %d jobs", self.job_id,
                 len(pieces))
        await self._publish()
        for new_id in ids[1:]:
            await self._publish(new_id)
            self.ctx.queue.put_nowait(new_id)
        return True

    # -- polling -----------------------------------------------------------------------------

    async def _poll(self, immediate: bool) -> JobStatus | None:
        """Poll until the job is COMPLETE or FAILED on the server; None when it cannot go on."""
        engine, ctx = self.engine, self.ctx
        job = await self._job()
        server_id = job.server_job_id
        assert server_id is not None
        schedule = PollSchedule(engine.poll, engine.rand)
        # A job just sent starts from nothing now; one found already under way (a resume)
        # gets its pace from two sightings.
        finish = FinishEstimate(None if immediate else (engine.clock(), 0))
        delay = 0.0 if immediate else schedule.first_delay()
        errors = unknown = 0
        last: tuple[object, ...] | None = None
        while True:
            if not await ctx.wait(delay):
                return None
            if self._past_deadline(job):
                await self._set(phase=JobPhase.NEEDS_ATTENTION,
                                message=messages.past_deadline(engine.poll.job_deadline / 3600))
                return None
            engine.timings.status_requests += 1
            try:
                sent = engine.clock()
                status = await engine.client.get_job(server_id)
                answered = engine.clock()
            except JobNotFoundError as error:
                await self._set(phase=JobPhase.NEEDS_ATTENTION, message=error.message)
                return None
            except _RUN_LEVEL as error:
                ctx.request_stop(RunPhase.NEEDS_ATTENTION, error.message)
                return None
            except OfflineError as error:
                ctx.request_stop(RunPhase.PAUSED, messages.paused(error.message))
                return None
            except PingApiError as error:
                errors += 1
                log.info("Status of job %s failed (%d in a row): %s", server_id, errors,
                         error.message)
                if errors >= engine.poll.max_consecutive_errors:
                    await self._set(phase=JobPhase.NEEDS_ATTENTION,
                                    message=messages.status_keeps_failing(error.message, errors))
                    return None
                retry_after = error.retry_after if isinstance(error, ThrottledError) else None
                delay = schedule.next_delay(False, retry_after)
                continue
            errors = 0
            if status.state is JobState.UNKNOWN:
                unknown += 1
                log.info("Job %s has an undocumented status (%d in a row)", server_id, unknown)
                if unknown >= engine.poll.max_unknown_statuses:
                    await self._set(phase=JobPhase.NEEDS_ATTENTION,
                                    message=messages.unknown_status(unknown))
                    return None
                delay = schedule.next_delay(False)
                continue
            unknown = 0
            request = status.request
            key = (status.state, request.num_completed, request.num_problems)
            progressed = key != last
            last = key
            if status.is_terminal:
                engine.timings.mark(f"job {self.job_id} seen finished")
                return status
            if progressed:
                phase = _SERVER_PHASES.get(status.state, job.phase)
                await self._set(
                    phase=phase,
                    requested=request.num_requested,
                    completed=request.num_completed,
                    problems=request.num_problems,
                    message=None,
                )
            # The server counted somewhere between sending and the answer: the midpoint, give
            # or take half the round trip (the margin of the finishing poll).
            seen = (sent + answered) / 2
            eta = finish.eta(seen, request.num_completed, request.num_requested)
            if eta is not None:
                eta -= engine.clock() - seen
            delay = schedule.at_finish(schedule.next_delay(progressed), eta, answered - sent)

    def _past_deadline(self, job: JobRecord) -> bool:
        """Whether the job was sent longer ago than the engine's per-job deadline."""
        if job.submitted_at is None:
            return False
        sent = job.submitted_at
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=dt.UTC)
        age = (dt.datetime.now(dt.UTC) - sent).total_seconds()
        return age > self.engine.poll.job_deadline

    # -- downloading and parsing -------------------------------------------------------------

    async def _collect(self, status: JobStatus) -> None:
        """Turn a finished server job into stored results (or a FAILED job)."""
        request, result = status.request, status.result
        job = await self._job()
        if status.state is JobState.FAILED or result is None or not result.succeeded:
            detail = result.message if result is not None else None
            await self._finish(
                JobPhase.FAILED,
                messages.job_failed(detail, job.location_count),
                completed=request.num_completed,
                problems=request.num_problems,
            )
            return
        await self._set(
            phase=JobPhase.DOWNLOADING,
            requested=request.num_requested,
            completed=request.num_completed,
            problems=request.num_problems,
            message=None,
        )
        seen: set[str] = set()
        problems: set[str] = set()
        for index, output in enumerate(result.outputs):
            outcome = await self._output(job, index, output)
            if outcome is None:
                return
            seen |= outcome.locations
            problems |= outcome.problem_locations
        problems |= await self.engine.db(self._unseen, seen)
        await self._finish(
            JobPhase.COMPLETE, None, completed=len(seen), problems=len(problems)
        )
        self.engine.timings.mark(f"job {self.job_id} stored")

    def _unseen(self, seen: set[str]) -> set[str]:
        """The job's locations that no output mentioned (blocking)."""
        return set(self.store.job_location_ids(self.job_id)) - seen

    def _request(self, output: JobOutput, path: Path, size: int, sha256: str,
                 output_id: int | None) -> IngestRequest:
        return IngestRequest(self.store.path, self.ctx.run.id, self.job_id, output.filename,
                             output.url, path, size, sha256, tuple(self.ctx.run.sources),
                             output_id)

    async def _output(self, job: JobRecord, index: int, output: JobOutput
                      ) -> IngestOutcome | None:
        """Download (unless a valid copy was recorded before) and ingest one output; None when
        the job cannot go on."""
        known = await self.engine.db(self.store.outputs, self.job_id)
        record = next((o for o in known if o.filename == output.filename), None)
        if record is not None and await asyncio.to_thread(self._still_valid, record.local_path,
                                                          record.sha256):
            return await self._ingest(self._request(output, record.local_path, record.size,
                                                    record.sha256, record.id))
        name = safe_output_filename(output.filename, f"output-{index + 1}.json")
        dest = self.ctx.outputs_dir / f"job-{job.number:04d}-{index + 1}-{name}"
        return await self._download_and_ingest(output, dest)

    async def _ingest(self, request: IngestRequest) -> IngestOutcome | None:
        """Load, record, parse and store one output through the engine's ingest (raises
        OutputIncompleteError for a fresh download that does not parse); None when the job
        cannot go on. A lost worker is given one more try (a new one starts)."""
        engine = self.engine
        for attempt in (1, 2):
            try:
                # One at a time: parsing is CPU-bound and the store has one writer; running
                # several only multiplies the memory held at once.
                async with self.ctx.parse_slot:
                    with engine.timings.measure("parse"):
                        return await engine.ingest(request)
            except OutputParseError as error:
                await self._set(phase=JobPhase.NEEDS_ATTENTION, message=error.message)
                return None
            except IngestLostError as error:
                log.warning("The ingest of %s for job %d was lost (attempt %d of 2)",
                            request.filename, self.job_id, attempt)
                if attempt == 2 or self.ctx.stop.is_set():
                    await self._set(phase=JobPhase.NEEDS_ATTENTION, message=error.message)
                    return None
        return None

    @staticmethod
    def _still_valid(path: Path, sha256: str) -> bool:
        return path.is_file() and _sha256(path) == sha256

    async def _download_and_ingest(self, output: JobOutput, dest: Path) -> IngestOutcome | None:
        """Download an output and ingest it, or None when the job cannot go on. The client's
        own JSON check is skipped (the file would be parsed twice); a file that does not parse
        counts as an incomplete download, as it did there, and is fetched again. Only a
        complete, parseable file is ever recorded."""
        engine = self.engine
        attempts = engine.download_attempts
        for attempt in range(1, attempts + 1):
            if self.ctx.stop.is_set():
                return None
            try:
                with engine.timings.measure("download"):
                    file = await engine.client.download_output(output.url, dest,
                                                               validate_json=False)
                engine.timings.mark(f"job {self.job_id} downloaded")
                return await self._ingest(self._request(output, dest, file.size, file.sha256,
                                                        None))
            except OutputIncompleteError as error:
                log.info("Output download incomplete (attempt %d of %d): %s", attempt, attempts,
                         error.message)
                if attempt == attempts:
                    await self._set(phase=JobPhase.NEEDS_ATTENTION,
                                    message=messages.download_failed(error.message, attempts))
                    return None
                await self.ctx.wait(min(5.0, engine.poll.initial * attempt))
            except (JobNotFoundError, ForeignOriginError) as error:
                await self._set(phase=JobPhase.NEEDS_ATTENTION, message=error.message)
                return None
            except OfflineError as error:
                self.ctx.request_stop(RunPhase.PAUSED, messages.paused(error.message))
                return None
            except _RUN_LEVEL as error:
                self.ctx.request_stop(RunPhase.NEEDS_ATTENTION, error.message)
                return None
            except PingApiError as error:
                await self._set(phase=JobPhase.NEEDS_ATTENTION,
                                message=messages.download_failed(error.message, attempt))
                return None
        return None
