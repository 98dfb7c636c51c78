"""The draft's rules without Qt: what stops Start, demo vs real, which sources to tick/keep."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ping_desktop.api.models import DatasourceConfig
from ping_desktop.draft import (
    CHECKING,
    NO_FILE,
    NO_SOURCE,
    NOT_SIGNED_IN,
    NOTHING_TO_SEND,
    Draft,
    missing_inputs,
    sources_to_remember,
    sources_to_tick,
)
from ping_desktop.intake.model import ColumnMapping
from ping_desktop.worker.contract import PlanSummary

ADDRESS = ColumnMapping(fields={"address": "Street", "city": "Town"})
GEO = DatasourceConfig("PG", "Geo", required_attrs=("address",), output_fields={"lat": None})  # type: ignore[dict-item]
FLOOD = DatasourceConfig("FL", "Flood", required_attrs=("latitude", "longitude"))


@dataclass(frozen=True)
class File:
    path: Path = Path("/data/book.xlsx")
    is_demo: bool = False
    mapping: ColumnMapping = field(default_factory=lambda: ADDRESS)


def plan(sources: tuple[str, ...], unique: int = 10, rows: int = 12,
         sendable: int = 12) -> PlanSummary:
    return PlanSummary(sources=sources, rows=rows, unique_locations=unique,
                       rows_with_problems=rows - sendable, sendable_rows=sendable,
                       plan_id="p1", problems=(), problem_count=0, error_count=0)


def ready_draft() -> Draft:
    draft = Draft(has_token=True)
    draft.open_file(File())
    draft.offer_sources({"PG": GEO, "FL": FLOOD}, "api")
    draft.choose_sources(["PG"])
    draft.set_plan(plan(("PG",)))
    return draft


def test_each_blocker_in_order() -> None:
    draft = Draft()
    assert draft.start_blockers() == [NO_FILE]
    draft.open_file(File())
    assert draft.start_blockers() == [NOT_SIGNED_IN]
    draft.has_token = True
    assert draft.start_blockers() == [NO_SOURCE]
    draft.offer_sources({"PG": GEO, "FL": FLOOD}, "api")
    draft.choose_sources(["PG"])
    assert draft.start_blockers() == [CHECKING]
    draft.set_plan(plan(("PG",), unique=0))
    assert draft.start_blockers() == [NOTHING_TO_SEND]
    draft.set_plan(plan(("PG",)))
    assert draft.start_blockers() == []
    assert draft.start_hint() == "Ready."


def test_a_source_whose_inputs_are_not_mapped_blocks_with_a_sentence() -> None:
    draft = ready_draft()
    draft.choose_sources(["PG", "FL"])
    [blocker] = draft.start_blockers()
    assert blocker.startswith("Flood (FL) needs Latitude and Longitude")
    assert "untick FL" in blocker
    assert draft.required_by() == {"latitude": ["FL"], "longitude": ["FL"]}
    assert missing_inputs(GEO, ["address_line_1"]) == []  # an address can be assembled


def test_a_plan_for_other_sources_is_still_checking() -> None:
    draft = ready_draft()
    draft.offer_sources({"PG": GEO, "PH": GEO}, "api")
    draft.choose_sources(["PG", "PH"])
    assert draft.start_blockers() == [CHECKING]


def test_the_demo_needs_no_token_and_ticks_its_own_sources() -> None:
    draft = Draft()
    draft.set_demo_mode(True)
    draft.open_file(File(Path("/d/DEMO sample-sov.xlsx"), is_demo=True))
    assert draft.backend == "demo"
    assert draft.start_blockers() == [NO_SOURCE]  # not NOT_SIGNED_IN
    assert sources_to_tick(draft.backend, ["XX"]) == ["PG", "PH"]
    assert sources_to_remember(draft.backend, ["PG"], []) is None  # demo choices: not saved
    assert draft.title() == "Ping Desktop — Demo data (synthetic) — DEMO sample-sov.xlsx"


def test_source_list_is_fetched_again_when_the_backend_changes() -> None:
    draft = Draft()
    draft.open_file(File(is_demo=True))
    assert draft.needs_sources()
    draft.offer_sources({"PG": GEO}, "demo")
    assert not draft.needs_sources()
    draft.set_demo_mode(False)  # leaving the demo makes its list stale
    assert draft.needs_sources()
    draft.open_file(File())
    draft.offer_sources({"PG": GEO}, "api")
    assert not draft.needs_sources()
    draft.forget_sources()  # e.g. the token changed
    assert draft.needs_sources()


def test_real_start_remembers_new_sources_only() -> None:
    draft = ready_draft()
    assert draft.backend == "api"
    assert sources_to_tick(draft.backend, ["FL"]) == ["FL"]
    assert sources_to_remember(draft.backend, ["PG"], ["PG"]) is None
    assert sources_to_remember(draft.backend, ["PG"], ["FL"]) == ["PG"]
    assert draft.required_inputs() == {"PG": ["address"]}
    assert draft.output_fields() == {"PG": ["lat"]}
    assert draft.output_fields(["PG", "gone"]) == {"PG": ["lat"]}


def test_rows_with_errors_are_mentioned_when_ready() -> None:
    draft = ready_draft()
    draft.set_plan(plan(("PG",), rows=1200, sendable=1000))
    assert draft.start_hint() == "Ready. 200 row(s) with errors will be kept but not sent."


def test_mapping_edits_keep_the_plan_and_closing_forgets_everything() -> None:
    draft = ready_draft()
    draft.set_mapping(ColumnMapping(fields={"city": "Town"}))
    assert draft.mapped_fields == ("city",)
    assert draft.plan is not None  # replaced when the new plan arrives
    assert draft.start_blockers()[0].startswith("Geo (PG) needs")
    draft.close_file()
    closed: tuple[object, ...] = (draft.file, draft.mapping, draft.plan)
    assert closed == (None, None, None)
    draft.set_mapping(ADDRESS)  # no file: nothing to map
    assert draft.mapping is None
    assert draft.title() == "Ping Desktop"


def test_the_draft_does_not_load_qt() -> None:
    # In a fresh interpreter: pytest-qt has already imported PySide6 into this one.
    code = ("import sys, ping_desktop.draft; print(sorted(m for m in sys.modules "
            "if m.startswith(('PySide6', 'ping_desktop.gui'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
