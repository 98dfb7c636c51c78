"""Header words that SOVs use for each Ping location field, and how a header is matched."""

from __future__ import annotations

import re
from functools import lru_cache

# Exact (normalised) header texts per field. Short or ambiguous ones ("x", "st") only ever match
# exactly; the longer ones also match when all their words appear inside a longer header.
EXACT: dict[str, tuple[str, ...]] = {
    "address": (
        "address", "full address", "location address", "property address", "site address",
        "risk address", "complete address", "address full", "single line address",
        "mailing address", "insured address", "premises address", "addr",
    ),
    "address_line_1": (
        "address 1", "address line 1", "addr 1", "addr1", "address1", "street", "street address",
        "street 1", "street line 1", "street name", "street address 1", "address street",
        "line 1", "st address",
    ),
    "address_line_2": (
        "address 2", "address line 2", "addr 2", "addr2", "address2", "street 2", "suite",
        "unit", "apt", "suite unit", "line 2", "street address 2", "street line 2",
    ),
    "city": ("city", "town", "municipality", "city name", "locality", "city town", "town city"),
    "state": (
        "state", "province", "st", "state code", "state province", "province state", "prov",
        "state abbr", "state abbreviation", "region state",
    ),
    "postal_code": (
        "zip", "zip code", "zipcode", "postal", "postal code", "post code", "postcode", "zip 4",
        "zip5", "zip 5", "postal zip", "zip postal code", "zip postal", "postal zip code",
    ),
    "county": ("county", "parish", "county name", "county parish"),
    "country": (
        "country", "country code", "nation", "ctry", "country name", "cntry", "iso country",
    ),
    "latitude": ("lat", "latitude", "y", "lat dd", "geo lat", "latitude dd", "y coord"),
    "longitude": ("long", "lng", "lon", "longitude", "x", "long dd", "geo long", "x coord"),
    "bldg_name": (
        "building name", "bldg name", "location name", "property name", "site name",
        "building description", "loc name", "premises name", "name",
    ),
    "const__bldg_year_built": (
        "year built", "yr built", "yr blt", "year blt", "yearbuilt", "built",
        "year of construction",
        "original year built", "orig year built", "construction year", "yr of construction",
        "built year", "age year built",
    ),
    "const__num_stories": (
        "stories", "number of stories", "no of stories", "num stories", "numberofstories",
        "floors", "number of floors", "no of floors", "num floors", "storeys",
        "stories above grade",
        "story", "num of stories", "bldg stories", "building stories",
    ),
    "const__bldg_area": (
        "sq ft", "square feet", "sqft", "area", "floor area", "building area", "total area",
        "gross area", "square footage", "sq footage", "bldg sq ft", "building sq ft", "sf",
        "total sq ft", "gross sq ft", "gross floor area", "area sq ft", "building size",
    ),
    "const__desc_ping": (
        "construction", "const", "construction type", "construction description", "const type",
        "construction class", "iso class", "iso construction class", "iso const", "const desc",
        "construction desc", "const class", "iso construction",
    ),
    "const__code_air": ("air construction code", "air const code", "air const", "air construction"),
    "const__code_rms": ("rms construction code", "rms const code", "rms const", "rms construction"),
    "occupancy__desc_ping": (
        "occupancy", "occupancy description", "occupancy type", "occupancy desc", "occ",
        "building use", "use", "occupancy class", "occ desc", "occupancy use", "property use",
        "primary occupancy", "occ type",
    ),
    "occupancy__code_air": ("air occupancy code", "air occ code", "air occ", "air occupancy"),
    "occupancy__code_atc": (
        "atc", "atc code", "atc occupancy", "atc occ code", "atc occupancy code", "atc class",
    ),
    "limits__building_limit": (
        "building value", "building limit", "bldg val", "bldg value", "bldg limit", "building",
        "buildings", "building coverage", "coverage a", "building replacement cost",
        "building replacement value", "bldg rc", "building rcv", "real property",
        "real property value", "building tiv", "bldg", "building values",
    ),
    "limits__bpp_limit": (
        "contents", "bpp", "contents value", "business personal property", "contents limit",
        "personal property", "bpp limit", "bpp value", "contents values", "contents rc",
        "contents tiv", "content value", "content",
    ),
    "limits__bi_limit": (
        "bi", "time element", "business interruption", "bi value", "bi limit", "business income",
        "te", "bi ee", "bi extra expense", "business income extra expense", "loss of rents",
        "rental income", "bi te", "time element value", "bi tiv", "bi rents",
    ),
}

# Words that rule a field out even when its synonym appears inside the header.
EXCLUDE: dict[str, frozenset[str]] = {
    "limits__building_limit": frozenset({"total", "tiv", "name", "number", "no", "id", "year",
                                        "stories", "area", "sq", "ft", "type", "class", "built"}),
    "limits__bpp_limit": frozenset({"total", "tiv", "type"}),
    "limits__bi_limit": frozenset({"total", "tiv", "months", "period", "days"}),
    "address": frozenset({"2", "line", "email", "city", "state", "zip", "suite", "unit"}),
    "address_line_1": frozenset({"2", "email"}),
    "bldg_name": frozenset({"insured", "named", "account", "client", "file", "sheet", "street",
                            "city", "county"}),
    "const__bldg_area": frozenset({"code", "zone", "area code"}),
    "const__desc_ping": frozenset({"year", "yr", "air", "rms", "cost", "date", "value"}),
    "occupancy__desc_ping": frozenset({"air", "atc", "code", "rms"}),
    "city": frozenset({"county"}),
    "state": frozenset({"status", "statement", "estate"}),
}

# Header texts for a user's own location id (used for the duplicate-id check, never sent).
ID_HEADERS: tuple[str, ...] = (
    "location id", "location number", "loc id", "loc number", "loc no", "location no", "loc",
    "site id", "site number", "property id", "property number", "location", "id",
    "building id", "bldg id", "building number", "bldg number", "bldg no", "building no",
    "risk id", "location code", "loc num", "location num", "bldg num",
)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def normalise_header(text: str) -> str:
    """Lower-case words only: "# of Stories" -> "number of stories", "Yr. Built" -> "yr built"."""
    t = text.lower().replace("#", " number ").replace("&", " and ").replace("+", " ")
    t = t.replace("sq. ft", "sq ft").replace("sq.ft", "sq ft").replace("sqft.", "sqft")
    return _NON_ALNUM.sub(" ", t).strip()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@lru_cache(maxsize=4096)
def header_matches(header: str) -> tuple[tuple[str, float, str], ...]:
    """(field, confidence, reason) candidates for one header text, best first."""
    norm = normalise_header(header)
    if not norm:
        return ()
    words = _words(norm)
    found: dict[str, tuple[float, str]] = {}
    for field, phrases in EXACT.items():
        excluded = EXCLUDE.get(field, frozenset())
        for phrase in phrases:
            if norm == phrase:
                score, reason = 0.95, f'header "{header}" is a usual name for it'
            elif len(phrase) >= 3 and len(phrase.split()) >= 1 and _words(phrase) <= words:
                if words & excluded:
                    continue
                extra = len(words - _words(phrase))
                score = max(0.45, 0.8 - 0.08 * extra)
                reason = f'header "{header}" contains "{phrase}"'
            else:
                continue
            if score > found.get(field, (0.0, ""))[0]:
                found[field] = (score, reason)
    return tuple(
        sorted(((f, s, r) for f, (s, r) in found.items()), key=lambda item: -item[1])
    )


def is_id_header(header: str) -> bool:
    """Whether a header names the user's own location/building id or number."""
    return normalise_header(header) in ID_HEADERS


def header_hit(text: str) -> bool:
    """Whether a cell text looks like a known SOV column name (used to find the header row)."""
    if len(text) > 60:
        return False
    norm = normalise_header(text)
    return bool(header_matches(text)) or norm in ID_HEADERS or norm in _OTHER_HEADERS


# Common SOV columns that Ping does not take, still good evidence of a header row.
_OTHER_HEADERS = frozenset({
    "tiv", "total tiv", "total insured value", "total value", "total", "insured", "insured name",
    "named insured", "sprinklered", "sprinkler", "roof", "roof type", "roof age", "flood zone",
    "protection class", "ppc", "deductible", "premium", "notes", "comments", "remarks",
    "other", "other value", "description", "eq zone", "wind zone", "status", "entity",
})
