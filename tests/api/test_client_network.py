"""Network-level failures on real loopback sockets: TLS, DNS, 503 + Retry-After, server echoes."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.api import (
    OfflineError,
    SubmissionUncertainError,
    ThrottledError,
    TlsError,
    ValidationError,
)
from tests.api.conftest import ClientFactory, RecorderServer, RecordingSleep
from tests.api.test_client_lifecycle import LOCATIONS
from tests.conftest import TEST_TOKEN


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate no trust store accepts."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    served: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        # Headers and body go out in two writes; without this each answer waits ~40 ms
        # for a delayed ACK (Nagle).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # the failed handshake is the point of the test

    server = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


async def test_untrusted_certificate_is_a_tls_error_not_retried(
    make_client: ClientFactory,
    sleeps: RecordingSleep,
    self_signed_server: tuple[str, list[str]],
) -> None:
    url, served = self_signed_server
    client = make_client(api_url=url)
    with pytest.raises(TlsError) as info:
        await client.list_datasources()
    assert "certificate" in info.value.message
    assert "127.0.0.1" in info.value.message
    with pytest.raises(TlsError):
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert sleeps.waits == []
    assert served == []  # nothing (and so no token) went over the untrusted connection


async def test_dns_failure_is_offline(make_client: ClientFactory, sleeps: RecordingSleep) -> None:
    client = make_client(api_url="https://ping-desktop-test.invalid")
    with pytest.raises(OfflineError, match=r"Cannot reach ping-desktop-test\.invalid"):
        await client.get_job("abc")
    assert len(sleeps.waits) == 3


async def test_post_503_with_retry_after_is_retried_then_throttled(
    make_client: ClientFactory, recorder: RecorderServer, sleeps: RecordingSleep
) -> None:
    recorder.status = 503
    recorder.headers = {"Retry-After": "0.01"}
    recorder.body = b'{"detail": "Service temporarily unavailable."}'
    client = make_client(api_url=recorder.url)
    with pytest.raises(ThrottledError) as info:
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert info.value.retry_after == pytest.approx(0.01)
    assert info.value.status_code == 503
    assert [r.method for r in recorder.requests] == ["POST"] * 4
    assert all(0.01 <= w <= 0.012 for w in sleeps.waits)


async def test_post_200_without_job_id_is_uncertain(
    make_client: ClientFactory, recorder: RecorderServer
) -> None:
    recorder.body = b"<html>maintenance</html>"
    client = make_client(api_url=recorder.url)
    with pytest.raises(SubmissionUncertainError, match="without a job id"):
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert len(recorder.requests) == 1


async def test_server_echoing_the_token_is_redacted(
    make_client: ClientFactory, recorder: RecorderServer
) -> None:
    recorder.status = 400
    recorder.body = json.dumps({"detail": f"Bad request from Token {TEST_TOKEN}"}).encode()
    client = make_client(api_url=recorder.url)
    with pytest.raises(ValidationError) as info:
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert TEST_TOKEN not in str(info.value)
    assert "Token ***" in info.value.message
    assert TEST_TOKEN not in json.dumps(info.value.details)
