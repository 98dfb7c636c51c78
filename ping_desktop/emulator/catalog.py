"""The datasource catalogue: what each emulated source needs, covers and returns.

A `SourceSpec` holds both the public `DatasourceConfig` (served by /datasources) and the
generator of its results, side by side, so the advertised `output_fields` and the fields the
outputs contain cannot drift apart (a test checks they are identical).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from ping_desktop.emulator.geocode import Geocode, Place
from ping_desktop.emulator.rng import Rng


class Field(NamedTuple):
    """One output field as described in a DatasourceConfig."""

    type: str
    description: str
    display_type: str | None = None
    category: tuple[str, ...] = ()

    def as_config(self) -> dict[str, Any]:
        """The JSON form used in `output_fields` / `base_output_fields`."""
        out: dict[str, Any] = {"type": self.type, "description": self.description}
        if self.display_type:
            out["display_type"] = self.display_type
        if self.category:
            out["category"] = list(self.category)
        return out


@dataclass(frozen=True)
class SourceInput:
    """Everything a generator may look at for one location."""

    location: dict[str, Any]
    geocode: Geocode | None
    place: Place | None
    rng: Rng


Generator = Callable[[SourceInput], dict[str, Any]]


@dataclass(frozen=True)
class SourceSpec:
    """An emulated datasource: its public configuration and its result generator."""

    code: str
    name: str
    is_geocoder: bool
    output_fields: dict[str, Field]
    generate: Generator
    required_attrs: tuple[str, ...] = ()
    optional_attrs: tuple[str, ...] = ("address", "latitude", "longitude")
    supported_countries: tuple[str, ...] | None = ("US",)
    supported_us_states: tuple[str, ...] | None = None
    excluded_us_states: tuple[str, ...] | None = None
    geocode_confidence_required: int | None = None
    geocode_precision_required: int | None = None
    non_supported_input_values: dict[str, list[str]] | None = None
    requires_credentials: bool = False
    fetch_time: tuple[float, float] = (0.05, 0.4)

    def config(self) -> dict[str, Any]:
        """This source's `DatasourceConfig` JSON."""
        return {
            "source_name": self.name,
            "source_code": self.code,
            "required_attrs": list(self.required_attrs),
            "optional_attrs": list(self.optional_attrs),
            "requires_credentials": self.requires_credentials,
            "non_supported_input_values": self.non_supported_input_values,
            "supported_countries": _opt_list(self.supported_countries),
            "supported_us_states": _opt_list(self.supported_us_states),
            "excluded_us_states": _opt_list(self.excluded_us_states),
            "geocode_confidence_required": self.geocode_confidence_required,
            "geocode_precision_required": self.geocode_precision_required,
            "output_fields": {k: f.as_config() for k, f in self.output_fields.items()},
            "base_output_fields": {k: f.as_config() for k, f in BASE_OUTPUT_FIELDS.items()},
        }


def _opt_list(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else list(values)


BASE_OUTPUT_FIELDS: dict[str, Field] = {
    "is_success": Field("boolean", "Whether the data was retrieved successfully."),
    "error_message": Field("string", "Why the retrieval failed; null on success."),
    "confidence": Field("float", "Reliability of the returned data, 0 to 100.", "percent"),
    "status_code": Field("integer", "HTTP-style status of the fetch (200 on success)."),
    "fetch_time": Field("float", "Seconds spent fetching this result."),
    "is_cache_hit": Field("boolean", "Whether the result was served from the cache."),
    "worker_name": Field("string", "Identifier of the worker that handled the fetch."),
    "persist_for": Field("object", "How long the result may be cached before a refetch."),
    "raw_response": Field(
        "object", "Unprocessed upstream response (only with include_raw_response)."
    ),
}


def registry() -> dict[str, SourceSpec]:
    """Every emulated source by code, in catalogue order."""
    from ping_desktop.emulator import sources_geo, sources_hazard, sources_property

    specs = [*sources_geo.SPECS, *sources_hazard.SPECS, *sources_property.SPECS]
    return {spec.code: spec for spec in specs}


SOURCES: dict[str, SourceSpec] = {}


def sources() -> dict[str, SourceSpec]:
    """The catalogue, built once."""
    if not SOURCES:
        SOURCES.update(registry())
    return SOURCES
