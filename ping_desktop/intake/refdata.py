"""The US ZIP reference table that ships with the app (resources/reference/us_zips.tsv.gz).

Read once, on first use, as one line of text per ZIP; a ZIP's :class:`ZipInfo` is built the
first time it is looked up (an intake touches a few hundred ZIPs, not all 41,000). The table
is derived from the ``zipcodes`` package by ``resources/reference/build_us_zips.py`` (see
there for why a compact copy instead of the package's own list).
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
_lines: dict[str, str] | None = None  # ZIP -> its line of the table, parsed on lookup
_parsed: dict[str, ZipInfo | None] = {}
_lock = threading.Lock()


@lru_cache(maxsize=65536)
def city_key(city: str) -> str:
    """A city name compared loosely: case, punctuation, spacing and Saint/St/Ft/Mt spelling."""
    words = "".join(c if c.isalnum() else " " for c in city.casefold()).split()
    spelled = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
    return " ".join(spelled.get(w, w) for w in words)


def _parse(line: str) -> ZipInfo:
    z, kind, city, state, county, lat, lon, others = line.split("\t")
    return ZipInfo(
        z, kind, city, state, county,
        float(lat) if lat else None, float(lon) if lon else None,
        tuple(others.split("|")) if others else (),
    )


def _read_lines(source: Path) -> dict[str, str]:
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        text = fh.read()
    return {line[:5]: line for line in text.splitlines() if line and not line.startswith("#")}


def _table_lines() -> dict[str, str]:
    global _lines
    if _lines is None:
        with _lock:
            if _lines is None:
                _lines = _read_lines(resource_path(*ZIP_TABLE))
    return _lines


def warm_up() -> None:
    """Read the table in a helper thread, if not read yet (for a caller about to wait on
    something that lets go of the GIL, like calamine parsing a sheet), so the first lookup
    does not wait for it. A lookup meanwhile waits for the thread's read (one lock)."""
    if _lines is None:
        threading.Thread(target=_table_lines, name="zip-table", daemon=True).start()


def load(path: Path | None = None) -> dict[str, ZipInfo]:
    """The whole table, every ZIP parsed (cached after the first call); ``path``: another
    copy of the table, read afresh and not cached."""
    global _table, _by_state
    if path is not None:
        return {z: _parse(line) for z, line in _read_lines(path).items()}
    if _table is None:
        table = {z: _parse(line) for z, line in _table_lines().items()}
        counts: dict[str, int] = {}
        for info in table.values():
            counts[info.state] = counts.get(info.state, 0) + 1
        _table, _by_state = table, counts
    return _table


def lookup(zip5: str) -> ZipInfo | None:
    """The ZIP's entry, or None for a ZIP that does not exist (``zip5`` = exactly 5 digits)."""
    try:
        return _parsed[zip5]
    except KeyError:
        pass
    line = _table_lines().get(zip5)
    info = None if line is None else _parse(line)
    _parsed[zip5] = info  # a benign race: two threads build the same value
    return info


def states() -> frozenset[str]:
    """Every state/territory code that has ZIPs (50 states, DC, PR, VI, GU, AS, MP, AA/AE/AP…)."""
    load()
    assert _by_state is not None
    return frozenset(_by_state)
