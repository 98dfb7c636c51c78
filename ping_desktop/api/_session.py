"""The HTTP layer under :class:`~ping_desktop.api.client.PingDataClient`.

It owns the single long-lived ``httpx.AsyncClient``, the same-origin rule for the token, the
retry loops (GETs retry freely; the bulk POST only when it surely never reached the server) and
the request log lines. Nothing here knows about endpoints.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from ping_desktop import __version__
from ping_desktop.api._responses import Target, error_from_response, is_tls_failure, transport_error
from ping_desktop.api.environments import is_loopback_host, normalise_api_url, origin_of
from ping_desktop.api.errors import (
    AuthenticationError,
    ForeignOriginError,
    OfflineError,
    PingApiError,
    SubmissionUncertainError,
    TlsError,
)
from ping_desktop.api.retry import RetryPolicy, next_delay, parse_retry_after
from ping_desktop.api.token_check import check_token

log = logging.getLogger("ping_desktop.api")

Sleep = Callable[[float], Awaitable[None]]
GET_RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_REDIRECTS = 5


class _Secret:
    """Holds the token so that no repr, traceback-locals dump or log can show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


class HttpSession:
    """One API origin, one token, one ``httpx.AsyncClient`` (created inside the running loop)."""

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        retry: RetryPolicy,
        timeout: float,
        user_agent: str | None,
        transport: httpx.AsyncBaseTransport | None,
        sleep: Sleep,
    ) -> None:
        self.api_url = normalise_api_url(api_url)
        self.origin = origin_of(self.api_url)
        self.host = urlsplit(self.api_url).hostname or self.origin
        self.retry = retry
        self.timeout = timeout
        self.user_agent = user_agent or f"PingDesktop/{__version__}"
        self._transport = transport
        self._sleep = sleep
        self._token: _Secret | None = None
        self._http: httpx.AsyncClient | None = None
        self.set_token(token)

    # -- token ---------------------------------------------------------------------------------
    def set_token(self, token: str | None) -> None:
        """Replace the token (None or blank clears it); :class:`TokenFormatError` when it
        cannot be a token (a line break, space or non-ASCII character inside)."""
        token = (token or "").strip()
        # Refused here, in plain words: a header cannot carry it (see token_check).
        self._token = _Secret(check_token(token)) if token else None

    @property
    def has_token(self) -> bool:
        return self._token is not None

    def redact(self, text: str) -> str:
        """``text`` with the token (if it occurs) replaced by ``***``."""
        if self._token is not None and self._token.reveal() in text:
            return text.replace(self._token.reveal(), "***")
        return text

    # -- client lifecycle ----------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            verify: ssl.SSLContext | bool = True
            if self.origin.startswith("https://"):
                import truststore

                verify = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            self._http = httpx.AsyncClient(
                verify=verify,
                http1=True,
                http2=False,
                follow_redirects=False,
                timeout=self._timeout(self.timeout),
                headers={
                    "User-Agent": self.user_agent,
                    "Accept-Encoding": "gzip",
                    "Accept": "application/json",
                },
                transport=self._transport,
                # System proxies apply to real hosts; the local emulator is never proxied.
                trust_env=not is_loopback_host(self.host),
                event_hooks={"request": [self._guard_origin]},
            )
        return self._http

    @staticmethod
    def _timeout(seconds: float) -> httpx.Timeout:
        return httpx.Timeout(seconds, connect=min(seconds, 15.0))

    async def aclose(self) -> None:
        if self._http is not None:
            client, self._http = self._http, None
            await client.aclose()

    # -- building requests ---------------------------------------------------------------------
    def resolve(self, url_or_path: str) -> str:
        """An absolute URL on the API origin; raises ForeignOriginError for any other origin."""
        if "://" not in url_or_path:
            if url_or_path.startswith("/"):
                return self.origin + url_or_path  # server-relative, e.g. an output link
            return self.api_url + "/" + url_or_path
        try:
            url_origin = origin_of(url_or_path)
        except ValueError:
            url_origin = "/".join(url_or_path.split("/")[:3])  # not http(s): shown as given
        if url_origin != self.origin:
            raise ForeignOriginError(url_origin, self.origin)
        return url_or_path

    async def _guard_origin(self, request: httpx.Request) -> None:
        # Second line of defence: nothing leaves this client for another origin.
        url = str(request.url)
        if origin_of(url) != self.origin:
            raise ForeignOriginError(origin_of(url), self.origin)

    def build(
        self,
        method: str,
        url_or_path: str,
        *,
        params: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Request:
        """A request with the Authorization header, only after the origin check passed."""
        url = self.resolve(url_or_path)
        if self._token is None:
            raise AuthenticationError(
                "No API token is set. Enter your Ping API token in Settings > API token."
            )
        all_headers = dict(headers or {})
        all_headers["Authorization"] = f"Token {self._token.reveal()}"
        return self._client().build_request(
            method,
            url,
            params=params,
            content=content,
            headers=all_headers,
            timeout=self._timeout(timeout or self.timeout),
        )

    def _log(self, request: httpx.Request, outcome: object, attempt: int) -> None:
        log.debug("%s %s -> %s (attempt %d)", request.method, request.url.path, outcome, attempt)

    async def _wait(self, delay: float, request: httpx.Request, why: str, attempt: int) -> None:
        log.info(
            "%s %s: %s; retrying in %.2fs (attempt %d)",
            request.method, request.url.path, why, delay, attempt + 1,
        )  # fmt: skip
        await self._sleep(delay)

    async def _redirect_target(self, request: httpx.Request, response: httpx.Response) -> str:
        await response.aclose()
        location = response.headers.get("Location", "")
        target = str(request.url.join(location))
        self.resolve(target)  # raises ForeignOriginError for another origin
        return target

    # -- GET: retried on connection errors, 429, 502, 503, 504 ---------------------------------
    async def get(
        self,
        url_or_path: str,
        *,
        params: Any = None,
        target: Target = Target.OTHER,
        job_id: str | None = None,
        stream: bool = False,
        read_timeout: float | None = None,
    ) -> httpx.Response:
        """GET with retries; returns a 2xx response (unread if ``stream``; caller closes it)."""
        request = self.build("GET", url_or_path, params=params, timeout=read_timeout)
        effective_timeout = read_timeout or self.timeout
        spent = 0.0
        attempt = 0
        redirects = 0
        while True:
            attempt += 1
            started = time.monotonic()
            response: httpx.Response | None = None
            try:
                response = await self._client().send(request, stream=True)
                if not stream and response.status_code < 300:
                    await response.aread()
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if response is not None:
                    await response.aclose()
                spent += time.monotonic() - started
                error = transport_error(exc, self.host, effective_timeout)
                self._log(request, type(exc).__name__, attempt)
                delay = (
                    None
                    if isinstance(error, TlsError)
                    else next_delay(self.retry, attempt, None, elapsed=spent)
                )
                if delay is None:
                    raise error from exc
                await self._wait(delay, request, error.message, attempt)
                spent += delay
                continue
            spent += time.monotonic() - started
            status = response.status_code
            self._log(request, status, attempt)
            if status < 300:
                return response
            if status < 400 and redirects < MAX_REDIRECTS and response.headers.get("Location"):
                redirects += 1
                target_url = await self._redirect_target(request, response)
                request = self.build("GET", target_url, timeout=read_timeout)
                continue
            body = await response.aread()
            await response.aclose()
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if status in GET_RETRY_STATUSES:
                delay = next_delay(self.retry, attempt, retry_after, elapsed=spent)
                if delay is not None:
                    await self._wait(delay, request, f"HTTP {status}", attempt)
                    spent += delay
                    continue
            raise error_from_response(
                status, response.headers, body, target=target, job_id=job_id,
                redact=self.redact, retry_after=retry_after,
            )  # fmt: skip

    # -- POST: retried only when the request surely did not reach the server -------------------
    async def post_submission(
        self, path: str, content: bytes, headers: Mapping[str, str]
    ) -> httpx.Response:
        """POST once-or-safely: returns a 2xx response (read) or raises.

        Retried only after connection refused / DNS failure / connect timeout / pool timeout,
        429, and 503 with Retry-After. Anything after which the job may exist raises
        :class:`SubmissionUncertainError` immediately.
        """
        request = self.build("POST", path, content=content, headers=headers)
        spent = 0.0
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            retry_after: float | None = None
            error: PingApiError
            try:
                response = await self._client().send(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                spent += time.monotonic() - started
                self._log(request, type(exc).__name__, attempt)
                if is_tls_failure(exc):
                    raise TlsError(self.host) from exc
                error = OfflineError(self.host)
                cause: BaseException | None = exc
            except httpx.ReadTimeout as exc:
                self._log(request, "ReadTimeout", attempt)
                raise SubmissionUncertainError(
                    f"no answer within {self.timeout:g} seconds", retryable=False
                ) from exc
            except httpx.HTTPError as exc:
                self._log(request, type(exc).__name__, attempt)
                raise SubmissionUncertainError(
                    "the connection was lost after the request was sent"
                ) from exc
            else:
                spent += time.monotonic() - started
                status = response.status_code
                self._log(request, status, attempt)
                if status < 300:
                    return response
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if 300 <= status < 400:
                    await self._redirect_target(request, response)  # foreign -> refused
                    if status == 303:  # "See Other": the server may have acted on the POST
                        raise SubmissionUncertainError(
                            "the server answered with a redirect (HTTP 303)", status_code=303
                        )
                    raise PingApiError(
                        f"The server redirected the job submission (HTTP {status}); no job was "
                        "started. Check the API URL in Settings.",
                        status_code=status,
                    )
                if status == 429 or (status == 503 and retry_after is not None):
                    error = error_from_response(
                        status, response.headers, response.content, target=Target.OTHER,
                        job_id=None, redact=self.redact, retry_after=retry_after,
                    )  # fmt: skip
                    cause = None
                elif status >= 500:
                    raise SubmissionUncertainError(
                        f"the server answered HTTP {status}", status_code=status
                    )
                else:
                    raise error_from_response(
                        status, response.headers, response.content, target=Target.OTHER,
                        job_id=None, redact=self.redact, retry_after=retry_after,
                    )  # fmt: skip
            delay = next_delay(self.retry, attempt, retry_after, elapsed=spent)
            if delay is None:
                raise error from cause
            await self._wait(delay, request, error.message, attempt)
            spent += delay
