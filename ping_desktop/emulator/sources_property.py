"""Emulated property sources: PFPC, PUC, PO, DTFST and the E2V replacement-cost valuation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ping_desktop.emulator.catalog import Field, SourceInput, SourceSpec

CONSTRUCTION = (
    (1, "Frame", "101"),
    (2, "Joisted Masonry", "111"),
    (3, "Non-Combustible", "151"),
    (4, "Masonry Non-Combustible", "119"),
    (5, "Modified Fire Resistive", "152"),
    (6, "Fire Resistive", "131"),
)
OCCUPANCY = (
    ("Single Family Dwelling", "301", "1", True),
    ("Apartments / Condominiums", "302", "2", True),
    ("General Commercial", "311", "5", False),
    ("Retail Trade", "312", "6", False),
    ("Professional / Technical Services", "315", "9", False),
    ("Restaurants", "313", "7", False),
    ("General Industrial", "321", "21", False),
    ("Warehouse", "310", "16", False),
)


def _pfpc(inp: SourceInput) -> dict[str, Any]:
    rng = inp.rng
    cls = rng.choice(
        ("1", "2", "3", "3", "4", "4", "5", "5", "6", "7", "8", "8B", "9", "10", "10W")
    )
    return {
        "protection_class": cls,
        "protection_class_split": f"{cls}/{rng.choice(('8B', '9', '10'))}"
        if rng.random() < 0.2
        else None,
        "fire_district_name": rng.choice(("County", "City", "Township", "Rural"))
        + f" Fire District {rng.randint(1, 40)}",
    }


def _puc(inp: SourceInput) -> dict[str, Any]:
    rng, loc = inp.rng, inp.location
    code, desc, air = rng.choice(CONSTRUCTION)
    year = loc.get("const__bldg_year_built")
    stories = loc.get("const__num_stories")
    return {
        "construction_class": desc,
        "construction_code_iso": code,
        "construction_code_air": air,
        "year_built": int(year) if isinstance(year, int | float) else rng.randint(1920, 2022),
        "num_stories": int(stories)
        if isinstance(stories, int | float)
        else rng.choice((1, 1, 2, 2, 3, 4, 6, 12)),
        "roof_covering": rng.choice(
            ("Asphalt Shingles", "Metal", "Tile", "Built-Up", "Single Ply Membrane")
        ),
    }


def _po(inp: SourceInput) -> dict[str, Any]:
    desc, air, atc, residential = inp.rng.choice(OCCUPANCY)
    return {
        "occupancy_desc": desc,
        "occupancy_code_air": air,
        "occupancy_code_atc": atc,
        "is_residential": residential,
    }


def _dtfst(inp: SourceInput) -> dict[str, Any]:
    rng, p = inp.rng, inp.place
    lat, lon = (p.lat, p.lon) if p else (0.0, 0.0)
    miles = round(rng.expovariate(1 / 2.5), 2)
    return {
        "distance_to_fire_station_mi": miles,
        "fire_station_name": f"Station {rng.randint(1, 99)}",
        "fire_station_type": rng.choice(("career", "volunteer", "combination")),
        "fire_station_latitude": round(lat + rng.uniform(-1, 1) * miles / 69.0, 6),
        "fire_station_longitude": round(lon + rng.uniform(-1, 1) * miles / 55.0, 6),
    }


def _e2v(inp: SourceInput) -> dict[str, Any]:
    rng = inp.rng
    area = int(float(inp.location["const__bldg_area"]))
    per_sqft = round(rng.uniform(140, 420), 2)
    return {
        "replacement_cost": round(area * per_sqft, 2),
        "replacement_cost_per_sqft": per_sqft,
        "bldg_area_used": area,
        "currency": "USD",
        "valuation_date": dt.date(2026, 1, 1).isoformat(),
    }


def _f(kind: str, text: str, display: str | None = None, cat: str = "property") -> Field:
    return Field(kind, text, display, (cat,))


_BUILDING_INPUTS = (
    "address",
    "latitude",
    "longitude",
    "const__bldg_year_built",
    "const__num_stories",
    "const__bldg_area",
    "occupancy__type_desc",
    "occupancy__code_air",
)

SPECS = (
    SourceSpec(
        "PFPC",
        "Ping Fire Protection Classification",
        False,
        {
            "protection_class": _f(
                "string", "ISO public protection class (1 best to 10 worst; 8B, 10W splits)."
            ),
            "protection_class_split": _f(
                "string", "Split class where the district has one, else null."
            ),
            "fire_district_name": _f("string", "Responding fire district."),
        },
        _pfpc,
        geocode_precision_required=3,
    ),
    SourceSpec(
        "PUC",
        "Ping USA Construction",
        False,
        {
            "construction_class": _f("string", "ISO construction class description."),
            "construction_code_iso": _f("integer", "ISO construction class code, 1 to 6."),
            "construction_code_air": _f("string", "AIR construction code."),
            "year_built": _f("integer", "Year the building was built."),
            "num_stories": _f("integer", "Number of stories above ground."),
            "roof_covering": _f("string", "Roof covering material."),
        },
        _puc,
        optional_attrs=_BUILDING_INPUTS,
        geocode_confidence_required=60,
    ),
    SourceSpec(
        "PO",
        "Ping Occupancy",
        False,
        {
            "occupancy_desc": _f("string", "Occupancy description."),
            "occupancy_code_air": _f("string", "AIR occupancy code."),
            "occupancy_code_atc": _f("string", "ATC occupancy code."),
            "is_residential": _f("boolean", "Whether the occupancy is residential."),
        },
        _po,
        optional_attrs=_BUILDING_INPUTS,
        geocode_confidence_required=60,
    ),
    SourceSpec(
        "DTFST",
        "Ping Distance To Fire Station",
        False,
        {
            "distance_to_fire_station_mi": _f(
                "float", "Road distance to the nearest fire station in miles.", "miles"
            ),
            "fire_station_name": _f("string", "Name of the nearest fire station."),
            "fire_station_type": _f("string", "career, volunteer or combination."),
            "fire_station_latitude": _f("float", "Latitude of the fire station.", "latitude"),
            "fire_station_longitude": _f("float", "Longitude of the fire station.", "longitude"),
        },
        _dtfst,
    ),
    SourceSpec(
        "E2V",
        "E2Value Commercial Lite",
        False,
        {
            "replacement_cost": _f(
                "float", "Estimated replacement cost of the building.", "currency", "valuation"
            ),
            "replacement_cost_per_sqft": _f(
                "float", "Replacement cost per square foot.", "currency", "valuation"
            ),
            "bldg_area_used": _f(
                "integer", "Building area (sq ft) the valuation used.", None, "valuation"
            ),
            "currency": _f("string", "Currency of the amounts.", None, "valuation"),
            "valuation_date": _f("string", "Date of the valuation basis.", "date", "valuation"),
        },
        _e2v,
        required_attrs=("address", "const__bldg_area"),
        optional_attrs=(
            "latitude",
            "longitude",
            "const__bldg_year_built",
            "const__num_stories",
            "const__code_air",
            "occupancy__code_air",
            "limits__building_limit",
        ),
        geocode_confidence_required=70,
        fetch_time=(0.3, 0.9),
    ),
)
