"""The Ping.Data API client used by the engine, the GUI and the CLI (reference §2).

Usage::

    async with PingDataClient("https://data-api.pingintel.com", token) as client:
        job = await client.start_bulk_enhance(locations, ["PG", "PH"])
        status = await client.get_job(job.id)            # poll until status.is_terminal
        for output in status.result.outputs:
            await client.download_output(output.url, folder / safe_output_filename(...))

All failures are :class:`~ping_desktop.api.errors.PingApiError` subclasses with a message a
person can act on. The token is sent only to the configured origin and never shown.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx

from ping_desktop.api._responses import Target, parse_json_body
from ping_desktop.api._session import HttpSession
from ping_desktop.api.bodies import GZIP_THRESHOLD, encode_json_body
from ping_desktop.api.download import save_response
from ping_desktop.api.errors import (
    InvalidResponseError,
    PermissionDeniedError,
    PingApiError,
    SubmissionUncertainError,
)
from ping_desktop.api.models import (
    DatasourceConfig,
    DownloadedFile,
    EnhanceResult,
    JobStatus,
    StartedJob,
    UsageReport,
    parse_datasource_list,
)
from ping_desktop.api.retry import RetryPolicy

T = TypeVar("T")


def _json(response: httpx.Response, what: str) -> Any:
    data = parse_json_body(response.content)
    if data is None:
        raise InvalidResponseError(
            f"The Ping.Data service sent an unreadable answer for {what}. Try again later.",
            status_code=response.status_code,
        )
    return data


def _parsed(response: httpx.Response, what: str, parse: Callable[[Any], T], unreadable: str) -> T:
    """``parse`` of the JSON answer; a body of the wrong shape (ValueError) gives
    :class:`InvalidResponseError` with the plain message ``unreadable``."""
    data = _json(response, what)
    try:
        return parse(data)
    except ValueError:
        raise InvalidResponseError(unreadable) from None


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        # The official client sends Python booleans through requests: "True"/"False".
        return "True" if value else "False"
    if isinstance(value, Mapping):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class PingDataClient:
    """Async client for one Ping.Data API origin (see the module docstring)."""

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        user_agent: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._session = HttpSession(
            api_url,
            token,
            retry=retry or RetryPolicy(),
            timeout=timeout,
            user_agent=user_agent,
            transport=transport,
            sleep=sleep,
        )
        self._ready_lock = asyncio.Lock()

    async def _ready(self) -> None:
        """Build the HTTP client in a worker thread on first use: making its TLS context
        loads the trust store (50-100 ms), which on the event loop would freeze the GUI."""
        if self._session._http is not None:
            return
        async with self._ready_lock:
            if self._session._http is None:
                await asyncio.to_thread(self._session._client)

    def __repr__(self) -> str:
        token = "set" if self._session.has_token else "not set"
        return f"PingDataClient(api_url={self.api_url!r}, token={token})"

    @property
    def api_url(self) -> str:
        """The normalised API base URL (``<origin>/api/v1``)."""
        return self._session.api_url

    @property
    def origin(self) -> str:
        """The only origin the token is ever sent to."""
        return self._session.origin

    @property
    def has_token(self) -> bool:
        """Whether a token is configured (the token itself is never exposed)."""
        return self._session.has_token

    def set_token(self, token: str | None) -> None:
        """Use a different token from the next request on (None clears it)."""
        self._session.set_token(token)

    async def aclose(self) -> None:
        """Close the connection pool; the client can be used again afterwards."""
        await self._session.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- bulk enhance ----------------------------------------------------------------------------
    async def start_bulk_enhance(
        self,
        locations: Sequence[Mapping[str, Any]],
        sources: Sequence[str],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the job timeout sent to the server
        include_raw_response: bool = False,
        check_cache: bool = True,
    ) -> StartedJob:
        """``POST /bulk_enhance``: start a job. Never silently repeated: if the request may
        have reached the server without an answer, :class:`SubmissionUncertainError` is raised.
        """
        payload: dict[str, Any] = {
            "locations": [dict(location) for location in locations],
            "sources": list(sources),
            "include_raw_response": include_raw_response,
            "check_cache": check_cache,
        }
        if timeout is not None:
            payload["timeout"] = timeout
        # Serialising and gzipping even 1,000 locations takes 100+ ms: never on the event loop
        # (the GUI's Qt thread runs it).
        content, headers = await asyncio.to_thread(
            encode_json_body, payload, threshold=GZIP_THRESHOLD
        )
        await self._ready()
        response = await self._session.post_submission("bulk_enhance", content, headers)
        try:
            return StartedJob.from_json(parse_json_body(response.content))
        except ValueError:
            raise SubmissionUncertainError(
                f"the server answered HTTP {response.status_code} without a job id",
                status_code=response.status_code,
            ) from None

    async def get_job(self, job_id: str) -> JobStatus:
        """``GET /bulk_enhance/{id}``: the job's state, counters and (when present) result."""
        await self._ready()
        response = await self._session.get(
            f"bulk_enhance/{quote(job_id, safe='')}", target=Target.JOB, job_id=job_id
        )
        return _parsed(
            response,
            "the job status",
            lambda data: JobStatus.from_json(data, job_id),
            "The Ping.Data service sent an unreadable job status. Try again later.",
        )

    async def download_output(
        self, url: str, dest: Path, *, validate_json: bool = True
    ) -> DownloadedFile:
        """Stream an output (``result.outputs[].url``) to ``dest`` and return its size and hash.

        A URL on another origin is refused before any request. The body goes to
        ``<dest>.part`` and is renamed only once it is complete (Content-Length matched, and
        valid JSON for JSON outputs); otherwise :class:`OutputIncompleteError` is raised.
        With ``validate_json=False`` the JSON check is left to the caller, which must then treat
        a file that does not parse as an incomplete download (the engine parses it anyway).
        """
        self._session.resolve(url)  # ForeignOriginError before any traffic
        await self._ready()
        response = await self._session.get(url, target=Target.JOB, stream=True)
        return await save_response(
            response,
            Path(dest),
            expect_json=url.lower().endswith(".json"),
            validate_json=validate_json,
        )

    # -- other endpoints -------------------------------------------------------------------------
    async def enhance(
        self,
        location: Mapping[str, Any],
        sources: Sequence[str],
        *,
        include_raw_response: bool = False,
        check_cache: bool = True,
    ) -> EnhanceResult:
        """``GET /enhance``: enrich one location synchronously."""
        params: list[tuple[str, str]] = []
        for key, value in location.items():
            if key in ("id", "sources") or value is None:
                continue
            values = value if isinstance(value, list | tuple) else [value]
            params.extend((key, _query_value(v)) for v in values if v is not None)
        params.extend(("sources", str(code)) for code in sources)
        params.append(("include_raw_response", _query_value(include_raw_response)))
        if not check_cache:
            params.append(("check_cache", "False"))
        await self._ready()
        response = await self._session.get("enhance", params=params)
        return _parsed(
            response,
            "the location",
            EnhanceResult.from_json,
            "The Ping.Data service sent an unreadable answer.",
        )

    async def list_datasources(self) -> dict[str, DatasourceConfig]:
        """``GET /datasources``: the sources this account may use, keyed by code."""
        await self._ready()
        response = await self._session.get("datasources")
        return _parsed(
            response,
            "the data sources",
            parse_datasource_list,
            "The list of data sources could not be read.",
        )

    async def get_datasource(self, code: str) -> DatasourceConfig:
        """``GET /datasources/{code}``: one source's configuration."""
        await self._ready()
        response = await self._session.get(
            f"datasources/{quote(code, safe='')}", target=Target.DATASOURCE
        )

        def parse(data: Any) -> DatasourceConfig:
            config = data.get("config", data) if isinstance(data, Mapping) else data
            return DatasourceConfig.from_json(config, code)

        return _parsed(response, "the data source", parse, "The data source could not be read.")

    async def get_usage(self, start: str | None = None, end: str | None = None) -> UsageReport:
        """``GET /usage``: credits used between ``start`` and ``end`` (e.g. ``-30d``, ISO-8601)."""
        params = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
        await self._ready()
        response = await self._session.get("usage", params=params)
        return _parsed(
            response, "usage", UsageReport.from_json, "The usage report could not be read."
        )

    async def check_token(self) -> None:
        """A cheap authenticated call: returns if the token is accepted, else raises
        AuthenticationError (or OfflineError, TlsError, ... when the server cannot be reached)."""
        await self._ready()
        try:
            await self._session.get("usage", params={"start": "-5m"})
        except PermissionDeniedError:
            return  # authenticated, just not allowed to read usage
        except PingApiError as error:
            if error.status_code == 400:
                return  # the server knew who we are; it only objected to the parameters
            raise
