"""Small geographic tables the synthetic results are drawn from (US states, a few countries)."""

from __future__ import annotations

from typing import NamedTuple


class State(NamedTuple):
    """A US state (or DC / PR): centroid, spread of its area, ZIP prefix and coast kind."""

    code: str
    name: str
    lat: float
    lon: float
    spread: float  # degrees; points are drawn within roughly this distance of the centroid
    zip_prefix: str
    coast: str | None  # "atlantic", "gulf", "pacific", "great_lakes" or None


STATES: tuple[State, ...] = (
    State("AL", "Alabama", 32.8, -86.8, 1.5, "35", "gulf"),
    State("AK", "Alaska", 61.4, -150.0, 2.0, "99", "pacific"),
    State("AZ", "Arizona", 34.2, -111.7, 2.0, "85", None),
    State("AR", "Arkansas", 34.9, -92.4, 1.4, "72", None),
    State("CA", "California", 36.8, -119.4, 2.5, "90", "pacific"),
    State("CO", "Colorado", 39.0, -105.5, 1.8, "80", None),
    State("CT", "Connecticut", 41.6, -72.7, 0.4, "06", "atlantic"),
    State("DE", "Delaware", 39.0, -75.5, 0.3, "19", "atlantic"),
    State("DC", "District of Columbia", 38.9, -77.03, 0.05, "20", None),
    State("FL", "Florida", 28.1, -81.6, 1.6, "33", "atlantic"),
    State("GA", "Georgia", 32.7, -83.4, 1.5, "30", "atlantic"),
    State("HI", "Hawaii", 20.8, -156.3, 0.8, "96", "pacific"),
    State("ID", "Idaho", 44.2, -114.6, 1.8, "83", None),
    State("IL", "Illinois", 40.0, -89.2, 1.6, "60", "great_lakes"),
    State("IN", "Indiana", 39.9, -86.3, 1.2, "46", "great_lakes"),
    State("IA", "Iowa", 42.0, -93.5, 1.5, "50", None),
    State("KS", "Kansas", 38.5, -98.4, 1.8, "66", None),
    State("KY", "Kentucky", 37.5, -85.3, 1.4, "40", None),
    State("LA", "Louisiana", 31.0, -92.0, 1.3, "70", "gulf"),
    State("ME", "Maine", 45.3, -69.2, 1.2, "04", "atlantic"),
    State("MD", "Maryland", 39.0, -76.8, 0.6, "21", "atlantic"),
    State("MA", "Massachusetts", 42.3, -71.8, 0.6, "02", "atlantic"),
    State("MI", "Michigan", 43.3, -84.5, 1.6, "48", "great_lakes"),
    State("MN", "Minnesota", 46.3, -94.3, 2.0, "55", "great_lakes"),
    State("MS", "Mississippi", 32.7, -89.7, 1.4, "39", "gulf"),
    State("MO", "Missouri", 38.4, -92.5, 1.6, "63", None),
    State("MT", "Montana", 47.0, -109.6, 2.5, "59", None),
    State("NE", "Nebraska", 41.5, -99.8, 2.0, "68", None),
    State("NV", "Nevada", 39.3, -116.6, 2.2, "89", None),
    State("NH", "New Hampshire", 43.7, -71.6, 0.6, "03", "atlantic"),
    State("NJ", "New Jersey", 40.2, -74.7, 0.6, "07", "atlantic"),
    State("NM", "New Mexico", 34.4, -106.1, 2.0, "87", None),
    State("NY", "New York", 42.9, -75.5, 1.5, "10", "atlantic"),
    State("NC", "North Carolina", 35.6, -79.4, 1.5, "27", "atlantic"),
    State("ND", "North Dakota", 47.5, -100.5, 1.8, "58", None),
    State("OH", "Ohio", 40.3, -82.8, 1.3, "43", "great_lakes"),
    State("OK", "Oklahoma", 35.6, -97.5, 1.7, "73", None),
    State("OR", "Oregon", 43.9, -120.6, 2.0, "97", "pacific"),
    State("PA", "Pennsylvania", 40.9, -77.8, 1.4, "17", "great_lakes"),
    State("RI", "Rhode Island", 41.7, -71.5, 0.15, "02", "atlantic"),
    State("SC", "South Carolina", 33.9, -80.9, 1.0, "29", "atlantic"),
    State("SD", "South Dakota", 44.4, -100.2, 1.8, "57", None),
    State("TN", "Tennessee", 35.9, -86.4, 1.5, "37", None),
    State("TX", "Texas", 31.5, -99.3, 3.0, "75", "gulf"),
    State("UT", "Utah", 39.3, -111.7, 1.8, "84", None),
    State("VT", "Vermont", 44.1, -72.7, 0.5, "05", None),
    State("VA", "Virginia", 37.5, -78.8, 1.4, "22", "atlantic"),
    State("WA", "Washington", 47.4, -120.5, 1.8, "98", "pacific"),
    State("WV", "West Virginia", 38.6, -80.6, 1.0, "25", None),
    State("WI", "Wisconsin", 44.6, -89.9, 1.5, "53", "great_lakes"),
    State("WY", "Wyoming", 43.0, -107.5, 2.0, "82", None),
    State("PR", "Puerto Rico", 18.2, -66.4, 0.3, "00", "atlantic"),
)

STATE_BY_CODE: dict[str, State] = {s.code: s for s in STATES}
STATE_BY_NAME: dict[str, State] = {s.name.lower(): s for s in STATES}

#: Coastal states on the Atlantic and Gulf, where storm-surge (SLOSH) zones exist.
SURGE_STATES: tuple[str, ...] = tuple(
    s.code for s in STATES if s.coast in ("atlantic", "gulf") and s.code != "PR"
)


class Country(NamedTuple):
    """A non-US country the global geocoders know, with a centroid and spread."""

    code: str
    name: str
    lat: float
    lon: float
    spread: float


COUNTRIES: tuple[Country, ...] = (
    Country("CA", "Canada", 45.5, -75.0, 4.0),
    Country("MX", "Mexico", 21.0, -100.0, 4.0),
    Country("GB", "United Kingdom", 52.5, -1.5, 1.5),
    Country("IE", "Ireland", 53.3, -7.7, 0.8),
    Country("DE", "Germany", 51.0, 10.4, 1.8),
    Country("FR", "France", 46.6, 2.4, 2.0),
    Country("ES", "Spain", 40.2, -3.6, 2.0),
    Country("IT", "Italy", 42.8, 12.5, 2.0),
    Country("NL", "Netherlands", 52.2, 5.5, 0.6),
    Country("JP", "Japan", 36.2, 138.3, 2.5),
    Country("AU", "Australia", -33.0, 147.0, 4.0),
    Country("BR", "Brazil", -15.8, -47.9, 5.0),
    Country("IN", "India", 21.0, 78.0, 5.0),
)

COUNTRY_BY_CODE: dict[str, Country] = {c.code: c for c in COUNTRIES}

#: Spellings of countries found at the end of free-form addresses, mapped to ISO2 codes.
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "us": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    **{c.name.lower(): c.code for c in COUNTRIES},
}

CITY_NAMES: tuple[str, ...] = (
    "Springfield",
    "Riverside",
    "Fairview",
    "Franklin",
    "Greenville",
    "Clinton",
    "Madison",
    "Georgetown",
    "Salem",
    "Bristol",
    "Oakland",
    "Ashland",
    "Milton",
    "Dover",
    "Burlington",
)
COUNTY_NAMES: tuple[str, ...] = (
    "Washington",
    "Jefferson",
    "Franklin",
    "Lincoln",
    "Jackson",
    "Madison",
    "Clay",
    "Monroe",
    "Marion",
    "Greene",
    "Union",
    "Warren",
    "Wayne",
    "Polk",
    "Lake",
)
STREET_NAMES: tuple[str, ...] = (
    "Main St",
    "Oak Ave",
    "Maple St",
    "Cedar Ln",
    "Park Ave",
    "Pine St",
    "Elm St",
    "Lake Dr",
    "Hill Rd",
    "Washington Blvd",
    "Sunset Blvd",
    "River Rd",
)


def in_us(lat: float, lon: float) -> bool:
    """Rough test that a point lies in the 50 states, DC or Puerto Rico."""
    return (
        (24.3 <= lat <= 49.5 and -125.0 <= lon <= -66.8)
        or (51.0 <= lat <= 71.5 and -180.0 <= lon <= -129.0)
        or (18.8 <= lat <= 22.5 and -160.5 <= lon <= -154.6)
        or (17.8 <= lat <= 18.6 and -67.5 <= lon <= -65.2)
    )


def nearest_state(lat: float, lon: float) -> State:
    """The state whose centroid is closest (good enough for synthetic coverage checks)."""
    return min(STATES, key=lambda s: (s.lat - lat) ** 2 + ((s.lon - lon) * 0.8) ** 2)
