"""The US ZIP table the emulator draws real places from (the same shipped file the client
checks addresses with, read by its own small loader: the emulator shares no client code).

Every ZIP has its USPS city, state, county and centre point, so a synthetic geocode can land
near the ZIP's real place, and a city + state without a ZIP can be placed in that city.
"""

from __future__ import annotations

import gzip
import threading
from typing import NamedTuple

from ping_desktop.resources import resource_path


class ZipPlace(NamedTuple):
    """One ZIP's real place."""

    zip: str
    kind: str
    city: str
    state: str
    county: str
    lat: float
    lon: float
    other_cities: tuple[str, ...]


_lock = threading.Lock()
_by_zip: dict[str, ZipPlace] = {}
_by_city: dict[tuple[str, str], ZipPlace] = {}


def city_key(city: str) -> str:
    """Loose city comparison: case, punctuation and St/Ft/Mt spelled out."""
    words = "".join(c if c.isalnum() else " " for c in city.casefold()).split()
    spelled = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
    return " ".join(spelled.get(w, w) for w in words)


def _load() -> None:
    with _lock:
        if _by_zip:
            return
        path = resource_path("reference", "us_zips.tsv.gz")
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith("#"):
                    continue
                z, kind, city, state, county, lat, lon, others = line.rstrip("\n").split("\t")
                if not lat or not lon:
                    continue
                place = ZipPlace(z, kind, city, state, county, float(lat), float(lon),
                                 tuple(others.split("|")) if others else ())
                _by_zip[z] = place
                # A city's first STANDARD ZIP (the table is sorted) stands for the city.
                key = (state, city_key(city))
                if kind == "STANDARD" or key not in _by_city:
                    _by_city.setdefault(key, place)


def by_zip(zip5: str) -> ZipPlace | None:
    """The ZIP's place, or None for a ZIP that does not exist."""
    _load()
    return _by_zip.get(zip5)


def by_city(city: str, state: str) -> ZipPlace | None:
    """A ZIP of the named city in that state (its first standard one), or None."""
    _load()
    return _by_city.get((state, city_key(city)))


def accepts(place: ZipPlace, city: str) -> bool:
    """Whether ``city`` names the ZIP's place (USPS city or one of its accepted names)."""
    key = city_key(city)
    return key == city_key(place.city) or any(key == city_key(c) for c in place.other_cities)
