"""Single-location enhance, datasources, usage, and the test-only /__emulator__ endpoints."""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ping_desktop.emulator.bulk import read_json_body
from ping_desktop.emulator.catalog import sources
from ping_desktop.emulator.http_common import check_token, json_answer, not_found, state_of
from ping_desktop.emulator.results import enhance_location
from ping_desktop.emulator.usage import parse_moment
from ping_desktop.emulator.validation import DATASOURCES_HINT

CONTROL_PARAMS = frozenset(
    {"sources", "timeout", "include_raw_response", "check_cache", "delegate_to"}
)
FLOAT_PARAMS = frozenset(
    {
        "latitude",
        "longitude",
        "dtc_include_coastline_within_miles",
        "limits__building_limit",
        "limits__bpp_limit",
        "limits__bi_limit",
        "limits__signs_and_other_limit",
    }
)
INT_PARAMS = frozenset(
    {
        "const__bldg_year_built",
        "const__num_stories",
        "const__num_stories_below_gnd",
        "const__bldg_area",
    }
)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes", "on")


async def enhance(request: Request) -> Response:
    """GET /enhance: one location from query parameters, answered synchronously."""
    denied = check_token(request)
    if denied is not None:
        return denied
    state = state_of(request)
    params = request.query_params
    codes: list[str] = []
    for value in params.getlist("sources"):
        for code in value.split(","):
            if code.strip() and code.strip().upper() not in codes:
                codes.append(code.strip().upper())
    if not codes:
        return json_answer({"sources": ["This field is required."]}, 400)
    unknown = [c for c in codes if c not in sources()]
    if unknown:
        return json_answer(
            {"sources": [f"Unknown source code(s): {', '.join(unknown)}. {DATASOURCES_HINT}"]}, 400
        )
    location: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in params:
        if key in CONTROL_PARAMS:
            continue
        raw = params.get(key)
        try:
            location[key] = _convert(key, raw)
        except ValueError:
            errors[key] = ["A valid number is required."]
    if errors:
        return json_answer(errors, 400)
    refused = [c for c in codes if not state.allowed(c)]
    if refused:
        return json_answer(
            {"detail": f"You do not have permission to use source(s): {', '.join(refused)}."}, 403
        )
    result = enhance_location(
        location,
        codes,
        seed=state.config.seed,
        failing_sources=frozenset(state.faults.failing_sources),
        include_raw_response=_truthy(params.get("include_raw_response")),
        check_cache=params.get("check_cache", "True").strip().lower() not in ("false", "0", "no"),
    )
    state.usage.record([codes])
    return json_answer({"id": str(uuid.uuid1()), "location_data": result.entries})


def _convert(key: str, raw: str | None) -> Any:
    if raw is None or raw == "":
        return None
    if key in FLOAT_PARAMS:
        return float(raw)
    if key in INT_PARAMS:
        return int(float(raw))
    if key == "dtc_return_connected_coastlines":
        return _truthy(raw)
    return raw


async def list_datasources(request: Request) -> Response:
    """GET /datasources: configs of the sources this account may use."""
    denied = check_token(request)
    if denied is not None:
        return denied
    state = state_of(request)
    configs = {code: spec.config() for code, spec in sources().items() if state.allowed(code)}
    return json_answer({"configs": configs})


async def get_datasource(request: Request) -> Response:
    """GET /datasources/{code} (case-insensitive)."""
    denied = check_token(request)
    if denied is not None:
        return denied
    code = str(request.path_params["code"]).upper()
    spec = sources().get(code)
    if spec is None or not state_of(request).allowed(code):
        return not_found()
    return json_answer({"config": spec.config()})


async def usage(request: Request) -> Response:
    """GET /usage: credits (locations x sources) over a time range."""
    denied = check_token(request)
    if denied is not None:
        return denied
    state = state_of(request)
    params = request.query_params
    if params.get("username") not in (None, "", state.config.username) or params.get(
        "org_short_name"
    ):
        return json_answer({"detail": "You do not have permission to perform this action."}, 403)
    now = time.time()
    errors: dict[str, list[str]] = {}
    moments: dict[str, float] = {}
    for name, default in (("start", now - 30 * 86400), ("end", now)):
        try:
            moments[name] = parse_moment(params.get(name), default, now)
        except ValueError:
            errors[name] = ["Use a relative offset such as -5m, -1h, -30d or an ISO-8601 UTC time."]
    if errors:
        return json_answer(errors, 400)
    if moments["start"] > moments["end"]:
        return json_answer({"start": ["start must be before end."]}, 400)
    return json_answer(state.usage.report(moments["start"], moments["end"]))


async def control_stats(request: Request) -> Response:
    """GET /__emulator__/stats (test-only, no auth)."""
    state = state_of(request)
    body = state.stats.snapshot()
    body["jobs"] = len(state.jobs)
    return json_answer(body)


async def control_faults(request: Request) -> Response:
    """GET or POST /__emulator__/faults (test-only): read or change the live faults."""
    state = state_of(request)
    if request.method == "POST":
        body = await read_json_body(request, 1 << 20)
        if isinstance(body, JSONResponse):
            return body
        if not isinstance(body, dict):
            return json_answer({"detail": "Expected a JSON object of fault fields."}, 400)
        try:
            state.faults.update(body)
        except (ValueError, TypeError) as exc:
            return json_answer({"detail": str(exc)}, 400)
    return json_answer(state.faults.snapshot())


async def control_reset(request: Request) -> Response:
    """POST /__emulator__/reset (test-only): zero statistics and clear faults.

    With `?jobs=1` it also forgets every job and all usage.
    """
    state = state_of(request)
    state.stats.reset()
    state.faults.reset()
    if _truthy(request.query_params.get("jobs")):
        state.jobs.clear()
        state.usage.clear()
    return json_answer({"detail": "Reset."})
