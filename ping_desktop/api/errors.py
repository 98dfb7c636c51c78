"""Errors raised by the Ping.Data client, each with a plain-language message saying what to do.

Every message is built by this package (server text is only quoted, after the client has removed
the token from it), so ``str(error)`` and ``repr(error)`` are safe to show and to log.
"""

from __future__ import annotations

from typing import Any


class PingApiError(Exception):
    """Base class: ``message`` is for people, ``status_code`` is the HTTP status (if any),
    ``retryable`` says whether trying the same thing again later may succeed."""

    default_message = "The Ping.Data service returned an unexpected answer. Try again later."
    default_retryable = False

    def __init__(
        self,
        message: str | None = None,
        *,
        status_code: int | None = None,
        retryable: bool | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status_code = status_code
        self.retryable = self.default_retryable if retryable is None else retryable
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code!r})"


class AuthenticationError(PingApiError):
    """401: the token is missing, wrong, expired or revoked."""

    default_message = (
        "The API token was not accepted. Check it in Settings > API token "
        "(copy it again from your Ping account; it may have expired or been revoked)."
    )


class PermissionDeniedError(PingApiError):
    """403: the token is valid but the account may not do this (e.g. a source not licensed)."""

    default_message = (
        "Your Ping account is not allowed to do this. Ask your Ping administrator to enable it."
    )

    def __init__(self, message: str | None = None, *, detail: str | None = None, **kw: Any) -> None:
        self.detail = detail
        super().__init__(message, **kw)


class ValidationError(PingApiError):
    """400: the server rejected the request; ``details`` is the server's error body."""

    default_message = "The server rejected the request as invalid."

    def __init__(
        self, message: str | None = None, *, details: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        self.details: dict[str, Any] = details or {}
        super().__init__(message, **kw)


class JobTooLargeError(PingApiError):
    """413: too many locations (``max_locations`` when the server says) or too large a body."""

    def __init__(
        self, message: str | None = None, *, max_locations: int | None = None, **kw: Any
    ) -> None:
        self.max_locations = max_locations
        if message is None:
            limit = f" (the maximum is {max_locations} locations)" if max_locations else ""
            message = (
                f"The job is too large for the server{limit}. "
                "Split it into smaller jobs (Settings > Locations per job)."
            )
        super().__init__(message, **kw)


class ThrottledError(PingApiError):
    """429: too many requests; ``retry_after`` is the server's requested wait in seconds."""

    default_retryable = True

    def __init__(
        self, message: str | None = None, *, retry_after: float | None = None, **kw: Any
    ) -> None:
        self.retry_after = retry_after
        if message is None:
            wait = (
                f"in {_describe_seconds(retry_after)}" if retry_after is not None else "in a minute"
            )
            message = f"The Ping.Data service is busy (too many requests). Try again {wait}."
        kw.setdefault("status_code", 429)
        super().__init__(message, **kw)


class ServerUnavailableError(PingApiError):
    """5xx (after retries) or no answer in time: the service is down or overloaded."""

    default_message = (
        "The Ping.Data service is not available right now. Try again in a few minutes."
    )
    default_retryable = True


class OfflineError(PingApiError):
    """The server could not be reached (no network, DNS failure, connection refused or reset)."""

    default_retryable = True

    def __init__(self, host: str, message: str | None = None, **kw: Any) -> None:
        self.host = host
        super().__init__(
            message or f"Cannot reach {host}. Check your internet connection or proxy.", **kw
        )


class TlsError(PingApiError):
    """The TLS handshake failed, usually an untrusted certificate."""

    def __init__(self, host: str, message: str | None = None, **kw: Any) -> None:
        self.host = host
        super().__init__(
            message
            or (
                f"The secure connection to {host} failed: its certificate is not trusted. If your "
                "company uses a proxy that inspects HTTPS (corporate proxy), ask IT to install its "
                "CA certificate in the system certificate store, then try again."
            ),
            **kw,
        )


class NotFoundError(PingApiError):
    """404 on something other than a job."""

    default_message = "The server did not find what was asked for. Check the API URL in Settings."


class JobNotFoundError(NotFoundError):
    """404 on a job's status or output: the job has expired or never existed."""

    def __init__(self, job_id: str | None = None, message: str | None = None, **kw: Any) -> None:
        self.job_id = job_id
        which = f"Job {job_id}" if job_id else "The job"
        super().__init__(
            message
            or (
                f"{which} was not found: the job has expired or does not exist. "
                "Submit the locations again to get fresh results."
            ),
            **kw,
        )


class SubmissionUncertainError(PingApiError):
    """The bulk-enhance POST may have reached the server, but no job id came back.

    Never retried automatically: repeating it could create a second job and use credits twice.
    """

    def __init__(self, reason: str, **kw: Any) -> None:
        self.reason = reason
        super().__init__(
            f"The job submission may or may not have reached the server ({reason}). "
            "The job may exist and may use credits. Check your usage before submitting these "
            "locations again.",
            **kw,
        )


class ForeignOriginError(PingApiError):
    """A URL (e.g. an output link or a redirect) points outside the configured API origin."""

    def __init__(self, url_origin: str, api_origin: str, **kw: Any) -> None:
        self.url_origin = url_origin
        self.api_origin = api_origin
        super().__init__(
            f"Refused to contact {url_origin}: it is not the configured API server "
            f"({api_origin}), and the API token is only sent there. If the API address "
            "changed, update it in Settings.",
            **kw,
        )


class OutputIncompleteError(PingApiError):
    """A downloaded output was cut short or is not valid JSON; downloading again may work."""

    default_message = "The result file download was incomplete. It will be downloaded again."
    default_retryable = True


class InvalidResponseError(PingApiError):
    """A 2xx answer whose body is not what the API documents (e.g. not JSON)."""

    default_retryable = True


def _describe_seconds(seconds: float) -> str:
    if seconds < 1:
        return "a moment"
    if seconds < 90:
        whole = round(seconds)
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
