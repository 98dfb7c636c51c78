"""The services the window and the command line share (Qt-free).

The one place for: settings -> API URL (:func:`api_url_for`, :func:`resolve_api_url`), the API
origin that keys the token in the keyring and that the HTTP client's guard checks
(:func:`~ping_desktop.api.environments.origin_of`, re-exported here), the token lookup
(:func:`lookup_token`), and the typed engine factory (:meth:`AppServices.engine_for`).
:class:`AppServices` holds the window's long-lived stores, one API client and one engine per
API origin (the token only ever goes to the origin it was saved for), and the in-process
emulator of the demo mode.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ping_desktop.api.client import PingDataClient
from ping_desktop.api.environments import (
    DEFAULT_ENVIRONMENT,
    ENVIRONMENTS,
    normalise_api_url,
    origin_of,
)
from ping_desktop.engine.events import Event
from ping_desktop.engine.runner import Engine
from ping_desktop.storage.credentials import TOKEN_ENV, CredentialStore
from ping_desktop.storage.paths import AppPaths
from ping_desktop.storage.review_queue import queue_counts
from ping_desktop.storage.runstore import DB_FILE, RunRecord, RunStore
from ping_desktop.storage.settings import Settings, SettingsStore
from ping_desktop.worker.pool import OffloadPool, shared_pool

log = logging.getLogger(__name__)

DEMO_TOKEN = "demo"  # noqa: S105 - the emulator's public demo token, not a secret
#: Emulator speed in demo mode: slow enough to watch the progress bars move.
DEMO_LOCATIONS_PER_SECOND = 40.0
DEMO_LABEL = "Demo data — made-up results from the demo server on this computer"


def api_url_for(settings: Settings) -> str:
    """The API base URL the settings point at (custom URL wins over the environment)."""
    if settings.custom_api_url:
        return normalise_api_url(settings.custom_api_url)
    env = ENVIRONMENTS.get(settings.environment) or ENVIRONMENTS[DEFAULT_ENVIRONMENT]
    return env.api_url


def resolve_api_url(api_url: str | None, environment: str | None,
                    settings: Callable[[], Settings] | None = None) -> str:
    """The API base URL from an explicit URL, else a documented environment key, else the saved
    settings (loaded only then). Raises ValueError with a plain message (an unsafe URL, an
    unknown environment)."""
    if api_url:
        return normalise_api_url(api_url)
    if environment:
        env = ENVIRONMENTS.get(environment)
        if env is None:
            known = ", ".join(sorted(ENVIRONMENTS))
            raise ValueError(f"Unknown environment '{environment}'. Choose one of: {known}.")
        return env.api_url
    return api_url_for((settings or SettingsStore().load)())


def lookup_token(credentials: CredentialStore, api_url: str, *, env_first: bool) -> str | None:
    """The token for ``api_url``'s origin. The command line asks with ``env_first``:
    ``PING_DATA_AUTH_TOKEN`` wins over the keyring there; the window reads the keyring (whose
    store falls back to the variable). Blocking (the keyring may take a second)."""
    if env_first:
        token = os.environ.get(TOKEN_ENV, "").strip()
        if token:
            return token
    return credentials.get_token(origin_of(api_url))


__all__ = [
    "DEMO_LABEL",
    "DEMO_TOKEN",
    "AppServices",
    "DemoBackend",
    "api_url_for",
    "build_services",
    "lookup_token",
    "origin_of",
    "resolve_api_url",
]


class DemoBackend:
    """The built-in emulator on a loopback port, started on first use, stopped on close."""

    def __init__(self, locations_per_second: float = DEMO_LOCATIONS_PER_SECOND) -> None:
        self.locations_per_second = locations_per_second
        self._server: Any = None
        self._lock = asyncio.Lock()

    @property
    def running(self) -> bool:
        """Whether the emulator is serving."""
        return self._server is not None

    @property
    def api_url(self) -> str:
        """The emulator's API base URL (only valid once started)."""
        if self._server is None:
            raise RuntimeError("the demo emulator is not running")
        return str(self._server.api_url)

    async def start(self) -> str:
        """Start the emulator (off the Qt thread) if needed; returns its API URL."""
        async with self._lock:
            if self._server is None:
                from ping_desktop.emulator.config import EmulatorConfig
                from ping_desktop.emulator.server import EmulatorServer

                server = EmulatorServer(
                    EmulatorConfig(
                        tokens=frozenset({DEMO_TOKEN}),
                        locations_per_second=self.locations_per_second,
                    )
                )
                await asyncio.to_thread(server.start)
                self._server = server
                log.info("Demo emulator listening on %s", server.base_url)
            return self.api_url

    async def stop(self) -> None:
        """Stop the emulator if it runs."""
        async with self._lock:
            server, self._server = self._server, None
            if server is not None:
                await asyncio.to_thread(server.stop)


@dataclass
class AppServices:
    """Everything the window needs that is not a widget."""

    paths: AppPaths
    settings_store: SettingsStore
    settings: Settings
    credentials: CredentialStore
    run_store: RunStore
    demo: DemoBackend = field(default_factory=DemoBackend)
    #: The worker process for reading, planning, storing new runs, ingesting the outputs of
    #: running jobs and exporting.
    offload: OffloadPool = field(default_factory=shared_pool)
    _clients: dict[tuple[str, bool], PingDataClient] = field(default_factory=dict)
    _engines: dict[tuple[str, bool, int, int], Engine] = field(default_factory=dict)
    _event_sink: Callable[[Event], None] | None = None

    # -- settings ------------------------------------------------------------------------------
    def api_url(self) -> str:
        """The configured API base URL."""
        return api_url_for(self.settings)

    def api_origin(self) -> str:
        """The configured API origin (where the token may be sent)."""
        return origin_of(self.api_url())

    async def save_settings(self, settings: Settings) -> None:
        """Remember ``settings`` (written off the Qt thread); engines pick them up for new runs."""
        self.settings = settings
        await asyncio.to_thread(self.settings_store.save, settings)

    # -- token ---------------------------------------------------------------------------------
    async def get_token(self, origin: str | None = None) -> str | None:
        """The token for ``origin`` (default: the configured one), read in a worker thread."""
        return await asyncio.to_thread(lookup_token, self.credentials, origin or self.api_url(),
                                       env_first=False)

    async def has_token(self) -> bool:
        """Whether a token is available for the configured origin."""
        return bool(await self.get_token())

    # -- clients and engines -------------------------------------------------------------------
    def set_event_sink(self, sink: Callable[[Event], None]) -> None:
        """Where every engine publishes its progress events."""
        self._event_sink = sink

    async def client_for(self, api_url: str, *, demo: bool = False) -> PingDataClient:
        """One client per (API URL, demo); its token comes from the keyring for that origin."""
        key = (api_url, demo)
        client = self._clients.get(key)
        token = DEMO_TOKEN if demo else await self.get_token(api_url)
        if client is None:
            client = PingDataClient(api_url, token)
            self._clients[key] = client
        else:
            client.set_token(token)
        return client

    async def demo_client(self) -> PingDataClient:
        """A client of the demo emulator (started on demand)."""
        api_url = await self.demo.start()
        return await self.client_for(api_url, demo=True)

    async def configured_client(self) -> PingDataClient:
        """A client of the configured API with the stored token."""
        return await self.client_for(self.api_url())

    async def engine_for(self, *, demo: bool, api_origin: str | None = None) -> Engine:
        """The engine for the demo emulator, or for ``api_origin`` (default: configured)."""
        if demo:
            client = await self.demo_client()
        elif api_origin is None:
            client = await self.configured_client()
        else:
            client = await self.client_for(normalise_api_url(api_origin))
        # Job size and concurrency are part of the key: new settings apply to new runs while
        # running ones keep their engine (the run controller holds it).
        key = (client.api_url, demo, self.settings.locations_per_job,
               self.settings.concurrent_jobs)
        engine = self._engines.get(key)
        if engine is None:
            engine = Engine(
                self.run_store,
                client,
                locations_per_job=self.settings.locations_per_job,
                concurrent_jobs=self.settings.concurrent_jobs,
                on_event=self._publish,
                # Loading, parsing and storing each output holds the GIL for ~0.1 s at a
                # time: in the worker process, the window's Qt thread never waits for it.
                ingest=self.offload.ingest,
            )
            self._engines[key] = engine
        return engine

    async def engine_for_run(self, run: RunRecord) -> Engine:
        """The engine for a stored run's own API (the demo emulator for a demo run): review
        actions and resubmits of that run go there, where its jobs live."""
        if run.is_demo:
            return await self.engine_for(demo=True)
        return await self.engine_for(demo=False, api_origin=run.api_origin)

    # -- review --------------------------------------------------------------------------------
    async def review_counts(self, run_ids: Sequence[int]) -> dict[int, int]:
        """How many rows of each run need review (History's count), with the low-confidence
        threshold in Settings; read in a worker thread."""
        threshold = self.settings.low_confidence_threshold
        return await asyncio.to_thread(queue_counts, self.run_store, list(run_ids), threshold)

    def _publish(self, event: Event) -> None:
        if self._event_sink is not None:
            self._event_sink(event)

    async def aclose(self) -> None:
        """Close every engine (its database thread) and client, stop the demo emulator and
        close the store. Stop the runs first."""
        closing: list[Engine | PingDataClient] = [*self._engines.values(),
                                                  *self._clients.values()]
        self._engines.clear()
        self._clients.clear()
        for item in closing:  # engines first: their last store writes may still be running
            try:
                await item.aclose()
            except Exception:  # closing must go on
                log.exception("Closing %s failed", type(item).__name__)
        await self.demo.stop()
        await asyncio.to_thread(self.run_store.close)


def build_services(paths: AppPaths) -> AppServices:
    """Create the stores for ``paths`` (folders are created). Blocking: call off the Qt thread."""
    paths.ensure()
    settings_store = SettingsStore(paths.config_dir / "settings.json")
    return AppServices(
        paths=paths,
        settings_store=settings_store,
        settings=settings_store.load(),
        credentials=CredentialStore(),
        run_store=RunStore(paths.data_dir / DB_FILE),
    )
