"""Bulk enhance endpoints: start a job, report its status, serve its output file."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import zlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ping_desktop.emulator.catalog import sources
from ping_desktop.emulator.config import TRUNCATE_SHORT_BODY
from ping_desktop.emulator.faultlayer import CLOSE_KEY, SERVER_ERROR_DETAIL
from ping_desktop.emulator.http_common import (
    check_token,
    json_answer,
    not_found,
    origin_of,
    state_of,
)
from ping_desktop.emulator.jobs import Job
from ping_desktop.emulator.validation import BulkRequest, check_bulk


async def read_json_body(request: Request, limit: int) -> Any | JSONResponse:
    """The decoded JSON body (gzip allowed), or the error answer."""
    raw = await request.body()
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        try:
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = decoder.decompress(raw, limit + 1)
            if not decoder.eof:
                raise gzip.BadGzipFile("truncated")
        except (zlib.error, gzip.BadGzipFile, EOFError):
            return json_answer({"detail": "Malformed gzip request body."}, 400)
    elif encoding not in ("", "identity"):
        return json_answer({"detail": f'Unsupported Content-Encoding "{encoding}".'}, 415)
    if len(raw) > limit:
        return json_answer({"detail": f"Request body too large (limit {limit} bytes)."}, 413)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return json_answer({"detail": f"JSON parse error - {exc}"}, 400)


async def create_job(request: Request) -> Response:
    """POST /bulk_enhance."""
    denied = check_token(request)
    if denied is not None:
        return denied
    state = state_of(request)
    body = await read_json_body(request, state.config.max_body_bytes)
    if isinstance(body, JSONResponse):
        return body
    checked = check_bulk(body, sources().keys(), state.allowed, state.config.max_locations_per_job)
    if not isinstance(checked, BulkRequest):
        return json_answer(checked.body, checked.status)
    faults = state.faults
    will_fail = faults.take("fail_jobs")
    if will_fail:
        state.stats.count_fault("fail_jobs")
    job = state.jobs.create(
        checked.locations,
        checked.codes,
        rate=state.config.locations_per_second,
        queue_seconds=state.config.queue_seconds,
        seed=state.config.seed,
        will_fail=will_fail,
        failing_sources=frozenset(faults.failing_sources),
        include_raw_response=checked.include_raw_response,
        check_cache=checked.check_cache,
    )
    state.stats.count_job(job.size, will_fail)
    if state.config.precompute_results:
        # Generate results in a worker thread now, so they are ready when the client polls
        # and the event loop keeps answering other requests meanwhile.
        state.precompute(job.materialise)
    state.usage.record(checked.codes)
    if faults.take("accept_then_drop"):
        state.stats.count_fault("accept_then_drop")
        return _Dropped()
    if faults.take("accept_then_error"):
        state.stats.count_fault("accept_then_error")
        status = faults.accept_then_error_status
        return json_answer({"detail": SERVER_ERROR_DETAIL.get(status, "Server error.")}, status)
    return json_answer({"id": job.id, "message": "OK"}, 201)


async def _ready(job: Job) -> None:
    """Make sure results exist, computing them off the event loop."""
    if not job.ready:
        await asyncio.to_thread(job.materialise)


def _live_job(request: Request) -> Job | Response:
    denied = check_token(request)
    if denied is not None:
        return denied
    state = state_of(request)
    job = state.jobs.get(request.path_params["job_id"])
    if job is None or state.faults.expire_jobs:
        return not_found()
    return job


async def job_status(request: Request) -> Response:
    """GET /bulk_enhance/{id}."""
    job = _live_job(request)
    if not isinstance(job, Job):
        return job
    now = time.time()
    if job.state(now)[1] > 0:
        await _ready(job)
    body = job.status_body(now, origin_of(request))
    result = body.get("result")
    if result is not None and state_of(request).faults.result_as_objects:
        for key in ("outputs", "sources"):
            if result[key]:
                result[key] = result[key][0]
    return json_answer(body)


async def job_output(request: Request) -> Response:
    """GET /bulk_enhance/{id}/output/{filename}."""
    job = _live_job(request)
    if not isinstance(job, Job):
        return job
    status, _ = job.state(time.time())
    if status != "COMPLETE" or request.path_params["filename"] != job.filename:
        return not_found()
    await _ready(job)
    packed = job.output or gzip.compress(b"")
    zipped = "gzip" in request.headers.get("accept-encoding", "").lower()
    headers = {"Content-Disposition": f'attachment; filename="{job.filename}"'}
    if zipped:
        headers["Content-Encoding"] = "gzip"
    state = state_of(request)
    if state.faults.take("truncate_outputs"):
        state.stats.count_fault("truncate_outputs")
        if state.faults.truncate_mode == TRUNCATE_SHORT_BODY:
            plain = gzip.decompress(packed)
            cut = plain[: max(1, len(plain) // 2)]
            return Response(gzip.compress(cut) if zipped else cut, 200, headers, "application/json")
        data = packed if zipped else gzip.decompress(packed)
        return _CutOffResponse(data, data[: max(1, len(data) // 2)], headers)
    data = packed if zipped else gzip.decompress(packed)
    return Response(data, 200, headers, "application/json")


class _Dropped(Response):
    """No answer at all: the connection is closed (the job exists nevertheless)."""

    def __init__(self) -> None:
        super().__init__(b"")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        close = scope.get(CLOSE_KEY)
        if close is None or not close():
            # Without access to the transport, an incomplete answer makes uvicorn close it.
            start = {
                "type": "http.response.start",
                "status": 201,
                "headers": [(b"content-length", b"100")],
            }
            await send(start)


class _CutOffResponse(Response):
    """Announces the whole file, sends part of it, then closes the connection."""

    def __init__(self, full: bytes, cut: bytes, headers: dict[str, str]) -> None:
        super().__init__(b"", media_type="application/json")
        self._full_length = len(full)
        self._cut = cut
        self._extra = headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(self._full_length).encode()),
        ]
        headers += [(k.lower().encode(), v.encode()) for k, v in self._extra.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self._cut, "more_body": True})
        close = scope.get(CLOSE_KEY)
        if close is not None:
            close()
