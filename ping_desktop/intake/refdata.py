"""The US ZIP reference table that ships with the app (resources/reference/us_zips.tsv.gz).

Loaded once, on first use, into one dict: ZIP -> :class:`ZipInfo`. The table is derived from
the ``zipcodes`` package by ``resources/reference/build_us_zips.py`` (see there for why a
compact copy instead of the package's own list).
"""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ping_desktop.resources import resource_path

ZIP_TABLE = ("reference", "us_zips.tsv.gz")


@dataclass(frozen=True, slots=True)
class ZipInfo:
    """One US ZIP: its USPS city, the other names USPS accepts, state, county and centre."""

    zip: str
    kind: str  # STANDARD, PO BOX, UNIQUE (one big organisation) or MILITARY
    city: str
    state: str
    county: str
    lat: float | None
    lon: float | None
    other_cities: tuple[str, ...] = ()

    def accepts_city(self, city: str) -> bool:
        """Whether ``city`` names this ZIP's place (case, dots and "St"/"Saint" ignored)."""
        key = city_key(city)
        return key == city_key(self.city) or any(key == city_key(c) for c in self.other_cities)


_table: dict[str, ZipInfo] | None = None
_by_state: dict[str, int] | None = None
_lock = threading.Lock()


@lru_cache(maxsize=65536)
def city_key(city: str) -> str:
    """A city name compared loosely: case, punctuation, spacing and Saint/St/Ft/Mt spelling."""
    words = "".join(c if c.isalnum() else " " for c in city.casefold()).split()
    spelled = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
    return " ".join(spelled.get(w, w) for w in words)


def load(path: Path | None = None) -> dict[str, ZipInfo]:
    """The whole table (cached after the first call, which takes a few tens of ms)."""
    global _table, _by_state
    if _table is not None and path is None:
        return _table
    with _lock:
        if _table is not None and path is None:
            return _table
        source = path or resource_path(*ZIP_TABLE)
        table: dict[str, ZipInfo] = {}
        with gzip.open(source, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith("#"):
                    continue
                z, kind, city, state, county, lat, lon, others = line.rstrip("\n").split("\t")
                table[z] = ZipInfo(
                    z, kind, city, state, county,
                    float(lat) if lat else None, float(lon) if lon else None,
                    tuple(others.split("|")) if others else (),
                )
        if path is not None:
            return table
        counts: dict[str, int] = {}
        for info in table.values():
            counts[info.state] = counts.get(info.state, 0) + 1
        _table, _by_state = table, counts
        return table


def lookup(zip5: str) -> ZipInfo | None:
    """The ZIP's entry, or None for a ZIP that does not exist (``zip5`` = exactly 5 digits)."""
    return load().get(zip5)


def states() -> frozenset[str]:
    """Every state/territory code that has ZIPs (50 states, DC, PR, VI, GU, AS, MP, AA/AE/AP…)."""
    load()
    assert _by_state is not None
    return frozenset(_by_state)
