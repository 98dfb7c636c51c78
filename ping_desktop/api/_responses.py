"""Mapping failed HTTP answers and transport failures to the package's readable errors."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

import httpx

from ping_desktop.api.errors import (
    AuthenticationError,
    InvalidResponseError,
    JobNotFoundError,
    JobTooLargeError,
    NotFoundError,
    OfflineError,
    PermissionDeniedError,
    PingApiError,
    ServerUnavailableError,
    ThrottledError,
    TlsError,
    ValidationError,
)

Redactor = Callable[[str], str]
MAX_QUOTED = 400


class Target(Enum):
    """What a request was about, so a 404 can say the right thing."""

    OTHER = "other"
    JOB = "job"
    DATASOURCE = "datasource"


def parse_json_body(body: bytes) -> Any:
    """The JSON value of ``body``, or None when it is empty or not JSON."""
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested beyond reason: not ours
        return None


def server_messages(data: Any, prefix: str = "") -> list[str]:
    """Flatten a DRF-style error body (``detail``, field -> messages, nested) into lines."""
    if isinstance(data, str):
        return [f"{prefix}{data}" if prefix else data]
    if isinstance(data, list):
        return [m for item in data for m in server_messages(item, prefix)]
    if isinstance(data, Mapping):
        lines: list[str] = []
        for key, value in data.items():
            if key in ("detail", "non_field_errors", "message", "error"):
                lines.extend(server_messages(value, prefix))
            elif key == "max_locations":
                continue
            else:
                lines.extend(server_messages(value, f"{prefix}{key}: "))
        return lines
    if data is None:
        return []
    return [f"{prefix}{data}"]


def _redact_json(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {str(k): _redact_json(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v, redact) for v in value]
    return value


def _quote(lines: list[str], redact: Redactor) -> str:
    text = redact("; ".join(line.strip() for line in lines if line.strip()))
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def error_from_response(
    status: int,
    headers: httpx.Headers,
    body: bytes,
    *,
    target: Target,
    job_id: str | None,
    redact: Redactor,
    retry_after: float | None = None,
) -> PingApiError:
    """The error for a non-2xx answer (after any retries)."""
    data = parse_json_body(body)
    quoted = _quote(server_messages(data), redact)
    said = f" The server said: {quoted}" if quoted else ""
    if status == 400:
        details = _redact_json(data if isinstance(data, Mapping) else {"detail": data}, redact)
        message = (
            f"The server rejected the request: {quoted or 'no reason given'}. "
            "Correct the locations or options mentioned and try again."
        )
        return ValidationError(message, details=details, status_code=400)
    if status == 401:
        return AuthenticationError(status_code=401)
    if status == 403:
        return PermissionDeniedError(
            "Your Ping account is not allowed to do this."
            + said
            + " Ask your Ping administrator for access, or deselect that data source.",
            detail=quoted or None,
            status_code=403,
        )
    if status == 404:
        if target is Target.JOB:
            return JobNotFoundError(job_id, status_code=404)
        if target is Target.DATASOURCE:
            return NotFoundError(
                "That data source is not available to your account (or does not exist). "
                "Refresh the list of data sources.",
                status_code=404,
            )
        return NotFoundError(status_code=404)
    if status == 413:
        limit = data.get("max_locations") if isinstance(data, Mapping) else None
        max_locations = limit if isinstance(limit, int) and not isinstance(limit, bool) else None
        return JobTooLargeError(max_locations=max_locations, status_code=413)
    if status == 429 or (status == 503 and retry_after is not None):
        # A 503 with Retry-After is the server asking to come back later, exactly like 429;
        # the caller gets the wait so it can schedule instead of failing the run.
        return ThrottledError(retry_after=retry_after, status_code=status)
    if status >= 500:
        return ServerUnavailableError(
            f"The Ping.Data service is not available right now (HTTP {status}). "
            "Try again in a few minutes.",
            status_code=status,
        )
    return PingApiError(
        f"The Ping.Data service answered with an unexpected error (HTTP {status}).{said} "
        "Check the API URL in Settings, or try again later.",
        status_code=status,
    )


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def is_tls_failure(exc: BaseException) -> bool:
    """True when a transport error was caused by TLS (e.g. an untrusted certificate)."""
    for item in _chain(exc):
        if isinstance(item, ssl.SSLError | ssl.CertificateError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(item):
            return True
    return False


def transport_error(
    exc: httpx.TransportError | httpx.DecodingError, host: str, timeout: float
) -> PingApiError:
    """The error for a GET that failed below HTTP (all but TLS are retryable)."""
    if isinstance(exc, httpx.DecodingError):
        return InvalidResponseError(
            f"{host} sent a damaged (undecodable) answer. Try again in a few minutes."
        )
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout) and is_tls_failure(exc):
        return TlsError(host)
    if isinstance(exc, httpx.ProxyError):
        return OfflineError(
            host, f"Cannot reach {host} through the proxy. Check your proxy settings."
        )
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
        return ServerUnavailableError(
            f"{host} did not answer within {timeout:g} seconds. The service may be overloaded; "
            "try again later."
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return ServerUnavailableError(
            f"{host} closed the connection unexpectedly. Try again in a few minutes."
        )
    return OfflineError(host)
