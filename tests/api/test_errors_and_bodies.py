"""Error messages a person can act on, and the gzip request-body encoder."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from ping_desktop.api._responses import Target, error_from_response, server_messages
from ping_desktop.api.bodies import GZIP_THRESHOLD, encode_json_body
from ping_desktop.api.errors import (
    AuthenticationError,
    ForeignOriginError,
    JobNotFoundError,
    JobTooLargeError,
    OfflineError,
    PermissionDeniedError,
    PingApiError,
    ServerUnavailableError,
    SubmissionUncertainError,
    ThrottledError,
    TlsError,
    ValidationError,
)

SECRET = "tok-5ecret-abcdef"


def _error(status: int, body: object, retry_after: float | None = None) -> PingApiError:
    return error_from_response(
        status,
        httpx.Headers(),
        json.dumps(body).encode(),
        target=Target.JOB,
        job_id="job-1",
        redact=lambda text: text.replace(SECRET, "***"),
        retry_after=retry_after,
    )


def test_status_codes_map_to_classes() -> None:
    assert isinstance(_error(401, {"detail": "Invalid token."}), AuthenticationError)
    assert isinstance(_error(403, {"detail": "No."}), PermissionDeniedError)
    assert isinstance(_error(404, {"detail": "Not found."}), JobNotFoundError)
    assert isinstance(_error(413, {"detail": "Too many", "max_locations": 7}), JobTooLargeError)
    assert isinstance(_error(429, {}), ThrottledError)
    assert isinstance(_error(503, {}, retry_after=5), ThrottledError)
    assert isinstance(_error(503, {}), ServerUnavailableError)
    assert type(_error(418, {"detail": "teapot"})) is PingApiError


def test_validation_quotes_nested_server_messages_redacted() -> None:
    body = {"locations": {"0": {"id": ["This field is required."]}}, "detail": f"bad {SECRET}"}
    error = _error(400, body)
    assert isinstance(error, ValidationError)
    assert "locations: 0: id: This field is required." in error.message
    assert SECRET not in error.message
    assert "***" in error.message
    assert error.details["locations"] == body["locations"]
    assert error.details["detail"] == "bad ***"


def test_server_messages_flattening() -> None:
    assert server_messages({"detail": "x"}) == ["x"]
    assert server_messages(["a", {"b": ["c"]}]) == ["a", "b: c"]
    assert server_messages({"detail": "Too many", "max_locations": 5}) == ["Too many"]
    assert server_messages(None) == []


def test_messages_say_what_to_do() -> None:
    assert "Settings > API token" in AuthenticationError().message
    assert AuthenticationError().status_code is None
    assert "expired or does not exist" in JobNotFoundError("j-1").message
    assert "j-1" in JobNotFoundError("j-1").message
    assert "Cannot reach api.example.com" in OfflineError("api.example.com").message
    assert "proxy" in OfflineError("h").message
    assert "corporate proxy" in TlsError("h").message
    assert "may exist" in SubmissionUncertainError("HTTP 502").message
    assert "credits" in SubmissionUncertainError("HTTP 502").message
    assert "https://a" in ForeignOriginError("https://a", "https://b").message
    assert "maximum is 50" in JobTooLargeError(max_locations=50).message
    assert "in 30 seconds" in ThrottledError(retry_after=30).message
    assert "in 2 minutes" in ThrottledError(retry_after=120).message
    assert "in a minute" in ThrottledError().message


def test_retryable_flags() -> None:
    assert ThrottledError().retryable
    assert ServerUnavailableError().retryable
    assert OfflineError("h").retryable
    assert not AuthenticationError().retryable
    assert not SubmissionUncertainError("x").retryable
    assert not TlsError("h").retryable


def test_str_and_repr_are_the_message() -> None:
    error = ServerUnavailableError(status_code=503)
    assert str(error) == error.message
    assert "ServerUnavailableError" in repr(error)
    assert "503" in repr(error)


def test_small_body_is_plain_compact_json() -> None:
    body, headers = encode_json_body({"a": [1, 2], "b": "é"})
    assert body == '{"a":[1,2],"b":"é"}'.encode()
    assert headers == {"Content-Type": "application/json"}


def test_threshold_is_strictly_over_50000_bytes() -> None:
    def payload(size: int) -> dict[str, str]:
        return {"x": "a" * (size - len('{"x":""}'))}

    exact, headers = encode_json_body(payload(GZIP_THRESHOLD))
    assert len(exact) == GZIP_THRESHOLD
    assert "Content-Encoding" not in headers
    over, headers = encode_json_body(payload(GZIP_THRESHOLD + 1))
    assert headers["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(over)) == GZIP_THRESHOLD + 1
    assert json.loads(gzip.decompress(over)) == payload(GZIP_THRESHOLD + 1)


def test_gzip_is_deterministic() -> None:
    payload = {"locations": [{"id": str(i), "address": "x" * 80} for i in range(1000)]}
    assert encode_json_body(payload)[0] == encode_json_body(payload)[0]


def test_body_decodes_to_what_json_dumps_would_send() -> None:
    """The body is encoded by msgspec (fast) but must say exactly what the standard library's
    text says: same value after decoding, same text for strings, ints and plain floats."""
    locations = [
        {"id": str(n), "address": f"{n} Rue de l'Église \u2013 bât. {n % 7}", "city": "Zürich",
         "latitude": 47.37 + n / 1e6, "longitude": -8.54, "year_built": 1990 + n % 30,
         "note": "tab\there \"quoted\" \\ back\x01slash \u2028 </script>", "big": 2**70,
         "small": 1e-05, "huge": 1e16, "none": None, "flag": n % 2 == 0}
        for n in range(3000)
    ]
    payload = {"locations": locations, "sources": ["PG", "PH"], "include_raw_response": False,
               "check_cache": True, "timeout": 30}
    body, headers = encode_json_body(payload)
    assert headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(body).decode("utf-8")
    assert json.loads(text) == payload
    assert "\u2028" in text  # non-ASCII kept as is, as ensure_ascii=False does
    small, _ = encode_json_body({"a": "é", "n": [1, 2.5, None, True]})
    assert small == json.dumps({"a": "é", "n": [1, 2.5, None, True]}, separators=(",", ":"),
                               ensure_ascii=False).encode("utf-8")


def test_what_msgspec_refuses_goes_to_json() -> None:
    class Opaque:
        pass

    with pytest.raises(TypeError):  # as json.dumps always refused it
        encode_json_body({"a": Opaque()})
    # json turns int keys into text; the body says the same either way.
    body, _ = encode_json_body({1: "x"})
    assert json.loads(body) == {"1": "x"}
