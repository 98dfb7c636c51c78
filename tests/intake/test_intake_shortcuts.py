"""The shortcuts that keep a 100,000-row intake fast give the answers of the plain way.

- street lines are sorted into "no street / a street / a PO box" by one search over the whole
  column when none could be a PO box, and one call per distinct street otherwise;
- ``gc_paused`` hands what it built to the oldest generation without a collection, but never
  in a process that froze objects on purpose, and cycles made meanwhile are still collected;
- the ZIP table is read in a helper thread while calamine parses, and lookups meanwhile are
  answered from the whole table;
- a plan whose rows one field already tells apart skips the whole-row match keys.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ping_desktop.intake import ColumnMapping, Plan, SheetTable, build_plan, read_table, refdata
from ping_desktop.intake import plan as plan_module
from ping_desktop.intake.address import is_po_box
from ping_desktop.intake.cleaning import Clean
from ping_desktop.intake.row_checks import _PO_STAND_IN, _street_kinds

_STREETS = st.one_of(
    st.none(),
    st.sampled_from(["1 Main St", "PO Box 5", "P.O. BOX 9", "Box 12", "boxwood 4", "Drawer 3",
                     "12 Drawer Rd", "POB 7", "Post Office Box 4", "500 Boxwood Ln", "İBOX 3",
                     "x\nBox 4", "ſ box 5", "Ｂox 6", "", " "]),
    st.text(max_size=12),
    st.integers(min_value=0, max_value=99999),
)


def _per_value(line1: list[Clean]) -> list[str | None]:
    """The plain way: one look at each cell."""
    return [None if v is None else (_PO_STAND_IN if is_po_box(str(v)) else "1 Street")
            for v in line1]


@settings(max_examples=400, deadline=None)
@given(st.lists(_STREETS, max_size=20))
def test_street_kinds_equal_a_look_at_each_cell(line1: list[Clean]) -> None:
    assert _street_kinds(line1) == _per_value(line1)


def test_a_column_without_po_boxes_takes_the_whole_column_search() -> None:
    streets: list[Clean] = [f"{n} Main St" for n in range(1000)] + [None]
    assert _street_kinds(streets) == ["1 Street"] * 1000 + [None]
    streets[500] = "PO Box 500"  # one PO box among them is still found
    assert _street_kinds(streets)[500] == _PO_STAND_IN
    assert _street_kinds(streets).count(_PO_STAND_IN) == 1


# The collector is process-wide (and the window's tests freeze objects on purpose), so these
# run in a fresh interpreter each.
_CYCLE = """
import gc, weakref
from ping_desktop.intake.values import gc_paused
class Node:
    other = None
assert gc.isenabled() and gc.get_freeze_count() == 0
with gc_paused():
    assert not gc.isenabled()
    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector can free it
    gone = weakref.ref(a)
    built = [(i, str(i)) for i in range(100_000)]
    del a, b
assert gc.isenabled()
assert gc.get_freeze_count() == 0  # nothing left exempt from collection
assert gc.get_count()[0] < 100  # what was built does not wait for a young collection
assert gone() is not None  # not collected on the way out...
gc.collect()
assert gone() is None  # ...but the next full collection finds the cycle
print("ok")
"""
_FROZEN = """
import gc
from ping_desktop.intake.values import gc_paused
gc.freeze()
frozen = gc.get_freeze_count()
assert frozen > 0
with gc_paused():
    built = [(i, str(i)) for i in range(1000)]
assert gc.get_freeze_count() >= frozen  # what the process froze on purpose stays frozen
print("ok")
"""


@pytest.mark.parametrize("code", [_CYCLE, _FROZEN], ids=["cycles", "frozen"])
def test_gc_paused_in_a_fresh_process(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def _wait_for_warm_up() -> None:
    for thread in threading.enumerate():
        if thread.name == "zip-table":
            thread.join(timeout=30)


def test_the_zip_table_is_read_while_calamine_parses(sov_xlsx: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refdata, "_lines", None)
    monkeypatch.setattr(refdata, "_parsed", {})
    read_table(sov_xlsx)
    _wait_for_warm_up()
    assert refdata._lines is not None
    assert len(refdata._lines) > 40_000


def test_lookups_during_the_warm_up_see_the_whole_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refdata, "_lines", None)
    monkeypatch.setattr(refdata, "_parsed", {})
    refdata.warm_up()
    info = refdata.lookup("02139")  # may run before, during or after the thread's read
    assert info is not None
    assert (info.city, info.state) == ("Cambridge", "MA")
    assert refdata.lookup("00000") is None
    _wait_for_warm_up()
    before = threading.active_count()
    refdata.warm_up()  # already read: no new thread
    assert threading.active_count() == before


_NAMES = st.one_of(st.none(), st.sampled_from(["HQ", "Warehouse", "hq", "HQ ", "1", 1, 1.0, True]))
_PLAN_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["1 Main St", "1 main st.", "2 Oak Ave", "PO Box 3", None]),
        st.sampled_from(["Boston", "boston", "Cambridge", None]),
        st.sampled_from(["MA", "ma", None]),
        st.sampled_from(["02134", 2134, "02139", None]),
        st.sampled_from([42.35, 42.350001, 42.4, None]),
        st.sampled_from([-71.06, -71.060001, None]),
        _NAMES,
        st.sampled_from([1_000_000, 1_000_000.0, 2_500_000, "n/a", None]),
        st.sampled_from([1990, 2001, "abt 1990", None]),
    ),
    max_size=25,
)
_PLAN_COLUMNS = ("Street", "City", "State", "Zip", "Lat", "Lon", "Name", "Value", "Year")
_PLAN_MAPPING = ColumnMapping({
    "address_line_1": "Street", "city": "City", "state": "State", "postal_code": "Zip",
    "latitude": "Lat", "longitude": "Lon", "bldg_name": "Name",
    "limits__building_limit": "Value", "const__bldg_year_built": "Year"})


def _plan_facts(plan: Plan) -> tuple[object, ...]:
    return ([(loc.location_id, loc.payload, loc.row_numbers) for loc in plan.locations],
            plan.row_location, plan.problems, plan.unique_locations, plan.rows_with_problems)


@settings(max_examples=300, deadline=None)
@given(_PLAN_ROWS, st.booleans(), st.lists(st.integers(min_value=0, max_value=30), max_size=3))
def test_the_no_duplicates_shortcut_plans_what_the_whole_row_keys_plan(
        rows: list[tuple[object, ...]], unique_names: bool, copies: list[int]) -> None:
    if unique_names:  # the usual SOV: one field differs on every row...
        rows = [(*r[:6], f"Building {i}", *r[7:]) for i, r in enumerate(rows)]
    if rows:  # ...but for a row copied whole
        rows += [rows[i % len(rows)] for i in copies]
    sheet = SheetTable(Path("s.xlsx"), "S", ("S",), 1, _PLAN_COLUMNS,
                       [tuple(r) for r in rows], list(range(2, 2 + len(rows))))
    shortcut = build_plan(sheet, _PLAN_MAPPING, ["PG"], {"PG": ["address"]})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan_module, "_DISTINCT_TRIES", 0)  # whole-row keys only
        whole = build_plan(sheet, _PLAN_MAPPING, ["PG"], {"PG": ["address"]})
    assert _plan_facts(shortcut) == _plan_facts(whole)


def test_a_row_copied_whole_is_one_location_though_every_other_name_differs() -> None:
    rows = [("1 Main St", "Boston", "MA", "02134", None, None, f"Building {i}", 10, 1990)
            for i in range(50)]
    rows.append(rows[7])
    sheet = SheetTable(Path("s.xlsx"), "S", ("S",), 1, _PLAN_COLUMNS, rows,
                       list(range(2, 2 + len(rows))))
    plan = build_plan(sheet, _PLAN_MAPPING, ["PG"], {"PG": ["address"]})
    assert plan.unique_locations == 50
    assert plan.row_location[9] == plan.row_location[52] == "row-9"
