"""US states, country names and ZIP codes: the small facts validation and mapping need."""

from __future__ import annotations

import re
from functools import lru_cache

US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP",
})
US_STATE_NAMES = frozenset({
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas",
    "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
    "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey",
    "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon",
    "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah",
    "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming",
    "district of columbia", "puerto rico",
})

# Country spellings seen in SOVs -> the ISO 3166 alpha-2 code Ping takes as a geocoder hint.
_COUNTRIES = {
    "us": "US", "usa": "US", "u s": "US", "u s a": "US", "united states": "US",
    "united states of america": "US", "america": "US",
    "ca": "CA", "can": "CA", "canada": "CA",
    "mx": "MX", "mex": "MX", "mexico": "MX",
    "gb": "GB", "uk": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB",
    "pr": "PR", "puerto rico": "PR",
    "de": "DE", "germany": "DE", "fr": "FR", "france": "FR",
    "au": "AU", "australia": "AU", "ie": "IE", "ireland": "IE",
}
_NON_ALPHA = re.compile(r"[^a-z]+")
ZIP_RE = re.compile(r"^\d{5}(-?\d{4})?$")
ZIP4_RE = re.compile(r"^\d{4}$")


@lru_cache(maxsize=1024)
def country_code(text: str) -> str:
    """ISO2 code for a known country spelling; other text comes back stripped."""
    key = _NON_ALPHA.sub(" ", text.lower()).strip()
    return _COUNTRIES.get(key, text.strip())


@lru_cache(maxsize=4096)
def is_us(state: str | None, country: str | None) -> bool:
    """Whether a row is in the US, from its country (if given) or else its state."""
    if country:
        return country_code(country) == "US"
    if state:
        text = state.strip()
        return text.upper() in US_STATES or text.lower() in US_STATE_NAMES
    return False


_STATE_NAME_CODES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH",
    "new jersey": "NJ", "new mexico": "NM", "new york": "NY", "north carolina": "NC",
    "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "district of columbia": "DC",
    "puerto rico": "PR",
}
#: Casefolded state code or name -> two-letter code ("ma", "massachusetts" -> "MA").
STATE_CODES: dict[str, str] = {
    **{code.casefold(): code for code in US_STATES},
    **_STATE_NAME_CODES,
}
