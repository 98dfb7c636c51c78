"""Emulated hazard sources that need a point: PH, DTC, PFF, PSZ, DTFS, FNRI, PUSDAW.

Facts shared by several sources (distance to coast, flood zone) are drawn from the point itself,
not from the per-source generator, so PH, DTC and PFF agree about the same building.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ping_desktop.emulator import places
from ping_desktop.emulator.catalog import Field, SourceInput, SourceSpec
from ping_desktop.emulator.geocode import Place
from ping_desktop.emulator.rng import point_rng

RISK_LEVELS = ("Very Low", "Low", "Moderate", "High", "Very High")
FLOOD_ZONES = {
    "X": "Area of minimal flood hazard (outside the 0.2% annual chance floodplain).",
    "X500": "Area of moderate flood hazard (0.2% annual chance floodplain).",
    "A": "1% annual chance flood area, no base flood elevation determined.",
    "AE": "1% annual chance flood area with base flood elevations.",
    "AO": "1% annual chance shallow flooding (sheet flow), depths 1-3 ft.",
    "VE": "Coastal high hazard area with wave action and base flood elevations.",
    "D": "Area of undetermined but possible flood hazard.",
}


def _point(inp: SourceInput) -> Place:
    if inp.place is None:  # the caller checks first; this guards the generator's contract
        raise ValueError("place required")
    return inp.place


def coast_miles(p: Place) -> float:
    """Distance to the nearest coastline, consistent for a given point."""
    rng = point_rng(p.lat, p.lon, "coast")
    state = places.STATE_BY_CODE.get(p.state or "")
    if state is not None and state.coast is not None:
        return round(min(rng.expovariate(1 / 30.0), 250.0), 2)
    return round(rng.uniform(120.0, 900.0), 2)


def flood_zone(p: Place) -> str:
    """The FEMA zone of the point; zones near the coast are more often V or A."""
    rng = point_rng(p.lat, p.lon, "flood")
    miles = coast_miles(p)
    roll = rng.random()
    if miles < 1.0 and roll < 0.35:
        return "VE"
    if roll < (0.35 if miles < 10 else 0.12):
        return rng.choice(("AE", "AE", "A", "AO"))
    if roll < 0.25:
        return "X500"
    return "D" if roll > 0.985 else "X"


def _level(rng_value: float) -> str:
    return RISK_LEVELS[min(4, int(rng_value * 5))]


def _ph(inp: SourceInput) -> dict[str, Any]:
    p, rng = _point(inp), inp.rng
    miles = coast_miles(p)
    coastal = miles < 50
    return {
        "flood_zone": flood_zone(p),
        "flood_risk_score": rng.randint(1, 10),
        "wildfire_risk_score": rng.randint(0, 100),
        "wildfire_risk": _level(rng.random()),
        "hail_risk": _level(rng.random()),
        "wind_risk": _level(min(0.99, rng.random() * (1.6 if coastal else 0.9))),
        "hurricane_risk": _level(min(0.99, rng.random() * 1.5)) if coastal else "Very Low",
        "tornado_risk": _level(rng.random()),
        "earthquake_risk": _level(rng.random() * (1.4 if p.state in ("CA", "AK", "WA") else 0.5)),
        "storm_surge_risk": _level(rng.random()) if miles < 5 else "Very Low",
        "distance_to_coast_mi": miles,
        "elevation_ft": round(rng.uniform(2, 60) if coastal else rng.uniform(100, 6000), 1),
    }


def _dtc(inp: SourceInput) -> dict[str, Any]:
    p, rng = _point(inp), inp.rng
    miles = coast_miles(p)
    state = places.STATE_BY_CODE.get(p.state or "")
    kind = state.coast if state and state.coast else rng.choice(("atlantic", "gulf", "pacific"))
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = miles / 69.0 * math.cos(bearing)
    dlon = miles / (69.0 * max(0.2, math.cos(math.radians(p.lat)))) * math.sin(bearing)
    within = inp.location.get("dtc_include_coastline_within_miles")
    nearby: list[dict[str, Any]] = []
    if isinstance(within, int | float) and miles <= float(within):
        nearby = [{"coastline_type": kind, "distance_mi": miles}]
    return {
        "distance_to_coast_mi": miles,
        "distance_to_coast_ft": round(miles * 5280.0, 1),
        "nearest_coastline_type": kind.replace("_", " "),
        "nearest_coast_latitude": round(p.lat + dlat, 6),
        "nearest_coast_longitude": round(p.lon + dlon, 6),
        "coastlines_within_distance": nearby,
    }


def _pff(inp: SourceInput) -> dict[str, Any]:
    p, rng = _point(inp), inp.rng
    zone = flood_zone(p)
    sfha = zone.startswith(("A", "V"))
    return {
        "flood_zone": zone,
        "sfha": sfha,
        "zone_description": FLOOD_ZONES[zone],
        "base_flood_elevation_ft": round(rng.uniform(4, 20), 1) if zone in ("AE", "VE") else None,
        "firm_panel": f"{rng.randrange(10000, 99999)}C{rng.randrange(1, 9999):04d}"
        + rng.choice("EFGHJK"),
        "firm_effective_date": dt.date(
            rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)
        ).isoformat(),
    }


def _psz(inp: SourceInput) -> dict[str, Any]:
    p = _point(inp)
    miles = coast_miles(p)
    category = None if miles > 30 else max(1, min(5, 5 - int(miles / 6)))
    return {"slosh_category": category, "in_slosh_zone": category is not None}


def _dtfs(inp: SourceInput) -> dict[str, Any]:
    rng = inp.rng
    miles = round(rng.expovariate(1 / 4.0), 2)
    return {
        "distance_to_nearest_sinkhole_mi": miles,
        "sinkholes_within_1_mi": rng.randint(1, 4) if miles < 1 else 0,
        "sinkholes_within_5_mi": rng.randint(1, 25) if miles < 5 else 0,
    }


def _fnri(inp: SourceInput) -> dict[str, Any]:
    rng = inp.rng
    score = round(rng.uniform(1, 99), 2)
    return {
        "national_risk_score": score,
        "national_risk_rating": (
            "Very Low",
            "Relatively Low",
            "Relatively Moderate",
            "Relatively High",
            "Very High",
        )[min(4, int(score / 20))],
        "expected_annual_loss_score": round(rng.uniform(1, 99), 2),
        "social_vulnerability_score": round(rng.uniform(1, 99), 2),
        "community_resilience_score": round(rng.uniform(1, 99), 2),
        "census_tract": f"{rng.randrange(10**10, 10**11)}",
    }


def _pusdaw(inp: SourceInput) -> dict[str, Any]:
    rng = inp.rng
    value = rng.randint(0, 5)
    label = ("Non-burnable", "Very Low", "Low", "Moderate", "High", "Very High")[value]
    return {
        "wildfire_hazard_potential": label,
        "whp_class": value,
        "burn_probability": round(rng.uniform(0.0, 0.02) * value, 5),
        "conditional_flame_length_ft": round(rng.uniform(0.5, 4.0) * value, 2),
    }


def _f(kind: str, text: str, display: str | None = None, cat: str = "hazard") -> Field:
    return Field(kind, text, display, (cat,))


_RISK = "Risk level: Very Low, Low, Moderate, High or Very High."
_PH_FIELDS = {
    "flood_zone": _f("string", "FEMA flood zone of the point."),
    "flood_risk_score": _f("integer", "Flood risk, 1 (lowest) to 10 (highest)."),
    "wildfire_risk_score": _f("integer", "Wildfire risk score, 0 to 100."),
    **{
        k: _f("string", _RISK)
        for k in (
            "wildfire_risk",
            "hail_risk",
            "wind_risk",
            "hurricane_risk",
            "tornado_risk",
            "earthquake_risk",
            "storm_surge_risk",
        )
    },
    "distance_to_coast_mi": _f("float", "Distance to the nearest coastline in miles.", "miles"),
    "elevation_ft": _f("float", "Ground elevation in feet.", "feet"),
}
_DTC_FIELDS = {
    "distance_to_coast_mi": _f("float", "Distance to the nearest coastline in miles.", "miles"),
    "distance_to_coast_ft": _f("float", "Distance to the nearest coastline in feet.", "feet"),
    "nearest_coastline_type": _f(
        "string", "Kind of the nearest coastline (atlantic, gulf, pacific, great lakes)."
    ),
    "nearest_coast_latitude": _f("float", "Latitude of the nearest coastline point.", "latitude"),
    "nearest_coast_longitude": _f(
        "float", "Longitude of the nearest coastline point.", "longitude"
    ),
    "coastlines_within_distance": _f(
        "array", "Coastlines within dtc_include_coastline_within_miles (empty when not asked)."
    ),
}
_PFF_FIELDS = {
    "flood_zone": _f("string", "FEMA flood zone (X, X500, A, AE, AO, VE, D)."),
    "sfha": _f("boolean", "Inside a Special Flood Hazard Area (zones A* and V*)."),
    "zone_description": _f("string", "Plain-language meaning of the flood zone."),
    "base_flood_elevation_ft": _f(
        "float", "Base flood elevation in feet, when the zone has one.", "feet"
    ),
    "firm_panel": _f("string", "FEMA FIRM panel number."),
    "firm_effective_date": _f("string", "Effective date of the FIRM panel.", "date"),
}

SPECS = (
    SourceSpec("PH", "Ping Hazard", False, _PH_FIELDS, _ph, fetch_time=(0.0, 0.0)),
    SourceSpec(
        "DTC",
        "Distance To Coast",
        False,
        _DTC_FIELDS,
        _dtc,
        optional_attrs=(
            "address",
            "latitude",
            "longitude",
            "dtc_include_coastline_within_miles",
            "dtc_return_connected_coastlines",
        ),
    ),
    SourceSpec(
        "PFF", "Ping Fema Flood Zone", False, _PFF_FIELDS, _pff, geocode_precision_required=3
    ),
    SourceSpec(
        "PSZ",
        "Ping Slosh Zone",
        False,
        {
            "slosh_category": _f(
                "integer",
                "Lowest hurricane category whose surge reaches the point (1-5), null outside.",
            ),
            "in_slosh_zone": _f("boolean", "Whether the point is inside any SLOSH zone."),
        },
        _psz,
        supported_us_states=places.SURGE_STATES,
    ),
    SourceSpec(
        "DTFS",
        "Ping Distance To Florida Sinkhole",
        False,
        {
            "distance_to_nearest_sinkhole_mi": _f(
                "float", "Distance to the nearest recorded sinkhole in miles.", "miles"
            ),
            "sinkholes_within_1_mi": _f("integer", "Recorded sinkholes within 1 mile."),
            "sinkholes_within_5_mi": _f("integer", "Recorded sinkholes within 5 miles."),
        },
        _dtfs,
        supported_us_states=("FL",),
        geocode_precision_required=4,
    ),
    SourceSpec(
        "FNRI",
        "Fema National Risk Index",
        False,
        {
            "national_risk_score": _f(
                "float", "FEMA NRI composite risk score of the census tract."
            ),
            "national_risk_rating": _f("string", "FEMA NRI rating, Very Low to Very High."),
            "expected_annual_loss_score": _f("float", "Expected annual loss score."),
            "social_vulnerability_score": _f("float", "Social vulnerability score."),
            "community_resilience_score": _f("float", "Community resilience score."),
            "census_tract": _f("string", "Census tract FIPS code.", None, "identifiers"),
        },
        _fnri,
        excluded_us_states=("PR",),
    ),
    SourceSpec(
        "PUSDAW",
        "Ping USDA Wildfire",
        False,
        {
            "wildfire_hazard_potential": _f(
                "string", "USDA wildfire hazard potential class label."
            ),
            "whp_class": _f("integer", "Wildfire hazard potential class, 0 (non-burnable) to 5."),
            "burn_probability": _f("float", "Annual burn probability."),
            "conditional_flame_length_ft": _f(
                "float", "Expected flame length if a fire occurs, in feet.", "feet"
            ),
        },
        _pusdaw,
        excluded_us_states=("HI", "PR"),
    ),
)
