"""Validation of POST /bulk_enhance bodies, answering like Django REST Framework would."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGES = 20
DATASOURCES_HINT = "Use GET /datasources to see the codes available to you."


@dataclass
class Rejection:
    """An error answer: HTTP status and JSON body."""

    status: int
    body: dict[str, Any]


@dataclass
class BulkRequest:
    """A valid bulk request: locations and the source codes each one gets."""

    locations: list[dict[str, Any]]
    codes: list[list[str]]
    include_raw_response: bool = False
    check_cache: bool = True
    options: dict[str, Any] = field(default_factory=dict)


def _type_name(value: object) -> str:
    return {dict: "dict", list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
        type(value), type(value).__name__
    )


def normalise_codes(value: object) -> list[str] | None:
    """Upper-cased, de-duplicated codes in their order; None when not a list of strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    seen: dict[str, None] = {}
    for code in value:
        if code.strip():
            seen.setdefault(code.strip().upper(), None)
    return list(seen)


def check_bulk(
    body: object,
    known: Collection[str],
    allowed: Callable[[str], bool],
    max_locations: int,
) -> BulkRequest | Rejection:
    """Validate a decoded bulk body; the result is either the request or the error answer."""
    if not isinstance(body, dict):
        return Rejection(
            400,
            {
                "non_field_errors": [
                    f"Invalid data. Expected a dictionary, but got {_type_name(body)}."
                ]
            },
        )
    locations = body.get("locations")
    if locations is None:
        return Rejection(400, {"locations": ["This field is required."]})
    if not isinstance(locations, list):
        return Rejection(
            400,
            {"locations": [f'Expected a list of items but got type "{_type_name(locations)}".']},
        )
    if not locations:
        return Rejection(400, {"locations": ["This list may not be empty."]})
    if len(locations) > max_locations:
        return Rejection(
            413,
            {
                "detail": f"Too many locations in one request ({len(locations)}). "
                f"The maximum is {max_locations}.",
                "max_locations": max_locations,
            },
        )
    errors: dict[str, list[str]] = {}
    batch: list[str] = []
    if body.get("sources") is not None:
        parsed = normalise_codes(body["sources"])
        if parsed is None:
            errors["sources"] = ["Expected a list of source code strings."]
        else:
            batch = parsed
            unknown = [c for c in batch if c not in known]
            if unknown:
                errors["sources"] = [
                    f"Unknown source code(s): {', '.join(unknown)}. {DATASOURCES_HINT}"
                ]
    problems, codes = _check_locations(locations, batch, known)
    if problems:
        extra = len(problems) - MAX_MESSAGES
        errors["locations"] = problems[:MAX_MESSAGES] + (
            [f"... and {extra} more problem(s)."] if extra > 0 else []
        )
    if any(not c for c in codes) and "sources" not in errors:
        errors["sources"] = ["This field is required (or give every location its own sources)."]
    for name in ("include_raw_response", "check_cache"):
        if body.get(name) is not None and not isinstance(body[name], bool):
            errors[name] = ["Must be a valid boolean."]
    timeout = body.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        errors["timeout"] = ["A valid number is required."]
    if errors:
        return Rejection(400, errors)
    refused = sorted({c for per in codes for c in per if not allowed(c)})
    if refused:
        return Rejection(
            403, {"detail": f"You do not have permission to use source(s): {', '.join(refused)}."}
        )
    return BulkRequest(
        locations=locations,
        codes=codes,
        include_raw_response=bool(body.get("include_raw_response", False)),
        check_cache=body.get("check_cache", True) is not False,
        options={k: body.get(k) for k in ("timeout", "callback_url", "delegate_to")},
    )


def _check_locations(
    locations: list[Any], batch: list[str], known: Collection[str]
) -> tuple[list[str], list[list[str]]]:
    problems: list[str] = []
    codes: list[list[str]] = []
    first_index: dict[str, int] = {}
    for index, location in enumerate(locations):
        where = f"locations[{index}]"
        if not isinstance(location, dict):
            problems.append(f"{where}: expected an object, got {_type_name(location)}.")
            codes.append(batch)
            continue
        loc_id = location.get("id")
        if not isinstance(loc_id, str) or not loc_id.strip():
            problems.append(f'{where}: "id" is required and must be a non-empty string.')
        elif loc_id in first_index:
            problems.append(
                f'{where}: duplicate id "{loc_id}" (first used by '
                f"locations[{first_index[loc_id]}]); ids must be unique within a request."
            )
        else:
            first_index[loc_id] = index
        own = location.get("sources")
        mine = batch
        if own is not None:
            parsed = normalise_codes(own)
            if parsed is None:
                problems.append(f'{where}: "sources" must be a list of source code strings.')
            elif parsed:
                mine = parsed
                unknown = [c for c in parsed if c not in known]
                if unknown:
                    problems.append(
                        f"{where}: unknown source code(s): {', '.join(unknown)}. {DATASOURCES_HINT}"
                    )
        codes.append(mine)
        problems.extend(_field_types(where, location))
        for name, limit in (("latitude", 90.0), ("longitude", 180.0)):
            value = location.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > limit:
                problems.append(
                    f"{where}: {name} must be a number between -{limit:g} and {limit:g}."
                )
    return problems, codes


STRING_FIELDS = (
    "address",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "postal_code",
    "county",
    "country",
    "bldg_name",
)
NUMBER_FIELDS = (
    "const__bldg_year_built",
    "const__num_stories",
    "const__num_stories_below_gnd",
    "const__bldg_area",
    "limits__building_limit",
    "limits__bpp_limit",
    "limits__bi_limit",
    "limits__signs_and_other_limit",
    "dtc_include_coastline_within_miles",
)


def _field_types(where: str, location: dict[str, Any]) -> list[str]:
    problems = []
    for name in STRING_FIELDS:
        value = location.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{where}: {name} must be a string.")
    for name in NUMBER_FIELDS:
        value = location.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(f"{where}: {name} must be a number.")
    return problems
