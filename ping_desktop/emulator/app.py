"""The emulator's ASGI application: routes under /api/v1 plus the test-only /__emulator__."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ping_desktop.emulator import bulk, info
from ping_desktop.emulator.config import EmulatorConfig, Faults
from ping_desktop.emulator.faultlayer import inject_faults
from ping_desktop.emulator.http_common import json_answer
from ping_desktop.emulator.state import EmulatorState

API = "/api/v1"
Endpoint = Callable[[Request], Awaitable[Response]]


class EmulatorApp(Starlette):
    """A Starlette app whose outermost layer injects request-level faults.

    The fault layer must see uvicorn's own `send` (to drop connections), so it runs here,
    before Starlette's middleware stack wraps `send`.
    """

    emulator: EmulatorState

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        await inject_faults(self.emulator, scope, receive, send, super().__call__)  # type: ignore[arg-type]


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return json_answer({"detail": "Not found."}, 404)
    if status == 405:
        return json_answer({"detail": f'Method "{request.method}" not allowed.'}, 405)
    return json_answer({"detail": getattr(exc, "detail", "Error.")}, status)


def is_loopback_client(request: Request) -> bool:
    """Whether the request comes from this computer (127.0.0.0/8, ::1)."""
    host = request.client.host if request.client else ""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def loopback_only(handler: Endpoint) -> Endpoint:
    """``handler`` for requests from this computer; 404 for any other (issue 17, finding 9):
    the control endpoints need no token and change the emulator's behaviour, so an emulator
    bound to every interface must not offer them to the network."""

    async def guarded(request: Request) -> Response:
        if not is_loopback_client(request):
            return json_answer({"detail": "Not found."}, 404)
        return await handler(request)

    guarded.__doc__ = handler.__doc__
    return guarded


def create_app(config: EmulatorConfig | None = None, faults: Faults | None = None) -> EmulatorApp:
    """A ready ASGI app emulating the Ping.Data API (serve it with any ASGI server)."""
    state = EmulatorState(config=config or EmulatorConfig(), faults=faults or Faults())
    routes = [
        Route(f"{API}/bulk_enhance", bulk.create_job, methods=["POST"]),
        Route(f"{API}/bulk_enhance/{{job_id}}", bulk.job_status, methods=["GET"]),
        Route(
            f"{API}/bulk_enhance/{{job_id}}/output/{{filename}}", bulk.job_output, methods=["GET"]
        ),
        Route(f"{API}/enhance", info.enhance, methods=["GET"]),
        Route(f"{API}/datasources", info.list_datasources, methods=["GET"]),
        Route(f"{API}/datasources/{{code}}", info.get_datasource, methods=["GET"]),
        Route(f"{API}/usage", info.usage, methods=["GET"]),
        Route("/__emulator__/stats", loopback_only(info.control_stats), methods=["GET"]),
        Route("/__emulator__/faults", loopback_only(info.control_faults),
              methods=["GET", "POST"]),
        Route("/__emulator__/reset", loopback_only(info.control_reset), methods=["POST"]),
    ]
    app = EmulatorApp(routes=routes, exception_handlers={HTTPException: _http_error})
    app.emulator = state
    app.state.emulator = state
    return app
