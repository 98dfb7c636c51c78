"""Request-level fault injection, run before routing: slowness, drops, 429s and 5xx bursts.

It works on raw ASGI messages because a dropped connection cannot be expressed as a response:
uvicorn's `send` is a bound method of its request cycle, whose transport we close directly.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from ping_desktop.emulator.state import EmulatorState, route_name

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CLOSE_KEY = "emulator.close_connection"
SERVER_ERROR_DETAIL = {
    500: "A server error occurred.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable, try again later.",
    504: "Gateway timeout.",
}


def close_connection(send: Send) -> bool:
    """Close the client connection at once (no or partial response); False if impossible."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    transport.close()
    # Tell uvicorn the peer is gone so it does not try to answer with a 500 or log an error.
    cycle.disconnected = True  # type: ignore[union-attr]
    return True


async def send_json(
    send: Send, status: int, body: object, headers: dict[str, str] | None = None
) -> None:
    """Answer with a JSON body (outside Starlette)."""
    data = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": data})


def retry_after_text(seconds: float) -> str:
    """The Retry-After header value: an integer when whole, else the decimal number."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def inject_faults(
    state: EmulatorState, scope: Scope, receive: Receive, send: Send, app: ASGIApp
) -> None:
    """Count the request, inject the due request-level fault, else hand over to `app`."""
    if scope["type"] != "http" or not scope["path"].startswith("/api/"):
        await app(scope, receive, send)
        return
    method, path = scope["method"], scope["path"]
    state.stats.count_request(route_name(method, path))
    scope[CLOSE_KEY] = lambda: close_connection(send)
    faults, stats = state.faults, state.stats
    if not faults.matches(method, path):
        await app(scope, receive, send)
        return
    if faults.slow_seconds > 0:
        await asyncio.sleep(faults.slow_seconds)
    if faults.take("drop_connections"):
        stats.count_fault("drop_connections")
        await _drain(receive)
        if not close_connection(send):
            # No transport to close: send an incomplete response, uvicorn then closes.
            start = {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"100")],
            }
            await send(start)
        return
    if faults.take("throttle"):
        stats.count_fault("throttle")
        wait = max(1, math.ceil(faults.retry_after))
        unit = "second" if wait == 1 else "seconds"
        await send_json(
            send,
            429,
            {"detail": f"Request was throttled. Expected available in {wait} {unit}."},
            {"Retry-After": retry_after_text(faults.retry_after)},
        )
        return
    if faults.take("server_errors"):
        stats.count_fault("server_errors")
        status = faults.server_error_status
        await send_json(send, status, {"detail": SERVER_ERROR_DETAIL.get(status, "Server error.")})
        return
    await app(scope, receive, send)
