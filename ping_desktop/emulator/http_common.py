"""Helpers every endpoint uses: the emulator state of a request, token checks, JSON answers."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ping_desktop.emulator.state import EmulatorState

NOT_FOUND = {"detail": "Not found."}


def state_of(request: Request) -> EmulatorState:
    """The emulator state behind the app serving this request."""
    state: EmulatorState = request.app.state.emulator
    return state


def json_answer(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON response."""
    return JSONResponse(body, status_code=status, headers=headers)


def not_found() -> JSONResponse:
    """DRF's 404."""
    return json_answer(NOT_FOUND, 404)


def check_token(request: Request) -> JSONResponse | None:
    """None when `Authorization: Token <key>` carries a known key, else the 401 answer."""
    state = state_of(request)
    header = request.headers.get("authorization", "")
    parts = header.split()
    detail: str | None = None
    if not parts or parts[0].lower() != "token":
        detail = "Authentication credentials were not provided."
    elif len(parts) == 1:
        detail = "Invalid token header. No credentials provided."
    elif len(parts) > 2:
        detail = "Invalid token header. Token string should not contain spaces."
    elif parts[1] not in state.config.tokens:
        detail = "Invalid token."
    if detail is None:
        return None
    state.stats.count_auth_failure()
    return json_answer({"detail": detail}, 401, {"WWW-Authenticate": "Token"})


def origin_of(request: Request) -> str:
    """Scheme, host and port the client used, for absolute URLs that point back here."""
    return str(request.base_url).rstrip("/")
