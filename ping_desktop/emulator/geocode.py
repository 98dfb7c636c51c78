"""Deterministic synthetic geocoding: from a location object to a plausible point.

The same normalised location always gives the same point (hash of the input and the seed). A US
address whose ZIP (or city and state) is in the shipped ZIP table lands within a couple of km of
that place, with its real city and county; a ZIP that contradicts the city or state lowers the
confidence. Other points lie roughly inside the state named in the address; addresses nobody
could geocode ("unknown", "n/a", punctuation, a bare word) fail like they would against a real
geocoder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ping_desktop.emulator import places, zipref
from ping_desktop.emulator.rng import derived_rng, hash64, seeded_rng

STRUCTURED_FIELDS = ("address_line_1", "address_line_2", "city", "state", "postal_code", "county")
JUNK_ADDRESSES = frozenset(
    {
        "unknown",
        "tbd",
        "tba",
        "n/a",
        "na",
        "none",
        "null",
        "nil",
        "various",
        "multiple",
        "see schedule",
        "same as above",
        "-",
        "--",
        "?",
        "0",
        "x",
        "xx",
        "xxx",
        "address",
    }
)
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
_STREET = re.compile(r"^\s*(\d+[a-z]?(?:-\d+)?)\s+(.+)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_ZIP_SPREAD = 0.02  # degrees (~2 km): points of one ZIP stay around its centre
_MISMATCH_PENALTY = 25

#: precision name, precision_code, location_type, match_level, confidence range
_LEVELS = {
    "rooftop": ("ADDRESS", 5, "ROOFTOP", "address", (86, 98)),
    "interpolated": ("STREET", 4, "RANGE_INTERPOLATED", "street", (72, 88)),
    "postal": ("POSTAL_CODE", 3, "GEOMETRIC_CENTER", "postal_code", (55, 70)),
    "city": ("LOCALITY", 2, "APPROXIMATE", "city", (40, 55)),
    "region": ("REGION", 1, "APPROXIMATE", "state", (20, 35)),
}


@dataclass(slots=True)
class Geocode:
    """The canonical geocode of a location; each geocoder reports a slight variation of it."""

    lat: float
    lon: float
    country: str
    state: str | None
    city: str
    postal_code: str
    county: str
    street_number: str
    route: str
    precision: str
    precision_code: int
    location_type: str
    match_level: str
    confidence: int


@dataclass(slots=True)
class Place:
    """Where a location is, as far as coordinate-based sources are concerned."""

    lat: float
    lon: float
    country: str
    state: str | None
    confidence: int
    precision_code: int
    from_input: bool


def normalise(location: dict[str, Any]) -> str:
    """Canonical text of a location's content (not its id or sources), used for hashing."""
    parts: list[str] = []
    for key in sorted(location):
        value = location[key]
        if key in ("id", "sources") or value is None:
            continue
        if isinstance(value, str):
            value = " ".join(value.lower().split())
            if not value:
                continue
        parts.append(f"{key}={value!r}")
    return "\x1e".join(parts)


def address_text(location: dict[str, Any]) -> str:
    """The single-line address, or one assembled from the structured parts."""
    text = location.get("address")
    if isinstance(text, str) and text.strip():
        return text.strip()
    parts = [str(location[k]).strip() for k in STRUCTURED_FIELDS if location.get(k)]
    return ", ".join(p for p in parts if p)


def has_address(location: dict[str, Any]) -> bool:
    """Whether the location carries any address text at all (the geocoders' required attr)."""
    return bool(address_text(location))


def coordinates(location: dict[str, Any]) -> tuple[float, float] | None:
    """The caller's own latitude/longitude, when both are present and valid."""
    lat, lon = location.get("latitude"), location.get("longitude")
    try:
        flat, flon = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if -90.0 <= flat <= 90.0 and -180.0 <= flon <= 180.0:
        return flat, flon
    return None


def usable(text: str) -> bool:
    """Whether a geocoder could make anything of this address text."""
    low = _SPACES.sub(" ", text.strip().lower())
    if not re.search(r"[a-z0-9]", low) or low.strip(" .,;:-") in JUNK_ADDRESSES:
        return False
    has_digit = any(ch.isdigit() for ch in low)
    has_parts = "," in low and len([p for p in low.split(",") if p.strip()]) >= 2
    return has_digit or has_parts or _find_state(low.split()) is not None


def _find_state(tokens: list[str]) -> places.State | None:
    for size in (3, 2, 1):
        for i in range(len(tokens) - size, -1, -1):
            chunk = " ".join(tokens[i : i + size]).strip(" .,")
            found = places.STATE_BY_NAME.get(chunk)
            if found is None and size == 1 and len(chunk) == 2:
                found = places.STATE_BY_CODE.get(chunk.upper())
            if found is not None:
                return found
    return None


def geocode(location: dict[str, Any], seed: int, base_hash: int | None = None) -> Geocode | None:
    """Geocode a location deterministically; None when its address is unusable."""
    text = address_text(location)
    if not text or not usable(text):
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    country = _country(location, parts)
    if country is not None and country not in places.COUNTRY_BY_CODE and country != "US":
        return None
    zip_match = _find_zip(text) if country in (None, "US") else None
    state = _state(location, parts, zip_match)
    street = _STREET.match(parts[0]) if parts else None
    city = str(location.get("city") or "").strip()
    if not city and len(parts) >= 2 and (street or len(parts) >= 3):
        city = parts[1]
    elif not city and len(parts) >= 2 and not street:
        city = parts[0]
    city = re.sub(r"\s+\d{5}(-\d{4})?$", "", city).strip()
    if city.lower() in places.STATE_BY_NAME or city.upper() in places.STATE_BY_CODE:
        city = ""
    if base_hash is None:
        base_hash = hash64(normalise(location), seed)
    rng = derived_rng(base_hash, "geocode")
    level = "region"
    if street and (city or zip_match or state):
        level = "rooftop" if rng.random() < 0.75 else "interpolated"
    elif zip_match:
        level = "postal"
    elif city:
        level = "city"
    if country is None:
        country = "US"
    precision, code, loc_type, match_level, (lo, hi) = _LEVELS[level]
    real, mismatch = _real_place(zip_match, state, city) if country == "US" else (None, False)
    county = ""
    if real is not None:
        # Near the ZIP's (or the city's) real centre, in its real city and county.
        home = places.STATE_BY_CODE.get(real.state) or state
        lat, lon, spread = real.lat, real.lon, _ZIP_SPREAD
        postal = zip_match.group(1) if zip_match else real.zip
        county, city = real.county, real.city
    elif country == "US":
        home = state or rng.choice(places.STATES)
        lat, lon, spread = home.lat, home.lon, home.spread
        postal = zip_match.group(1) if zip_match else f"{home.zip_prefix}{rng.randrange(1000):03d}"
    else:
        found = places.COUNTRY_BY_CODE[country]
        home, lat, lon, spread = None, found.lat, found.lon, found.spread
        postal = str(location.get("postal_code") or "")
    # Points of one city cluster together; the street moves them a little.
    city_rng = seeded_rng("city", country, home.code if home else "", city.lower(), seed)
    lat += city_rng.uniform(-spread, spread) * 0.5
    lon += city_rng.uniform(-spread, spread) * 0.6
    jitter = min(0.04, spread * 0.3)
    lat += rng.uniform(-jitter, jitter)
    lon += rng.uniform(-jitter, jitter)
    return Geocode(
        lat=round(lat, 6),
        lon=round(lon, 6),
        country=country,
        state=home.code if home else None,
        city=city.title() if city else city_rng.choice(places.CITY_NAMES),
        postal_code=postal,
        county=county or f"{city_rng.choice(places.COUNTY_NAMES)} County",
        street_number=street.group(1) if street else "",
        route=street.group(2).title() if street else "",
        precision=precision,
        precision_code=code,
        location_type=loc_type,
        match_level=match_level,
        # A ZIP that disagrees with the city or state: a real geocoder is less sure too.
        confidence=max(10, rng.randint(lo, hi) - (_MISMATCH_PENALTY if mismatch else 0)),
    )


def _real_place(
    zip_match: re.Match[str] | None, state: places.State | None, city: str
) -> tuple[zipref.ZipPlace | None, bool]:
    """(the real place to put the point at, whether the ZIP disagrees with city or state).

    A ZIP that exists places the point; one that names another state or city still does, as
    a postal geocoder would, but flags the mismatch. With no usable ZIP, a city + state known to
    the ZIP table places it in that city.
    """
    if zip_match is not None:
        found = zipref.by_zip(zip_match.group(1))
        if found is not None:
            wrong_state = state is not None and state.code != found.state
            wrong_city = bool(city) and not zipref.accepts(found, city)
            return found, wrong_state or wrong_city
    if state is not None and city:
        return zipref.by_city(city, state.code), zip_match is not None
    return None, zip_match is not None


def _find_zip(text: str) -> re.Match[str] | None:
    """The last five-digit group that is not the street number at the start."""
    found = None
    for match in _ZIP.finditer(text):
        if text[: match.start()].strip():
            found = match
    return found


def _country(location: dict[str, Any], parts: list[str]) -> str | None:
    hint = location.get("country")
    if isinstance(hint, str) and hint.strip():
        clean = hint.strip()
        return places.COUNTRY_ALIASES.get(clean.lower(), clean.upper())
    if len(parts) >= 2:
        return places.COUNTRY_ALIASES.get(parts[-1].lower())
    return None


def _state(
    location: dict[str, Any], parts: list[str], zip_match: re.Match[str] | None
) -> places.State | None:
    given = location.get("state")
    if isinstance(given, str) and given.strip():
        found = places.STATE_BY_CODE.get(given.strip().upper())
        found = found or places.STATE_BY_NAME.get(given.strip().lower())
        if found:
            return found
    tail = [p for p in parts[1:] if places.COUNTRY_ALIASES.get(p.lower()) != "US"]
    for part in reversed(tail):
        found = _find_state(part.lower().split())
        if found:
            return found
    if zip_match:
        prefix = zip_match.group(1)[:2]
        for state in places.STATES:
            if state.zip_prefix == prefix:
                return state
    return None


def resolve_place(location: dict[str, Any], code: Geocode | None) -> Place | None:
    """The point coordinate-based sources use: the caller's own coordinates, else the geocode."""
    given = coordinates(location)
    if given is not None:
        lat, lon = given
        us = places.in_us(lat, lon)
        state = places.nearest_state(lat, lon).code if us else None
        hint = str(location.get("country") or "").strip().upper()
        country = "US" if us else (hint if hint and hint not in ("US", "USA") else "ZZ")
        return Place(lat, lon, country, state, 100, 5, True)
    if code is None:
        return None
    return Place(
        code.lat, code.lon, code.country, code.state, code.confidence, code.precision_code, False
    )
