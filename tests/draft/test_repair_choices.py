"""The draft's repair consent rules without Qt: ticked by default, unticking re-plans, and Start
waits for the plan made with the decision."""

from __future__ import annotations

from dataclasses import replace

from ping_desktop.draft import CHECKING, Draft
from ping_desktop.worker.contract import RepairOffer
from tests.draft.test_draft import File, plan, ready_draft

ZIPS = RepairOffer("zip_restored", 312, "312 ZIPs restored (leading zeros)")
STATES = RepairOffer("state_filled", 18, "18 states filled from the ZIP")


def with_repairs(draft: Draft, declined: frozenset[str] = frozenset()) -> None:
    draft.set_plan(replace(plan(("PG",)), repairs=(ZIPS, STATES), declined=declined))


def test_every_proposed_repair_is_accepted_until_unticked() -> None:
    draft = ready_draft()
    with_repairs(draft)
    assert draft.repair_choices() == [(ZIPS, True), (STATES, True)]
    assert draft.start_blockers() == []
    assert draft.start_hint() == "Ready."


def test_unticking_asks_for_a_new_plan_and_start_waits_for_it() -> None:
    draft = ready_draft()
    with_repairs(draft)
    assert draft.set_repair("zip_restored", accepted=False) is True
    assert draft.declined == {"zip_restored"}
    # The plan on screen still applies the repair: starting now would send what was declined.
    assert draft.start_blockers() == [CHECKING]
    with_repairs(draft, frozenset({"zip_restored"}))
    assert draft.start_blockers() == []
    assert draft.start_hint() == (
        "Ready. Declined, sent as written: 312 ZIPs restored (leading zeros).")
    # A declined kind stays listed, unticked, so it can be accepted again.
    assert draft.repair_choices() == [(ZIPS, False), (STATES, True)]
    assert draft.set_repair("zip_restored", accepted=True) is True
    assert draft.start_blockers() == [CHECKING]


def test_the_same_choice_twice_changes_nothing() -> None:
    draft = ready_draft()
    with_repairs(draft)
    assert draft.set_repair("state_filled", accepted=True) is False
    assert draft.set_repair("state_filled", accepted=False) is True
    assert draft.set_repair("state_filled", accepted=False) is False


def test_a_new_file_starts_with_every_repair_accepted() -> None:
    draft = ready_draft()
    draft.set_repair("zip_restored", accepted=False)
    draft.open_file(File())
    assert draft.declined == frozenset()
    draft.set_repair("city_filled", accepted=False)
    draft.close_file()
    assert draft.declined == frozenset()
    assert draft.repair_choices() == []
