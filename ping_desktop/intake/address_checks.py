"""Address checks against the bundled ZIP table, and the repairs they propose.

Pure functions: given what a row says (street, city, state, ZIP, country), say what is wrong
(:class:`Finding`, each with a kind, a severity and a plain sentence) and what would be sent once
the proposed repairs are applied. Repairs only ever fill in or fix up what the ZIP table makes
certain (leading zeros, the state of a ZIP, the city of a ZIP); a row that is already right comes
back unchanged. A declined kind of repair is reported but not applied.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from ping_desktop.intake.address import ParsedAddress, is_po_box, parse, state_code
from ping_desktop.intake.geo import country_code
from ping_desktop.intake.refdata import ZipInfo, lookup

#: Repair kinds -> (one, many) labels for the summary ("312 ZIPs restored").
REPAIR_KINDS: dict[str, tuple[str, str]] = {
    "zip_restored": ("ZIP restored (leading zeros)", "ZIPs restored (leading zeros)"),
    "state_filled": ("state filled from the ZIP", "states filled from the ZIP"),
    "city_filled": ("city filled from the ZIP", "cities filled from the ZIP"),
}
#: Flag kinds (nothing is changed; the user is told).
FLAG_KINDS: dict[str, tuple[str, str]] = {
    "zip_unknown": ("ZIP that does not exist", "ZIPs that do not exist"),
    "zip_state_mismatch": ("ZIP in another state", "ZIPs in another state"),
    "zip_city_mismatch": ("ZIP of another city", "ZIPs of another city"),
    "po_box": ("PO box instead of a building", "PO boxes instead of a building"),
    "incomplete": ("address too incomplete to geocode well",
                   "addresses too incomplete to geocode well"),
}

Severity = Literal["error", "warning"]

# Where each kind goes in a list grouped by kind (the export's Problems sheet): problems of no
# kind first (rows not sent, sources that failed), then the flags (the user should act), then
# the repairs (done for them).
_KIND_RANK = {kind: rank for rank, kind in enumerate((*FLAG_KINDS, *REPAIR_KINDS), start=1)}


def kind_rank(kind: str | None) -> int:
    """Sort key of a problem's kind: 0 for none, then flags, then repairs, unknown last."""
    return 0 if kind is None else _KIND_RANK.get(kind, len(_KIND_RANK) + 1)


def kind_label(kind: str | None) -> str:
    """The plain name of a check ("ZIP in another state"); "" for none, the kind itself when
    unknown (a run stored by a newer version)."""
    if kind is None:
        return ""
    one_many = FLAG_KINDS.get(kind) or REPAIR_KINDS.get(kind)
    return one_many[0] if one_many else _OTHER_LABELS.get(kind, kind)


# Whole-file refusals (intake.validate.REFUSALS): such a file never becomes a run, but a list
# of problems may still show them.
_OTHER_LABELS = {"no_rows": "no data rows", "nothing_sendable": "nothing to send"}


@dataclass(frozen=True)
class Finding:
    """One thing a check found on a row; ``field`` is the location field it is about."""

    kind: str
    field: str | None
    message: str
    severity: Severity = "warning"

    @property
    def is_repair(self) -> bool:
        """Whether this proposes a change to what is sent (as opposed to a flag)."""
        return self.kind in REPAIR_KINDS


@dataclass(frozen=True)
class Parts:
    """What a split-column row sends after the accepted repairs, and what was found."""

    postal: str | None
    state: str | None
    city: str | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class _Verdict:
    zip_fixed: str | None  # the repaired ZIP text, when a repair applies
    state_fill: str | None
    city_fill: str | None
    findings: tuple[Finding, ...]


_CLEAN = _Verdict(None, None, None, ())


def _short_zip(text: str) -> tuple[str, str] | None:
    """('02139', '-4307') for '2139-4307'; None unless 3-5 digits (+ optional 4)."""
    base, sep, plus4 = text.strip().partition("-")
    if not (base.isdigit() and 3 <= len(base) <= 5):
        return None
    if sep and not (len(plus4) == 4 and plus4.isdigit()):
        return None
    return base, sep + plus4


_STREET = "\x00street\x00"  # stands for the street text in cached messages


def _assess(street: str | None, city: str | None, state: str | None, zip_text: str | None,
            country: str | None, po_box: bool, one_line: bool,
            declined: frozenset[str]) -> _Verdict:
    """The verdict for one address. Only whether there is a street matters to the checks, so
    the work is shared by every address with the same city, state and ZIP."""
    verdict = _assess_shared(street is not None, city, state, zip_text, country, po_box,
                             one_line, declined)
    if street is None or not any(_STREET in f.message for f in verdict.findings):
        return verdict
    findings = tuple(replace(f, message=f.message.replace(_STREET, street))
                     for f in verdict.findings)
    return replace(verdict, findings=findings)


@lru_cache(maxsize=16384)
def _assess_shared(has_street: bool, city: str | None, state: str | None,
                   zip_text: str | None, country: str | None, po_box: bool, one_line: bool,
                   declined: frozenset[str]) -> _Verdict:
    street = _STREET if has_street else None
    if country is not None and country_code(country) != "US":
        return _CLEAN  # the ZIP table is US-only: other countries are not checked
    code = state_code(state) if state else None
    us: bool | None = True if country is not None or code is not None else None
    findings: list[Finding] = []
    zip_fixed = zip5 = None
    info: ZipInfo | None = None

    def note(kind: str, field: str | None, message: str) -> None:
        if kind in declined:
            message += " (repair declined: sent as written)"
        findings.append(Finding(kind, field, message))

    if zip_text:
        split = _short_zip(zip_text)
        if split is not None:
            base, tail = split
            candidate = base.zfill(5)
            info = lookup(candidate)
            if us is None:
                # No state or country: call it a US ZIP only if the table agrees with the city.
                us = (info is not None and city is not None and info.accepts_city(city)) or None
            if us:
                zip5 = candidate
                if len(base) < 5:
                    fixed = candidate + tail
                    note("zip_restored", "postal_code",
                         f"ZIP {zip_text} restored to {fixed} (Excel drops leading zeros)")
                    if "zip_restored" not in declined:
                        zip_fixed = fixed
        elif us:
            findings.append(Finding("zip_unknown", "postal_code",
                                    f'ZIP "{zip_text}" is not a US ZIP code (5 digits, or '
                                    "ZIP+4): correct it or the location may be misplaced."))
    if not us:
        return _Verdict(None, None, None, tuple(findings)) if findings else _CLEAN
    state_fill = city_fill = None
    if zip5 is not None and info is None:
        findings.append(Finding("zip_unknown", "postal_code",
                                f"ZIP {zip5} does not exist: correct it, or clear it and rely "
                                "on the city and state."))
    elif info is not None:
        if state is None:
            note("state_filled", "state", f"State {info.state} filled from ZIP {zip5}")
            if "state_filled" not in declined:
                state_fill = info.state
        elif code is not None and code != info.state:
            findings.append(Finding("zip_state_mismatch", "postal_code",
                                    f"ZIP {zip5} is in {info.city}, {info.state}, not in {state}: "
                                    "check the ZIP and the state."))
        if city is None and street is not None:
            note("city_filled", "city", f"City {info.city} filled from ZIP {zip5}")
            if "city_filled" not in declined:
                city_fill = info.city
        elif city is not None and not info.accepts_city(city):
            findings.append(Finding("zip_city_mismatch", "postal_code",
                                    f"ZIP {zip5} is {info.city}, {info.state}, not {city}: "
                                    "check the ZIP and the city."))
        if info.kind == "PO BOX" and not po_box:
            findings.append(Finding("po_box", "postal_code",
                                    f"ZIP {zip5} is for PO boxes only, not buildings: the "
                                    "location may land on the post office. Use the building's "
                                    "own ZIP."))
    if po_box:
        findings.append(Finding("po_box", "address" if one_line else "address_line_1",
                                f"{street or 'The address'} is a PO box, not a building: give "
                                "the building's street address."))
    if one_line:
        if street is None and (city or zip5):
            where = city or f"ZIP {zip5}"
            findings.append(Finding("incomplete", "address",
                                    f"No street address: the location will be the centre of "
                                    f"{where}. Add the street."))
        elif street is not None and city is None and zip5 is None:
            findings.append(Finding("incomplete", "address",
                                    f'"{street}" has no city or ZIP: the lookup may find the wrong '
                                    "place. Add the city and ZIP."))
    if not findings:
        return _CLEAN
    return _Verdict(zip_fixed, state_fill, city_fill, tuple(findings))


@lru_cache(maxsize=4096)
def check_parts(street: str | None, city: str | None, state: str | None, postal: str | None,
                country: str | None, declined: frozenset[str] = frozenset()) -> Parts:
    """Check a split-column address; the values to send come back with the repairs applied."""
    verdict = _assess(street, city, state, postal, country,
                      street is not None and is_po_box(street), False, declined)
    return Parts(
        verdict.zip_fixed or postal,
        verdict.state_fill or state,
        verdict.city_fill or city,
        verdict.findings,
    )


def check_line(text: str, country: str | None = None,
               declined: frozenset[str] = frozenset()) -> tuple[str, tuple[Finding, ...]]:
    """Check a one-line address: (the line to send, findings).

    The line comes back exactly as given unless a repair applies, and then only the repaired
    part changes: "77 Massachusetts Ave, Cambridge, MA 2139" -> "..., MA 02139".
    """
    parsed = parse(text)
    verdict = _assess(parsed.street, parsed.city, parsed.state, parsed.zip, country,
                      parsed.po_box, True, declined)
    return _rewrite(parsed, verdict), verdict.findings


def _rewrite(parsed: ParsedAddress, verdict: _Verdict) -> str:
    text = parsed.text
    if verdict is _CLEAN or not (verdict.zip_fixed or verdict.state_fill or verdict.city_fill):
        return text
    edits: list[tuple[int, int, str]] = []
    if verdict.zip_fixed and parsed.zip_at:
        start, end = parsed.zip_at
        edits.append((start, start + len(text[start:end].rstrip()), verdict.zip_fixed))
    anchor = parsed.state_at or parsed.zip_at
    if verdict.state_fill and parsed.zip_at:
        edits.append((parsed.zip_at[0], parsed.zip_at[0], verdict.state_fill + " "))
    if verdict.city_fill and anchor:
        edits.append((anchor[0], anchor[0], verdict.city_fill + ", "))
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def summarise(kinds: list[str]) -> list[tuple[str, int, str]]:
    """(kind, count, "312 ZIPs restored (leading zeros)") per kind, repairs first."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    out = []
    for table in (REPAIR_KINDS, FLAG_KINDS):
        for kind, (one, many) in table.items():
            if kind in counts:
                n = counts[kind]
                out.append((kind, n, f"{n:,} {one if n == 1 else many}"))
    return out
