"""US states, country names and ZIP codes: the small facts validation and mapping need.

States and territories and the country names come from ``resources/reference/geo_names.tsv``,
generated from the ``us`` and ``pycountry`` packages by the script beside it (the app ships
the 12 KB table, not the packages). It is read once, when this module is imported.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ping_desktop.resources import resource_path

GEO_TABLE = ("reference", "geo_names.tsv")
_NON_ALPHA = re.compile(r"[^a-z]+")
ZIP_RE = re.compile(r"^\d{5}(-?\d{4})?$")
ZIP4_RE = re.compile(r"^\d{4}$")


def _country_key(text: str) -> str:
    """How a country's name is compared: letters only, case ignored ("U.S.A." -> "u s a")."""
    return _NON_ALPHA.sub(" ", text.lower()).strip()


def _load() -> tuple[dict[str, str], dict[str, str]]:
    """(casefolded state name -> code, country key -> alpha-2), from the shipped table."""
    states: dict[str, str] = {}
    countries: dict[str, str] = {}
    text = resource_path(*GEO_TABLE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, code, *names = line.split("\t")
        if kind == "state":
            states.update((" ".join(n.casefold().split()), code) for n in names)
        elif kind == "country":
            countries.update((_country_key(n), code) for n in (code, *names))
    return states, countries


_STATE_NAME_CODES, _COUNTRIES = _load()
#: Two-letter codes of the US states, DC and the territories (PR, GU, VI, AS, MP).
US_STATES = frozenset(_STATE_NAME_CODES.values())
#: Their names, casefolded ("massachusetts", "district of columbia", "puerto rico").
US_STATE_NAMES = frozenset(_STATE_NAME_CODES)
#: Casefolded state code or name -> two-letter code ("ma", "massachusetts" -> "MA").
STATE_CODES: dict[str, str] = {
    **{code.casefold(): code for code in US_STATES},
    **_STATE_NAME_CODES,
}


@lru_cache(maxsize=1024)
def country_code(text: str) -> str:
    """ISO2 code for a known country name or code; other text comes back stripped."""
    return _COUNTRIES.get(_country_key(text), text.strip())


@lru_cache(maxsize=4096)
def is_us(state: str | None, country: str | None) -> bool:
    """Whether a row is in the US, from its country (if given) or else its state."""
    if country:
        return country_code(country) == "US"
    if state:
        text = state.strip()
        return text.upper() in US_STATES or text.lower() in US_STATE_NAMES
    return False
