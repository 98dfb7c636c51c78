"""guess_mapping: which column feeds which Ping location field, from headers and contents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ping_desktop.intake.geo import US_STATE_NAMES, US_STATES, ZIP4_RE, ZIP_RE
from ping_desktop.intake.model import (
    LOCATION_FIELDS,
    CellValue,
    ColumnGuess,
    ColumnMapping,
    SheetTable,
)
from ping_desktop.intake.synonyms import header_matches, normalise_header

_SAMPLE = 300
_FULL_ADDRESS = re.compile(r",.*(\b[A-Za-z]{2}\b|\d{5})")
_AMBIGUOUS = frozenset({"x", "y", "st", "te", "bi", "use", "name", "built", "area", "sf", "long"})


@dataclass(frozen=True)
class ColumnStats:
    """What a column's first few hundred values look like."""

    filled: int
    numeric: float  # share of values that are numbers (or numeric text)
    lat_range: float  # share of numbers within [-90, 90]
    lon_range: float  # share of numbers within [-180, 180]
    fractional: float  # share of numbers with a fractional part
    zip_like: float
    state_like: float
    year_like: float
    full_address: float  # share of texts like "1 Main St, Boston, MA 02134"
    street_like: float  # share of texts starting with a house number


def _as_number(value: CellValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "")
        try:
            return float(text)
        except ValueError:
            return None
    return None


def column_stats(table: SheetTable, index: int) -> ColumnStats:
    """Content statistics of one column over the first rows."""
    values = [r[index] for r in table.rows[:_SAMPLE] if r[index] is not None]
    n = len(values) or 1
    numbers = [x for x in map(_as_number, values) if x is not None]
    m = len(numbers) or 1
    texts = [str(v).strip() for v in values]
    return ColumnStats(
        filled=len(values),
        numeric=len(numbers) / n,
        lat_range=sum(1 for x in numbers if -90 <= x <= 90) / m,
        lon_range=sum(1 for x in numbers if -180 <= x <= 180) / m,
        fractional=sum(1 for x in numbers if not x.is_integer()) / m,
        zip_like=sum(1 for t in texts if ZIP_RE.match(t) or ZIP4_RE.match(t)) / n,
        state_like=sum(1 for t in texts if t.upper() in US_STATES or t.lower() in US_STATE_NAMES)
        / n,
        year_like=sum(1 for x in numbers if x.is_integer() and 1600 <= x <= 2100) / m
        * (len(numbers) / n),
        full_address=sum(1 for t in texts if _FULL_ADDRESS.search(t)) / n,
        street_like=sum(1 for t in texts if t[:1].isdigit() and " " in t) / n,
    )


def _adjust(field: str, header: str, conf: float, s: ColumnStats) -> float:
    """Raise or lower a header-based confidence from what the cells hold."""
    if s.filled == 0:
        return conf * 0.8
    short = normalise_header(header) in _AMBIGUOUS
    if field in ("latitude", "longitude"):
        in_range = s.lat_range if field == "latitude" else s.lon_range
        ok = s.numeric >= 0.9 and in_range >= 0.95
        if not ok:
            return conf * (0.2 if short else 0.5)
        return min(0.99, conf + 0.04) if s.fractional > 0.5 else conf * 0.85
    if field == "postal_code":
        return min(0.99, conf + 0.04) if s.zip_like >= 0.8 else conf * 0.75
    if field == "state":
        if s.state_like >= 0.8:
            return min(0.99, conf + 0.04)
        if short and s.street_like >= 0.5:
            return 0.0  # "St" holding "12 Oak St" is a street, not a state
        return conf * (0.5 if short else 0.8)
    if field == "const__bldg_year_built":
        return min(0.99, conf + 0.03) if s.year_like >= 0.8 else conf * 0.5
    if field.startswith("limits__") or field in ("const__num_stories", "const__bldg_area"):
        return conf if s.numeric >= 0.8 else conf * (0.4 if short else 0.6)
    if field == "address":
        return conf if s.numeric < 0.5 else conf * 0.3
    return conf


def _content_guesses(column: str, s: ColumnStats) -> list[tuple[str, float, str]]:
    """Guesses for columns whose header says nothing useful."""
    if s.filled < 3:
        return []
    out: list[tuple[str, float, str]] = []
    if s.state_like >= 0.9:
        out.append(("state", 0.5, f'values in "{column}" look like US states'))
    if s.zip_like >= 0.9 and s.year_like < 0.5:
        out.append(("postal_code", 0.45, f'values in "{column}" look like ZIP codes'))
    if s.full_address >= 0.8:
        out.append(("address", 0.45, f'values in "{column}" look like full addresses'))
    return out


def guess_mapping(table: SheetTable) -> tuple[ColumnMapping, list[ColumnGuess]]:
    """Best guess per field (never one column twice), and the reasons, most sure first."""
    candidates: list[tuple[float, str, str, str]] = []
    stats = [column_stats(table, i) for i in range(len(table.columns))]
    for i, column in enumerate(table.columns):
        matches = header_matches(column)
        for field, conf, reason in matches:
            adjusted = _adjust(field, column, conf, stats[i])
            if adjusted >= 0.2:
                candidates.append((adjusted, field, column, reason))
        if not matches:
            for field, conf, reason in _content_guesses(column, stats[i]):
                candidates.append((conf, field, column, reason))
    # Most confident first; ties keep the sheet's column order (the left-most column wins).
    order = {c: i for i, c in enumerate(table.columns)}
    candidates.sort(key=lambda c: (-c[0], order[c[2]], LOCATION_FIELDS.index(c[1])))
    chosen: dict[str, ColumnGuess] = {}
    used: set[str] = set()
    for conf, field, column, reason in candidates:
        if field in chosen or column in used:
            continue
        chosen[field] = ColumnGuess(field, column, round(conf, 2), reason)
        used.add(column)
    _settle_address(chosen, stats, order)
    mapping = ColumnMapping(
        fields={f: chosen[f].column for f in LOCATION_FIELDS if f in chosen},
        confidence={f: chosen[f].confidence for f in LOCATION_FIELDS if f in chosen},
    )
    guesses = sorted(chosen.values(), key=lambda g: (-g.confidence, LOCATION_FIELDS.index(g.field)))
    return mapping, guesses


def _settle_address(
    chosen: dict[str, ColumnGuess], stats: list[ColumnStats], order: dict[str, int]
) -> None:
    """Single-line vs split address: a street-only "Address" column next to City/State/ZIP is
    line 1; a lone "Street" column whose cells hold whole addresses is the single line."""
    parts = any(f in chosen for f in ("city", "state", "postal_code"))
    full = chosen.get("address")
    line1 = chosen.get("address_line_1")
    if full and parts and "address_line_1" not in chosen:
        if stats[order[full.column]].full_address < 0.5:
            chosen["address_line_1"] = ColumnGuess(
                "address_line_1",
                full.column,
                round(full.confidence * 0.9, 2),
                f'"{full.column}" holds streets only (city/state/ZIP are in their own columns)',
            )
            del chosen["address"]
    elif (
        line1
        and not parts
        and "address" not in chosen
        and stats[order[line1.column]].full_address >= 0.5
    ):
        chosen["address"] = ColumnGuess(
            "address",
            line1.column,
            round(line1.confidence * 0.9, 2),
            f'"{line1.column}" holds whole addresses on one line',
        )
        del chosen["address_line_1"]
