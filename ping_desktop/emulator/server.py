"""Serving the emulator over real HTTP with uvicorn in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from types import TracebackType
from typing import Any

import uvicorn

from ping_desktop.emulator.app import create_app
from ping_desktop.emulator.config import EmulatorConfig, Faults

__all__ = ["EmulatorServer", "create_app"]

START_TIMEOUT_SECONDS = 15.0


class _PromptServer(uvicorn.Server):
    """uvicorn's server, but `stop()` wakes its 0.1 s housekeeping loop at once.

    Tests start and stop an emulator per test; this saves ~0.1 s each time.
    """

    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)
            should_exit = await self.on_tick(counter)

    def request_exit(self) -> None:
        """Ask the server to shut down (from any thread)."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                loop.call_soon_threadsafe(wake.set)


class EmulatorServer:
    """A Ping.Data emulator listening on `host:port` (port 0 picks a free one).

    `start()` returns once connections are accepted; `stop()` shuts it down. Also a context
    manager. `faults` is live: change it (or call `set_faults`) while the server runs.
    """

    def __init__(
        self, config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or EmulatorConfig()
        self.host = host
        self.faults = Faults()
        self.app = create_app(self.config, self.faults)
        self._requested_port = port
        self._socket: socket.socket | None = None
        self._server: _PromptServer | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._bound_port = 0

    @property
    def port(self) -> int:
        """The port actually bound (valid after `start()`)."""
        return self._bound_port or self._requested_port

    @property
    def base_url(self) -> str:
        """The origin, e.g. ``http://127.0.0.1:8765``."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:8765/api/v1``."""
        return f"{self.base_url}/api/v1"

    def start(self) -> EmulatorServer:
        """Bind, serve in a daemon thread, and wait until connections are accepted."""
        if self._thread is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto must be IPPROTO_TCP (not 0): asyncio only sets TCP_NODELAY on accepted sockets
        # whose proto says TCP, and without it Nagle + delayed ACK adds ~40 ms to each answer.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        sock.listen(128)
        self._socket = sock
        self._bound_port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            self.app,
            http="h11",
            loop="asyncio",
            lifespan="off",
            log_level="warning",
            log_config=None,  # leave the host application's logging configuration alone
            access_log=False,
            timeout_keep_alive=30,
            timeout_graceful_shutdown=2,
        )
        self._server = _PromptServer(config)
        self._thread = threading.Thread(target=self._run, name="ping-emulator", daemon=True)
        self._thread.start()
        waited = 0.0
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError(f"The emulator could not start: {self._error!r}")
            if waited > START_TIMEOUT_SECONDS:
                raise RuntimeError("The emulator did not start in time.")
            threading.Event().wait(0.01)
            waited += 0.01
        return self

    def _run(self) -> None:
        assert self._server is not None
        assert self._socket is not None
        try:
            asyncio.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported by start()
            self._error = exc

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.request_exit()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.app.emulator.shutdown()
        if self._socket is not None:
            self._socket.close()
        self._thread = None
        self._server = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        """Counters: jobs_created, locations_received, status_requests, output_requests, ..."""
        body = self.app.emulator.stats.snapshot()
        body["jobs"] = len(self.app.emulator.jobs)
        return body

    def reset_stats(self) -> None:
        """Zero the counters."""
        self.app.emulator.stats.reset()

    def set_faults(self, **values: Any) -> None:
        """Change fault fields, e.g. ``set_faults(throttle=2, retry_after=0.2)``."""
        self.faults.update(values)
