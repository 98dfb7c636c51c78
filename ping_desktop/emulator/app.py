"""The emulator's ASGI application: routes under /api/v1 plus the test-only /__emulator__."""

from __future__ import annotations

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
        Route("/__emulator__/stats", info.control_stats, methods=["GET"]),
        Route("/__emulator__/faults", info.control_faults, methods=["GET", "POST"]),
        Route("/__emulator__/reset", info.control_reset, methods=["POST"]),
    ]
    app = EmulatorApp(routes=routes, exception_handlers={HTTPException: _http_error})
    app.emulator = state
    app.state.emulator = state
    return app
