"""Running the address checks over whole mapped columns (the per-row work done once per
distinct address, so 100,000-row sheets with repeating cities and ZIPs stay fast)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace

from ping_desktop.intake.address import is_po_box
from ping_desktop.intake.address_checks import Finding, check_line, check_parts
from ping_desktop.intake.cleaning import Clean
from ping_desktop.intake.model import LOCATION_FIELDS

#: add(row index, field, message, severity, kind)
AddFinding = Callable[[int, Finding], None]
_PARTS = ("address_line_1", "city", "state", "postal_code")
_FILLED = {"state": "state_filled", "city": "city_filled", "postal_code": "zip_restored"}


def _text(value: Clean) -> str | None:
    if value is None or value.__class__ is not str:
        return None if value is None else str(value)
    return value


def apply_address_checks(
    cleaned: dict[str, list[Clean]],
    fields: list[str],
    n: int,
    add: AddFinding,
    declined: Collection[str] = (),
) -> None:
    """Check every row's address; put the accepted repairs into ``cleaned`` (what is sent,
    never the user's cells) and report each finding through ``add``.

    A repair that fills a field nobody mapped (the state of a one-column ZIP) adds that field
    to ``cleaned`` and ``fields`` so it is sent.
    """
    skip = frozenset(declined)
    none: list[Clean] = [None] * n
    country = cleaned.get("country", none)
    said: dict[int, set[str]] = {}
    if "address" in cleaned:
        said = _one_line(cleaned["address"], country, skip, add)
    if not any(f in cleaned for f in _PARTS):
        return
    line1, city = cleaned.get("address_line_1", none), cleaned.get("city", none)
    state, postal = cleaned.get("state", none), cleaned.get("postal_code", none)
    # The street matters only as "present" and "a PO box": keying on that instead of the
    # street text lets 100,000 distinct streets share a few thousand checks.
    street = _street_kinds(line1)
    keys = list(zip(street, city, state, postal, country, strict=True))
    verdicts = {
        k: check_parts(k[0], *map(_text, k[1:]), skip)
        for k in set(keys)
    }
    if not any(v.findings for v in verdicts.values()):
        return
    out = {f: cleaned.get(f) for f in ("city", "state", "postal_code")}
    one_line = cleaned.get("address", none)
    for i, key in enumerate(keys):
        verdict = verdicts[key]
        if not verdict.findings:
            continue
        left_out: set[str] = set()
        for f, value in (("postal_code", verdict.postal), ("state", verdict.state),
                         ("city", verdict.city)):
            if value is not None and value != _text(key[_PARTS.index(f)]):
                column = out[f]
                if column is None:
                    if one_line[i] is not None:
                        # The one-line address is what the geocoder reads: no new field
                        # is invented beside it.
                        left_out.add(_FILLED[f])
                        continue
                    column = out[f] = cleaned[f] = [None] * n
                column[i] = value
        for finding in verdict.findings:
            if finding.kind in left_out or finding.message in said.get(i, ()):
                continue  # not applied, or already said about the one-line address
            if finding.kind == "po_box" and finding.field == "address_line_1":
                finding = replace(finding, message=finding.message.replace(
                    _PO_STAND_IN, _text(line1[i]) or "The address", 1))
            add(i, finding)
    for f in ("city", "state", "postal_code"):
        if f in cleaned and f not in fields:
            fields.append(f)
    fields.sort(key=LOCATION_FIELDS.index)


_PO_STAND_IN = "PO Box 1"  # the street the shared check sees for every PO-box street


def _street_kinds(line1: list[Clean]) -> list[str | None]:
    """Per row: None (no street), a plain stand-in street, or a PO-box stand-in."""
    def kind(v: Clean) -> str | None:
        if v is None:
            return None
        text = str(v)
        if is_po_box(text):
            return _PO_STAND_IN
        return "1 Street"

    distinct = {v: kind(v) for v in set(line1)}
    return list(map(distinct.__getitem__, line1))


def _one_line(column: list[Clean], country: list[Clean], skip: frozenset[str],
              add: AddFinding) -> dict[int, set[str]]:
    """Check and repair the one-line column in place; the messages said, per row."""
    said: dict[int, set[str]] = {}
    keys = list(zip(column, country, strict=True))
    results = {
        k: check_line(k[0], _text(k[1]), skip)
        for k in set(keys)
        if k[0].__class__ is str
    }
    if not any(findings for _, findings in results.values()):
        return said
    for i, key in enumerate(keys):
        result = results.get(key)
        if result is None or not result[1]:
            continue
        column[i] = result[0]
        for finding in result[1]:
            add(i, finding)
        said[i] = {f.message for f in result[1]}
    return said
