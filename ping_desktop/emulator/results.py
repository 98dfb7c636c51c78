"""Per-location results: base attributes, realistic per-source failures, generated fields."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ping_desktop.emulator import geocode as geo
from ping_desktop.emulator.catalog import SourceInput, SourceSpec, sources
from ping_desktop.emulator.rng import derived_rng, hash64

PERSIST_FOR = {"days": 30}
GEOCODE_FAILED = "Address could not be geocoded."
NO_LOCATION = "No location: geocoding failed."


@dataclass(frozen=True)
class Failure:
    """Why a source produced no data for a location."""

    status_code: int
    message: str


@dataclass
class LocationResult:
    """The output entries of one location, by source code, and whether any source failed."""

    entries: dict[str, dict[str, Any]]
    problem: bool


def enhance_location(
    location: dict[str, Any],
    codes: Sequence[str],
    *,
    seed: int,
    failing_sources: Collection[str] = (),
    include_raw_response: bool = False,
    check_cache: bool = True,
) -> LocationResult:
    """Run every requested source for one location, deterministically."""
    catalog = sources()
    base_hash = hash64(geo.normalise(location), seed)
    code: geo.Geocode | None = None
    if geo.has_address(location):
        code = geo.geocode(location, seed, base_hash)
    place = geo.resolve_place(location, code)
    entries: dict[str, dict[str, Any]] = {}
    problem = False
    for source in codes:
        spec = catalog[source]
        rng = derived_rng(base_hash, source)
        lo, hi = spec.fetch_time
        base: dict[str, Any] = {
            "is_success": True,
            "error_message": None,
            "confidence": rng.randint(80, 99),
            "status_code": 200,
            "fetch_time": round(rng.uniform(lo, hi), 3),
            "is_cache_hit": check_cache and rng.random() < 0.2,
            "worker_name": f"emulator-worker-{rng.randint(1, 8)}",
            "persist_for": PERSIST_FOR,
        }
        failure = _failure(spec, location, code, place, failing_sources)
        fields: dict[str, Any] = {}
        if failure is None:
            try:
                fields = spec.generate(SourceInput(location, code, place, rng))
            except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
                # Odd input values must fail this one source, never wedge the whole job.
                failure = Failure(422, f"Invalid input for {spec.name}: {exc}.")
        if failure is not None:
            problem = True
            base.update(
                is_success=False,
                error_message=failure.message,
                confidence=0,
                status_code=failure.status_code,
                is_cache_hit=False,
            )
            if include_raw_response:
                base["raw_response"] = {"status": "ERROR", "message": failure.message}
            entries[source] = base
            continue
        base.update(fields)
        if include_raw_response:
            base["raw_response"] = {"status": "OK", "provider": spec.name, "data": fields}
        entries[source] = base
    return LocationResult(entries, problem)


def _failure(
    spec: SourceSpec,
    location: dict[str, Any],
    code: geo.Geocode | None,
    place: geo.Place | None,
    failing_sources: Collection[str],
) -> Failure | None:
    if spec.code in failing_sources:
        return Failure(503, f"{spec.name} is temporarily unavailable (upstream HTTP 503).")
    missing = [a for a in spec.required_attrs if not _present(location, a)]
    if missing:
        return Failure(400, f"Missing required attribute(s): {', '.join(missing)}.")
    if spec.is_geocoder:
        if code is None:
            return Failure(422, GEOCODE_FAILED)
        return _coverage(spec, code.country, code.state)
    if place is None:
        return Failure(424, NO_LOCATION)
    outside = _coverage(spec, place.country, place.state)
    if outside is not None:
        return outside
    if not place.from_input:
        need = spec.geocode_confidence_required
        if need is not None and place.confidence < need:
            return Failure(
                422,
                f"Geocode confidence {place.confidence} is below the {need} this source requires.",
            )
        need = spec.geocode_precision_required
        if need is not None and place.precision_code < need:
            return Failure(
                422,
                f"Geocode precision {place.precision_code} is below the {need} "
                "this source requires.",
            )
    return None


def _coverage(spec: SourceSpec, country: str, state: str | None) -> Failure | None:
    if spec.supported_countries is not None and country not in spec.supported_countries:
        names = ", ".join(spec.supported_countries)
        return Failure(
            404, f"Location is outside the coverage of {spec.name} (countries: {names})."
        )
    if country == "US" and state is not None:
        if spec.supported_us_states is not None and state not in spec.supported_us_states:
            names = ", ".join(spec.supported_us_states)
            return Failure(404, f"{spec.name} does not cover {state} (states covered: {names}).")
        if spec.excluded_us_states is not None and state in spec.excluded_us_states:
            return Failure(404, f"{spec.name} does not cover {state}.")
    return None


def _present(location: dict[str, Any], attr: str) -> bool:
    if attr == "address":
        return geo.has_address(location)
    value = location.get(attr)
    return value is not None and value != ""
