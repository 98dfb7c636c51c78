"""The address parser and the reference checks as pure functions, with round-trip properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ping_desktop.intake.address import parse
from ping_desktop.intake.address_checks import check_line, check_parts, summarise
from ping_desktop.intake.refdata import load, lookup


def kinds(findings: tuple[object, ...]) -> list[str]:
    return [f.kind for f in findings]  # type: ignore[attr-defined]


def test_parse_splits_the_usual_shapes() -> None:
    p = parse("77 Massachusetts Ave, Cambridge, MA 2139")
    assert (p.street, p.city, p.state, p.zip) == ("77 Massachusetts Ave", "Cambridge", "MA",
                                                  "2139")
    no_commas = parse("77 Massachusetts Ave Cambridge MA 02139")  # the CRF tagger's case
    assert (no_commas.street, no_commas.city, no_commas.zip) == ("77 Massachusetts Ave",
                                                                 "Cambridge", "02139")
    p = parse("1 Main St, Suite 200, Boston, Massachusetts 02110-1234, USA")
    assert (p.street, p.city, p.state_code, p.zip) == ("1 Main St, Suite 200", "Boston", "MA",
                                                       "02110-1234")
    assert parse("PO Box 12, Boston MA 02110").po_box
    assert not parse("12 Boxwood Ln, Boston MA 02110").po_box


def test_cambridge_one_line_zip_is_restored_in_the_line() -> None:
    sent, findings = check_line("77 Massachusetts Ave, Cambridge, MA 2139")
    assert sent == "77 Massachusetts Ave, Cambridge, MA 02139"
    assert kinds(findings) == ["zip_restored"]
    assert findings[0].message == "ZIP 2139 restored to 02139 (Excel drops leading zeros)"


def test_springfield_without_state_is_repaired_and_flagged() -> None:
    sent, findings = check_line("Springfield, 1103")
    assert sent == "Springfield, MA 01103"
    assert kinds(findings) == ["zip_restored", "state_filled", "incomplete"]
    assert "No street address" in findings[2].message


def test_street_and_state_only_is_flagged_incomplete() -> None:
    sent, findings = check_line("2 Penn Plaza, NY")
    assert sent == "2 Penn Plaza, NY"
    assert kinds(findings) == ["incomplete"]
    assert findings[0].message.startswith('"2 Penn Plaza" has no city or ZIP')


@pytest.mark.parametrize(("line", "kind", "words"), [
    ("1 Main St, Boston, NY 02110", "zip_state_mismatch", "ZIP 02110 is in Boston, MA, not in NY"),
    ("1 Main St, Springfield, MA 02110", "zip_city_mismatch",
     "ZIP 02110 is Boston, MA, not Springfield"),
    ("1 Main St, Boston, MA 00000", "zip_unknown", "ZIP 00000 does not exist"),
    ("1 Main St, Boston, MA 123456", "zip_unknown", 'ZIP "123456" is not a US ZIP code'),
    ("PO Box 7, Boston, MA 02110", "po_box", "is a PO box, not a building"),
])
def test_flags(line: str, kind: str, words: str) -> None:
    sent, findings = check_line(line)
    assert sent == line  # a flag never changes what is sent
    assert kind in kinds(findings)
    assert any(words in f.message for f in findings)
    assert all(f.severity == "warning" for f in findings)


def test_split_columns_fill_state_and_city_from_the_zip() -> None:
    parts = check_parts("77 Massachusetts Ave", None, None, "2139", "US")
    assert (parts.postal, parts.state, parts.city) == ("02139", "MA", "Cambridge")
    assert kinds(parts.findings) == ["zip_restored", "state_filled", "city_filled"]
    mismatch = check_parts("1 Main St", "Austin", "TX", "02110", None)
    assert (mismatch.postal, mismatch.state, mismatch.city) == ("02110", "TX", "Austin")
    assert kinds(mismatch.findings) == ["zip_state_mismatch", "zip_city_mismatch"]
    assert kinds(check_parts("9 Oak St", "Boston", "MA", "ABCDE", None).findings) == [
        "zip_unknown"]
    po_zip = check_parts("1 Main St", "Boston", "MA", "02112", None)  # a PO-box-only ZIP
    po_info = lookup("02112")
    assert po_info is not None
    assert po_info.kind == "PO BOX"
    assert kinds(po_zip.findings) == ["po_box"]


def test_declined_repairs_are_reported_not_applied() -> None:
    sent, findings = check_line("77 Massachusetts Ave, Cambridge, MA 2139",
                                declined=frozenset({"zip_restored"}))
    assert sent == "77 Massachusetts Ave, Cambridge, MA 2139"
    assert "repair declined" in findings[0].message
    parts = check_parts("1 Main St", "Boston", None, "02110", None, frozenset({"state_filled"}))
    assert parts.state is None


def test_other_countries_and_unknown_places_are_left_alone() -> None:
    assert check_line("10 Rue de Rivoli, 75001 Paris", "FR") == (
        "10 Rue de Rivoli, 75001 Paris", ())
    # A 4-digit postcode with no state, country or matching city is not taken for a US ZIP.
    assert check_line("1 George St, Sydney, 2000")[0] == "1 George St, Sydney, 2000"
    assert check_parts("3 Rue", "Paris", None, "7501", "France").postal == "7501"


def test_summary_groups_by_kind() -> None:
    summary = summarise(["zip_restored"] * 312 + ["state_filled"] * 18 + ["po_box"])
    assert [label for _, _, label in summary] == [
        "312 ZIPs restored (leading zeros)", "18 states filled from the ZIP",
        "1 PO box instead of a building"]
    assert summarise(["city_filled"] * 33_333)[0][2] == "33,333 cities filled from the ZIP"


# --- properties ------------------------------------------------------------------------------

_ZIPS = sorted(z for z, info in load().items() if info.kind == "STANDARD")
_STREETS = st.sampled_from(["1 Main St", "77 Massachusetts Ave", "350 Fifth Avenue",
                            "12 Oak Dr, Suite 4", "9 Elm Street"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_ZIPS), _STREETS, st.booleans())
def test_a_correct_address_is_never_changed(zip5: str, street: str, plus4: bool) -> None:
    info = lookup(zip5)
    assert info is not None
    z = zip5 + ("-1234" if plus4 else "")
    line = f"{street}, {info.city}, {info.state} {z}"
    sent, findings = check_line(line)
    assert sent == line
    assert not [f for f in findings if f.is_repair]
    parts = check_parts(street, info.city, info.state, z, None)
    assert (parts.postal, parts.state, parts.city) == (z, info.state, info.city)
    assert not [f for f in parts.findings if f.is_repair]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([z for z in _ZIPS if z.startswith("0")]), _STREETS)
def test_restored_zips_have_five_digits(zip5: str, street: str) -> None:
    info = lookup(zip5)
    assert info is not None
    short = zip5.lstrip("0")
    sent, findings = check_line(f"{street}, {info.city}, {info.state} {short}")
    assert sent == f"{street}, {info.city}, {info.state} {zip5}"
    restored = parse(sent).zip
    assert restored == zip5
    assert restored is not None
    assert len(restored) == 5
    parts = check_parts(street, info.city, info.state, short, "USA")
    assert parts.postal == zip5
    assert "zip_restored" in kinds(findings)


_LINE_PIECES = st.sampled_from([
    "1 Main St", "PO Box 5", "Suite 4", "Boston", "Cambridge", "Springfield", "MA", "ma",
    "New York", "NY", "Massachusetts", "2139", "02139", "1103", "00000", "123456", "02139-4307",
    "USA", "United States", "#", "", " ", ",", "St.", "Ft Worth", "TX", "75001",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE_PIECES, min_size=1, max_size=7), st.sampled_from([", ", " ", ","]))
def test_any_line_is_checked_without_error_and_only_repairs_change_it(
    pieces: list[str], sep: str
) -> None:
    text = sep.join(pieces)
    sent, findings = check_line(text)
    if not any(f.is_repair and "declined" not in f.message for f in findings):
        assert sent == text
    else:
        # A repair only ever adds to the line or pads the ZIP: every original character stays,
        # in order (the user's text is a subsequence of what is sent).
        it = iter(sent)
        assert all(ch in it for ch in text)
    assert all(f.message and f.severity in ("warning", "error") for f in findings)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_breaks_the_parser(text: str) -> None:
    sent, _ = check_line(text)
    assert isinstance(sent, str)


def test_lazy_lookup_gives_the_same_entries_as_the_whole_table() -> None:
    table = load()
    assert len(table) > 40_000
    for z in [*list(table)[::97], "02139", "00501"]:
        assert lookup(z) == table[z]
    assert lookup("99999") is None
    assert lookup("0213") is None
