"""Running the address checks over whole mapped columns (the per-row work done once per
distinct address, so 100,000-row sheets with repeating cities and ZIPs stay fast)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import cast

from ping_desktop.intake.address import is_po_box, is_usual_shape, po_box_hint
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
    # Per distinct key, once: the values that change and the findings to report.
    todo = {
        k: (tuple((f, value) for f, value in (("postal_code", v.postal), ("state", v.state),
                                              ("city", v.city))
                  if value is not None and value != _text(k[_PARTS.index(f)])), v.findings)
        for k, v in verdicts.items()
        if v.findings
    }
    for i, key in enumerate(keys):
        if key not in todo:
            continue
        changes, findings = todo[key]
        left_out: set[str] = set()
        for f, value in changes:
            column = out[f]
            if column is None:
                if one_line[i] is not None:
                    # The one-line address is what the geocoder reads: no new field is
                    # invented beside it.
                    left_out.add(_FILLED[f])
                    continue
                column = out[f] = cleaned[f] = [None] * n
            column[i] = value
        already = said.get(i, ())
        for finding in findings:
            if finding.kind in left_out or finding.message in already:
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
    texts = [v for v in line1 if v.__class__ is str]
    if len(texts) + line1.count(None) == len(line1) and not _hinted("\n".join(texts)):
        # The usual sheet: text or empty streets, none that could be a PO box. Decided by
        # one search over the whole column joined, not one call per distinct street.
        return [None if v is None else "1 Street" for v in line1]

    def kind(v: Clean) -> str | None:
        if v is None:
            return None
        text = str(v)
        if is_po_box(text):
            return _PO_STAND_IN
        return "1 Street"

    distinct = {v: kind(v) for v in set(line1)}
    return list(map(distinct.__getitem__, line1))


def _hinted(text: str) -> bool:
    """``po_box_hint(text)``, found faster in a long text: its lower-case form searched
    without the case-insensitive regex (exact unless lowering changes its length)."""
    lower = text.lower()
    if len(lower) != len(text):
        return po_box_hint(text) is not None
    return "box" in lower or "drawer" in lower or "pob" in lower


def _one_line(column: list[Clean], country: list[Clean], skip: frozenset[str],
              add: AddFinding) -> dict[int, set[str]]:
    """Check and repair the one-line column in place; the messages said, per row."""
    said: dict[int, set[str]] = {}
    results = _line_results(column, country, skip)
    if not results:
        return said
    messages: dict[int, set[str]] = {}  # by id() of the findings tuples many rows share
    for i, (line, findings) in results.items():  # validate() puts the rows in order
        column[i] = line
        for finding in findings:
            add(i, finding)
        said[i] = messages.get(id(findings)) or messages.setdefault(
            id(findings), {f.message for f in findings})
    return said


#: Stands for the street while the place after it ("..., Cambridge, MA 2139") is checked once
#: for every line ending that way; no real street or message contains it.
_STAND_IN = "\x00"
Checked = tuple[str, tuple[Finding, ...]]


def _line_results(column: list[Clean], country: list[Clean],
                  skip: frozenset[str]) -> dict[int, Checked]:
    """Per row index with findings: (the line to send, the findings) — exactly what
    :func:`check_line` says of each line, but with the work done once per distinct place.

    A line of the usual shape "street, city, ST 12345" whose street is no PO box is checked as
    "<stand-in>, city, ST 12345": its verdict and repair depend on the city, state and ZIP only
    (the checks look at the street just to know there is one), and the repair only ever edits
    that end of the line. Lines of any other shape, and places whose verdict names the street,
    are checked whole (once per distinct line).
    """
    places: dict[tuple[str, str, Clean], list[int]] = {}
    whole: dict[tuple[str, Clean], list[int]] = {}
    # Whether any line could name a PO box at all, found by one search over the column joined:
    # when none can, no street before the last commas needs its own search.
    maybe_po = _hinted("\n".join([v for v in column if isinstance(v, str)]))
    for i, (text, where) in enumerate(zip(column, country, strict=True)):
        if text.__class__ is not str:
            continue
        parts = text.rsplit(",", 2)
        if (len(parts) == 3 and parts[0].strip(" ,")
                and not (maybe_po and po_box_hint(parts[0]))):
            places.setdefault((parts[1], parts[2], where), []).append(i)
        else:
            whole.setdefault((text, where), []).append(i)
    out: dict[int, Checked] = {}
    for (city, place, where), rows in places.items():
        stand_in = f"{_STAND_IN},{city},{place}"
        usual = is_usual_shape(stand_in)
        line, findings = check_line(stand_in, _text(where), skip)
        if usual and not findings:
            continue
        if (not usual or not line.startswith(_STAND_IN + ",")
                or any(_STAND_IN in f.message for f in findings)):
            for i in rows:  # the verdict depends on the street after all: check each line
                whole.setdefault((cast(str, column[i]), where), []).append(i)
            continue
        new_end, cut = line[len(_STAND_IN):], len(city) + len(place) + 2
        for i in rows:
            text = cast(str, column[i])
            out[i] = (text[:len(text) - cut] + new_end, findings)
    for (text, where), rows in whole.items():
        line, findings = check_line(text, _text(where), skip)
        if findings:
            for i in rows:
                out[i] = (line, findings)
    return out
