"""Splitting a one-line US address into street, city, state and ZIP, for checking and repair.

The user's cell is never rewritten: :func:`parse` records where each part sits in the text so a
repair can edit just that part (``2139`` -> ``02139``) and leave the rest exactly as typed.

Well-formed lines ("77 Massachusetts Ave, Cambridge, MA 02139") are split by their commas and a
trailing state/ZIP, with no model call; a line without that structure ("77 Massachusetts Ave
Cambridge MA") goes to ``usaddress``, a CRF address tagger trained on US addresses, to find where
the street ends and the place name starts. A trailing number after a comma is read as a ZIP that
may have lost its leading zeros ("Springfield, 1103"): the reference checks decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import usaddress

from ping_desktop.intake.geo import STATE_CODES

_COUNTRY_TAIL = re.compile(
    r"[,\s]+(?:u\.?s\.?a?\.?|united\s+states(?:\s+of\s+america)?)\s*$", re.IGNORECASE
)
# A ZIP (3-5 digits: Excel may have eaten up to two leading zeros) at the end of the line,
# after a comma or a space; "-1234" ZIP+4 allowed. Longer numbers are caught too, so the
# checks can say they are no ZIP.
_ZIP_TAIL = re.compile(r"(?:^|(?<=[,\s]))(\d{3,9})(?:-(\d{1,6}))?\s*$")
_STATE_NAMES = "|".join(sorted((re.escape(n) for n in STATE_CODES if len(n) > 2), key=len,
                               reverse=True))
_STATE_TAIL = re.compile(
    rf"(?:^|(?<=[,\s]))([A-Za-z]{{2}}|{_STATE_NAMES})\.?\s*$", re.IGNORECASE
)
_UNIT = re.compile(r"^\s*(?:suite|ste|unit|apt|fl|floor|room|rm|bldg|building|#)\b",
                   re.IGNORECASE)
_PO_BOX = re.compile(
    r"\b(?:p\.?\s*o\.?\s*box|post\s+office\s+box|pob|p\.?\s*o\.?\s*drawer|box)\s*#?\s*\d",
    re.IGNORECASE,
)
_STREET_LABELS = {"AddressNumber", "StreetName", "StreetNamePostType", "StreetNamePreType",
                  "StreetNamePreDirectional", "StreetNamePostDirectional", "OccupancyType",
                  "OccupancyIdentifier", "USPSBoxType", "USPSBoxID", "BuildingName",
                  "AddressNumberSuffix", "AddressNumberPrefix", "StreetNamePreModifier",
                  "SubaddressType", "SubaddressIdentifier", "CornerOf", "IntersectionSeparator",
                  "LandmarkName", "USPSBoxGroupType", "USPSBoxGroupID", "StreetNamePostModifier"}


@dataclass(frozen=True)
class ParsedAddress:
    """The parts found in one line; ``*_at`` are (start, end) spans in the original text."""

    text: str
    street: str | None
    city: str | None
    state: str | None  # as written ("MA", "Mass." is not matched, "Massachusetts" is)
    zip: str | None  # as written, ZIP+4 included ("2139", "02139-4307")
    zip_at: tuple[int, int] | None
    state_at: tuple[int, int] | None
    city_at: tuple[int, int] | None
    po_box: bool

    @property
    def state_code(self) -> str | None:
        """The two-letter code of the state written, or None when none/unknown."""
        return state_code(self.state) if self.state else None


def state_code(text: str) -> str | None:
    """'MA', 'ma', 'Massachusetts' -> 'MA'; anything else -> None."""
    return STATE_CODES.get(" ".join(text.strip().rstrip(".").casefold().split()))


def is_po_box(text: str) -> bool:
    """Whether a street line is a PO box (or drawer) rather than a building."""
    return _PO_BOX.search(text) is not None


@lru_cache(maxsize=65536)
def parse(text: str) -> ParsedAddress:
    """Split a one-line address; parts that are not there come back None."""
    end = len(text.rstrip())
    country = _COUNTRY_TAIL.search(text, 0, end)
    if country:
        end = country.start()
    end = _strip_end(text, end)
    zip_at = state_at = None
    zip_match = _ZIP_TAIL.search(text[:end])
    if zip_match and text[: zip_match.start()].strip(" ,"):
        zip_at = (zip_match.start(), zip_match.end())
        end = _strip_end(text, zip_match.start())
    state_match = _STATE_TAIL.search(text[:end])
    if state_match and state_code(state_match.group(1)) and _state_ok(text, state_match,
                                                                      zip_at is not None):
        state_at = (state_match.start(1), state_match.end())
        end = _strip_end(text, state_match.start())
    street, city_at = _street_and_city(text, end)
    return ParsedAddress(
        text=text,
        street=street,
        city=text[city_at[0]:city_at[1]] if city_at else None,
        state=text[state_at[0]:state_at[1]].strip() if state_at else None,
        zip=text[zip_at[0]:zip_at[1]].strip() if zip_at else None,
        zip_at=zip_at,
        state_at=state_at,
        city_at=city_at,
        po_box=is_po_box(text),
    )


def _strip_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " ,\t":
        end -= 1
    return end


def _state_ok(text: str, match: re.Match[str], before_zip: bool) -> bool:
    """A two-letter word is a state when written in capitals, after a comma or before a ZIP
    ("Oak Park, In" is not Indiana; "Oak Park, IN" and "oak park in 46302" are)."""
    word = match.group(1)
    if len(word) > 2 or word.isupper() or before_zip:
        return True
    return text[: match.start(1)].rstrip(" ").endswith(",")


def _street_and_city(text: str, end: int) -> tuple[str | None, tuple[int, int] | None]:
    head = text[:end]
    if not head.strip(" ,"):
        return None, None
    cut = head.rfind(",")
    if cut >= 0:
        last = head[cut + 1:].strip()
        start = cut + 1 + (len(head[cut + 1:]) - len(head[cut + 1:].lstrip()))
        street = head[:cut].strip(" ,") or None
        if last and not any(c.isdigit() for c in last) and not _UNIT.match(last):
            return street, (start, start + len(last))
        return head.strip(" ,") or None, None
    if not any(c.isdigit() for c in head):
        start = len(head) - len(head.lstrip())
        return None, (start, len(head.rstrip()))  # a place name alone: "Springfield"
    return _tagged(head)


def _tagged(head: str) -> tuple[str | None, tuple[int, int] | None]:
    """No comma: let the CRF tagger say where the street ends and the place name begins."""
    try:
        tokens = usaddress.parse(head)
    except Exception:  # the tagger is a model: any failure just means "no city found"
        return head.strip() or None, None
    place = [t for t, label in tokens if label == "PlaceName"]
    if not place or any(label not in _STREET_LABELS | {"PlaceName"} for _, label in tokens):
        return head.strip() or None, None
    first = head.rfind(place[0].strip(","), 0, len(head))
    words = " ".join(p.strip(",") for p in place)
    start = head.find(words) if head.find(words) >= 0 else first
    if start <= 0:
        return head.strip() or None, None
    return head[:start].strip(" ,") or None, (start, start + len(words))
