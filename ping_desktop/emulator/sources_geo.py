"""Emulated geocoders: PG (Ping Geocoding), GG (Google Geocoding), LBG (Lightbox Geocoding).

All three report a slight variation of the location's canonical geocode, so they agree with each
other the way real geocoders roughly do.
"""

from __future__ import annotations

from typing import Any

from ping_desktop.emulator import places
from ping_desktop.emulator.catalog import Field, SourceInput, SourceSpec
from ping_desktop.emulator.geocode import Geocode

GEOCODER_INPUTS = (
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "postal_code",
    "county",
    "country",
)
JUNK_VALUES = {"address": ["", "N/A", "TBD", "UNKNOWN", "VARIOUS"]}

_COORDS = {
    "latitude": Field(
        "float", "Latitude of the geocoded point (WGS84).", "latitude", ("location",)
    ),
    "longitude": Field(
        "float", "Longitude of the geocoded point (WGS84).", "longitude", ("location",)
    ),
}
_ADDRESS = {
    "formatted_address": Field("string", "Full standardised address.", None, ("address",)),
    "address_line_1": Field(
        "string", "Street line of the standardised address.", None, ("address",)
    ),
    "address_line_2": Field("string", "Unit / suite line.", None, ("address",)),
    "street_number": Field("string", "House number.", None, ("address",)),
    "route": Field("string", "Street name.", None, ("address",)),
    "city": Field("string", "City.", None, ("address",)),
    "state": Field("string", "State or region code.", None, ("address",)),
    "postal_code": Field("string", "Postal (ZIP) code.", None, ("address",)),
    "county": Field("string", "County.", None, ("address",)),
    "country": Field("string", "ISO 3166-1 alpha-2 country code.", None, ("address",)),
}
_QUALITY = {
    "location_type": Field(
        "string",
        "ROOFTOP, RANGE_INTERPOLATED, GEOMETRIC_CENTER or APPROXIMATE.",
        None,
        ("quality",),
    ),
    "precision": Field(
        "string", "ADDRESS, STREET, POSTAL_CODE, LOCALITY or REGION.", None, ("quality",)
    ),
    "precision_code": Field(
        "integer", "Precision as a number, 5 (rooftop) to 1 (region).", None, ("quality",)
    ),
}


def _variation(g: Geocode, inp: SourceInput) -> dict[str, Any]:
    rng = inp.rng
    unit = str(inp.location.get("address_line_2") or "")
    line1 = f"{g.street_number} {g.route}".strip()
    state = g.state or ""
    locality = ", ".join(p for p in (g.city, f"{state} {g.postal_code}".strip()) if p)
    formatted = ", ".join(
        p for p in (line1, locality, "USA" if g.country == "US" else g.country) if p
    )
    return {
        "latitude": round(g.lat + rng.uniform(-0.0004, 0.0004), 6),
        "longitude": round(g.lon + rng.uniform(-0.0004, 0.0004), 6),
        "formatted_address": formatted,
        "address_line_1": line1,
        "address_line_2": unit,
        "street_number": g.street_number,
        "route": g.route,
        "city": g.city,
        "state": state,
        "postal_code": g.postal_code,
        "county": g.county if g.country == "US" else "",
        "country": g.country,
        "location_type": g.location_type,
        "precision": g.precision,
        "precision_code": g.precision_code,
    }


def _confidence(g: Geocode, inp: SourceInput) -> int:
    return max(0, min(100, g.confidence + inp.rng.randint(-3, 3)))


def _pg(inp: SourceInput) -> dict[str, Any]:
    g = _require(inp)
    out = _variation(g, inp)
    out["match_level"] = g.match_level
    out["geocoder"] = inp.rng.choice(("LBG", "GG", "PSG"))
    out["confidence"] = _confidence(g, inp)
    return out


def _gg(inp: SourceInput) -> dict[str, Any]:
    g = _require(inp)
    out = _variation(g, inp)
    del out["precision"], out["precision_code"]
    out["place_id"] = "ChIJ" + "".join(
        inp.rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-")
        for _ in range(23)
    )
    out["confidence"] = _confidence(g, inp)
    return out


def _lbg(inp: SourceInput) -> dict[str, Any]:
    g = _require(inp)
    rng = inp.rng
    out = _variation(g, inp)
    state = places.STATE_BY_CODE.get(g.state or "")
    score = _confidence(g, inp)
    out.update(
        {
            "confidence": score,
            "score": score,
            "address_id": f"{rng.getrandbits(40):010X}",
            "assessment_id": f"{rng.getrandbits(40):010X}",
            "parcel_id": f"{rng.getrandbits(40):010X}",
            "structure_id": f"{rng.getrandbits(40):010X}",
            "state_code": g.state or "",
            "state_name": state.name if state else "",
            "country_subdivision_code": f"US-{g.state}" if g.state else "",
            "country_subdivision_name": state.name if state else "",
        }
    )
    for part in ("address_line_1", "city", "postal_code", "route", "street_number"):
        out[f"{part}_score"] = min(100, score + rng.randint(0, 5)) if out[part] else 0
    return out


def _require(inp: SourceInput) -> Geocode:
    if inp.geocode is None:  # the caller checks first; this guards the generator's contract
        raise ValueError("geocode required")
    return inp.geocode


_PG_FIELDS = {
    **_COORDS,
    **_ADDRESS,
    **_QUALITY,
    "match_level": Field(
        "string",
        "Granularity of the match: address, street, postal_code, city or state.",
        None,
        ("quality",),
    ),
    "geocoder": Field(
        "string", "Which underlying geocoder produced the chosen result.", None, ("quality",)
    ),
}
_GG_FIELDS = {
    **_COORDS,
    **_ADDRESS,
    "location_type": _QUALITY["location_type"],
    "place_id": Field("string", "Google place identifier."),
}
_LBG_FIELDS = {
    **_COORDS,
    **_ADDRESS,
    **_QUALITY,
    "score": Field("integer", "Lightbox match score, 0 to 100.", None, ("quality",)),
    "address_id": Field("string", "Lightbox address identifier.", None, ("identifiers",)),
    "assessment_id": Field("string", "Lightbox assessment identifier.", None, ("identifiers",)),
    "parcel_id": Field("string", "Lightbox parcel identifier.", None, ("identifiers",)),
    "structure_id": Field("string", "Lightbox structure identifier.", None, ("identifiers",)),
    "state_code": Field("string", "State code.", None, ("address",)),
    "state_name": Field("string", "State name.", None, ("address",)),
    "country_subdivision_code": Field("string", "ISO 3166-2 subdivision code.", None, ("address",)),
    "country_subdivision_name": Field("string", "Subdivision name.", None, ("address",)),
    **{
        f"{p}_score": Field("integer", f"Match score of {p}, 0 to 100.", None, ("quality",))
        for p in ("address_line_1", "city", "postal_code", "route", "street_number")
    },
}

SPECS = (
    SourceSpec(
        "PG",
        "Ping Geocoding",
        True,
        _PG_FIELDS,
        _pg,
        required_attrs=("address",),
        optional_attrs=GEOCODER_INPUTS,
        supported_countries=None,
        non_supported_input_values=JUNK_VALUES,
        fetch_time=(0.08, 0.16),
    ),
    SourceSpec(
        "GG",
        "Google Geocoding",
        True,
        _GG_FIELDS,
        _gg,
        required_attrs=("address",),
        optional_attrs=GEOCODER_INPUTS,
        supported_countries=None,
        non_supported_input_values=JUNK_VALUES,
        fetch_time=(0.1, 0.3),
    ),
    SourceSpec(
        "LBG",
        "Lightbox Geocoding",
        True,
        _LBG_FIELDS,
        _lbg,
        required_attrs=("address",),
        optional_attrs=GEOCODER_INPUTS,
        non_supported_input_values=JUNK_VALUES,
        fetch_time=(0.1, 0.35),
    ),
)
