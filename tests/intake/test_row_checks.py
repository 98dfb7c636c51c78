"""The column-wise one-line check (row_checks) says exactly what check_line says of each line,
though it checks each distinct place ("..., Cambridge, MA 2139") once for all its streets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ping_desktop.intake.address_checks import Finding, check_line
from ping_desktop.intake.cleaning import Clean
from ping_desktop.intake.row_checks import apply_address_checks

_PIECES = st.sampled_from([
    "1 Main St", "PO Box 5", "Box 12", "Suite 4", "Boston", "Cambridge", "Springfield", "MA",
    "ma", "New York", "NY", "Massachusetts", "2139", "02139", "1103", "00000", "123456",
    "02139-4307", "USA", "#", "", " ", "St.", "Ft Worth", "TX", "75001", "Drawer 3 Ave",
])
_LINES = st.one_of(
    st.builds(", ".join, st.lists(_PIECES, min_size=1, max_size=6)),
    st.builds(lambda s, c, p: f"{s},{c},{p}", _PIECES, _PIECES,
              st.builds(" ".join, st.lists(_PIECES, max_size=3))),
    st.text(alphabet="ab1, ", max_size=20),
)
_COUNTRIES = st.sampled_from([None, None, "USA", "Canada"])


def _columnwise(lines: list[Clean], countries: list[Clean]) -> tuple[list[Clean],
                                                                       dict[int, list[Finding]]]:
    column = list(lines)
    cleaned: dict[str, list[Clean]] = {"address": column, "country": list(countries)}
    found: dict[int, list[Finding]] = {}
    apply_address_checks(cleaned, ["address", "country"], len(column),
                         lambda i, f: found.setdefault(i, []).append(f))
    return column, found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), _LINES), _COUNTRIES), min_size=1, max_size=12))
def test_columnwise_one_line_check_equals_check_line_per_row(
    rows: list[tuple[str | None, str | None]],
) -> None:
    lines: list[Clean] = [line for line, _ in rows]
    countries: list[Clean] = [country for _, country in rows]
    sent, found = _columnwise(lines, countries)
    for i, (line, country) in enumerate(rows):
        if line is None:
            assert sent[i] is None
            assert i not in found
            continue
        expected, findings = check_line(line, country)
        assert sent[i] == expected
        assert found.get(i, []) == list(findings)


def test_many_streets_on_one_place_share_its_repair() -> None:
    lines: list[Clean] = [f"{n} Main St, Cambridge, MA 2139" for n in range(1, 500)]
    lines += ["PO Box 7, Cambridge, MA 2139", "12 Oak Dr, Suite 4, Cambridge, MA 2139"]
    sent, found = _columnwise(lines, [None] * len(lines))
    assert sent[0] == "1 Main St, Cambridge, MA 02139"
    assert sent[498] == "499 Main St, Cambridge, MA 02139"
    assert sent[-1] == "12 Oak Dr, Suite 4, Cambridge, MA 02139"
    assert [f.kind for f in found[0]] == ["zip_restored"]
    # The PO box is checked whole: its own message names it.
    assert sent[-2] == "PO Box 7, Cambridge, MA 02139"
    assert any("PO Box 7 is a PO box" in f.message for f in found[len(lines) - 2])


_CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["Main  St.", "main st", " MAIN-ST ", "Straße", "a\tb", "x\u2028y",
                     "\x1cq", "ǅ", ""]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELLS, min_size=1, max_size=10))
def test_plan_match_keys_of_a_text_column_equal_match_key_per_cell(column: list[Clean]) -> None:
    from ping_desktop.intake.cleaning import match_key
    from ping_desktop.intake.plan import _keys

    assert _keys("address_line_1", column) == [
        None if v is None else match_key(v) for v in column]
