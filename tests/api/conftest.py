"""Fixtures for the API client tests: a client on the emulator with a recording sleep, and a
tiny loopback HTTP server that records every request it receives (for "never contacted" checks).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from ping_desktop.api import PingDataClient, RetryPolicy
from tests.conftest import TEST_TOKEN

# Small budgets keep fault tests fast; the sleep hook records waits instead of sleeping.
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=5.0, max_total=30.0)


def _run_in_own_thread(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` on a fresh event loop in a fresh thread.

    The GUI tests mark a session-wide qasync loop as running on the main thread, after which
    ``asyncio.run`` there fails; a separate thread has no running loop, whatever ran before.
    """
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="api-test-loop")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """``async def`` tests here run on their own loop; clients they made are closed on it."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    made: list[PingDataClient] = pyfuncitem.funcargs.get("_made_clients", [])  # type: ignore[assignment]

    async def run() -> None:
        try:
            await pyfuncitem.obj(**kwargs)
        finally:
            for client in made:
                await client.aclose()

    _run_in_own_thread(run())
    return True


class RecordingSleep:
    """The client's ``sleep`` hook: remembers each requested wait and yields without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


ClientFactory = Callable[..., PingDataClient]


@pytest.fixture
def _made_clients() -> list[PingDataClient]:
    """Clients created by ``make_client``; the test runner closes them on the test's loop."""
    return []


@pytest.fixture
def make_client(
    emulator: Any, sleeps: RecordingSleep, _made_clients: list[PingDataClient]
) -> ClientFactory:
    """``make_client(**overrides)``: a PingDataClient on the emulator, closed after the test."""

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
        _made_clients.append(client)
        return client

    return factory


@pytest.fixture
def client(make_client: ClientFactory) -> PingDataClient:
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
