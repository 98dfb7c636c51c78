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
from typing import NamedTuple

import usaddress

from ping_desktop.intake.geo import STATE_CODES

_MAX_STATE_WORDS = max(len(name.split()) for name in STATE_CODES)
_COUNTRY_TAIL = re.compile(
    r"[,\s]+(?:u\.?s\.?a?\.?|united\s+states(?:\s+of\s+america)?)\s*$", re.IGNORECASE
)
# A ZIP (3-5 digits: Excel may have eaten up to two leading zeros) at the end of the line,
# after a comma or a space; "-1234" ZIP+4 allowed. Longer numbers are caught too, so the
# checks can say they are no ZIP.
_ZIP_TAIL = re.compile(r"(?:^|(?<=[,\s]))(\d{3,9})(?:-(\d{1,6}))?\s*$")
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


class ParsedAddress(NamedTuple):
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


_PO_HINT = re.compile("box|drawer|pob", re.IGNORECASE).search  # cheap first look
#: A match (truthy) when a text might name a PO box; None means it certainly does not.
po_box_hint = _PO_HINT
_DIGIT = re.compile(r"\d").search


def is_po_box(text: str) -> bool:
    """Whether a street line is a PO box (or drawer) rather than a building."""
    return _PO_HINT(text) is not None and _PO_BOX.search(text) is not None


def parse(text: str) -> ParsedAddress:
    """Split a one-line address; parts that are not there come back None."""
    fast = _usual_shape(text)
    if fast is not None:
        return fast
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
    found = _state_tail(text, end, zip_at is not None)
    if found is not None:
        state_at = found
        end = _strip_end(text, found[0])
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


def is_usual_shape(text: str) -> bool:
    """Whether a line has the usual "street, city, ST 12345" shape (split without the general
    search, the street taken as everything before the city's comma)."""
    return _usual_shape(text) is not None


def _usual_shape(text: str) -> ParsedAddress | None:
    """"street, city, ST 12345" (the shape most SOVs use) split without the general search;
    None for anything else."""
    head, comma, last = text.rpartition(",")
    bits = last.split()
    if not comma or len(bits) != 2:
        return None
    state, zip_text = bits
    if not (len(state) == 2 and state.isupper() and state.casefold() in STATE_CODES
            and zip_text.isdigit() and 3 <= len(zip_text) <= 5):
        return None
    street, comma, city = head.rpartition(",")
    city_text, street_text = city.strip(), street.strip(" ,")
    if (not comma or not city_text or not street_text or _DIGIT(city_text)
            or _UNIT.match(city_text)):
        return None
    city_start = len(street) + 1 + (len(city) - len(city.lstrip()))
    zip_start = text.rindex(zip_text)
    state_start = text.rindex(state, 0, zip_start)
    return ParsedAddress(
        text=text,
        street=street_text,
        city=city_text,
        state=state,
        zip=zip_text,
        zip_at=(zip_start, zip_start + len(zip_text)),
        state_at=(state_start, state_start + 2),
        city_at=(city_start, city_start + len(city_text)),
        po_box=is_po_box(street_text),
    )


def _strip_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " ,\t":
        end -= 1
    return end


def _state_tail(text: str, end: int, before_zip: bool) -> tuple[int, int] | None:
    """The span of a state code or name ending at ``end`` (the last one to three words).

    A two-letter word is a state when written in capitals, after a comma or before a ZIP
    ("Oak Park In" is not Indiana; "Oak Park, IN" and "oak park in 46302" are).
    """
    start = end
    for words in range(1, _MAX_STATE_WORDS + 1):
        start = _word_start(text, start)
        word = text[start:end]
        if state_code(word) is None:
            if start <= 0:
                return None
            start -= 1  # step over the space before this word and try a longer name
            continue
        if words > 1 or len(word.rstrip(".")) > 2 or word.isupper() or before_zip:
            return start, end
        return (start, end) if text[:start].rstrip(" ").endswith(",") else None
    return None


def _word_start(text: str, end: int) -> int:
    start = end
    while start > 0 and text[start - 1] not in " ,\t":
        start -= 1
    return start


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
