"""Fixtures for the API client tests: a client on the emulator with a recording sleep, and a
tiny loopback HTTP server that records every request it receives (for "never contacted" checks).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from ping_desktop.api import PingDataClient, RetryPolicy
from tests.conftest import TEST_TOKEN

# Small budgets keep fault tests fast; the sleep hook records waits instead of sleeping.
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=5.0, max_total=30.0)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class RecordingSleep:
    """The client's ``sleep`` hook: remembers each requested wait and yields without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        import asyncio

        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


ClientFactory = Callable[..., PingDataClient]


@pytest.fixture
async def make_client(emulator: Any, sleeps: RecordingSleep) -> AsyncIterator[ClientFactory]:
    """``make_client(**overrides)``: a PingDataClient on the emulator, closed after the test."""
    made: list[PingDataClient] = []

    def factory(**overrides: Any) -> PingDataClient:
        kwargs: dict[str, Any] = {
            "api_url": emulator.api_url,
            "token": TEST_TOKEN,
            "retry": FAST_RETRY,
            "timeout": 10.0,
            "sleep": sleeps,
        }
        kwargs.update(overrides)
        client = PingDataClient(kwargs.pop("api_url"), kwargs.pop("token"), **kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


@pytest.fixture
async def client(make_client: ClientFactory) -> PingDataClient:
    return make_client()


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class RecorderServer:
    """A loopback HTTP server; ``respond(handler)`` decides the answer, ``requests`` logs all."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"


def _serve_recorder() -> tuple[RecorderServer, ThreadingHTTPServer]:
    class Handler(BaseHTTPRequestHandler):
        # Headers and body go out in two writes; without this each answer waits ~40 ms
        # for a delayed ACK (Nagle).
        disable_nagle_algorithm = True

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            rec.requests.append(
                Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            self.send_response(rec.status)
            for name, value in rec.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(rec.body)))
            self.end_headers()
            self.wfile.write(rec.body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec = RecorderServer(url=f"http://127.0.0.1:{server.server_address[1]}")
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return rec, server


@pytest.fixture
def recorder() -> Iterator[RecorderServer]:
    """A second loopback origin that must never be contacted with the token."""
    rec, server = _serve_recorder()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def other_recorder() -> Iterator[RecorderServer]:
    rec, server = _serve_recorder()
    yield rec
    server.shutdown()
    server.server_close()


class SpyTransport(httpx.AsyncHTTPTransport):
    """A real network transport that also keeps every request it sends (headers and body)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return await super().handle_async_request(request)
