"""run_summary: rows per outcome, geocoding confidence and field classes with insured value,
counted on a small run whose every result is known, and each bar's rows found again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.storage.run_summary import BarKey, rows_for, summarize, summary_text
from ping_desktop.storage.runstore import PlannedJob, RowProblem, RunStore, SourceResult

COLUMNS = ("Name", "Address", "Building", "Contents")
FIRST_ROW = 2
# Row n (0..9): geocoder PG located with confidence CONF[n] (None: not found; "-": not sent),
# flood source FL with zone ZONE[n]. Row 9 has no address and is not sent at all.
CONF: list[int | str | None] = [95, 92, 80, 75, 60, 40, None, 99, "-", "-"]
ZONE = ["X", "X", "AE", "AE", "AE", "VE", None, "X", None, None]
LAT = [27.9, 28.0, 25.8, 30.3, 29.7, 26.1, None, 40.7, None, None]
LON = [-82.4, -82.5, -80.2, -81.6, -95.4, -80.1, None, -74.0, None, None]
BUILDING: list[int | str] = [100, 200, "$1,000", 300, 400, 500, 600, 700, 800, 900]
THRESHOLD = 70


def build_summary_store(path: Path) -> tuple[RunStore, int]:
    """A finished run of 10 rows with PG (geocoder) and FL (flood) results, as above."""
    store = RunStore(path)
    sent = [n for n in range(10) if n != 9]
    run_id = store.create_run(
        folder=store.new_run_folder(), file_name="ten.xlsx", input_path=path.parent / "ten.xlsx",
        input_copy=None, sheet="Sheet1", header_row=1, columns=COLUMNS,
        mapping={"fields": {"address": "Address", "bldg_name": "Name",
                            "limits__building_limit": "Building",
                            "limits__bpp_limit": "Contents"}, "confidence": {}},
        sources=("PG", "FL"), api_origin="http://127.0.0.1:1",
        rows=((n + FIRST_ROW, (f"Site {n}", f"{n} Main St, Tampa FL" if n != 9 else "",
                               BUILDING[n], 10)) for n in range(10)),
        row_locations=((n + FIRST_ROW, f"L{n}" if n in sent else None) for n in range(10)),
        locations=[(f"L{n}", {"address": f"{n} Main St"}, n + FIRST_ROW) for n in sent],
        jobs=[PlannedJob(tuple(f"L{n}" for n in sent))],
        problems=[RowProblem(9 + FIRST_ROW, "Address", "No address: this row was not sent.")],
        source_fields={"PG": ("latitude", "longitude", "formatted_address", "precision"),
                       "FL": ("flood_zone", "firm_panel")},
    )
    job_id = store.jobs(run_id)[0].id

    def pairs() -> Iterator[tuple[str, SourceResult]]:
        for n in sent:
            conf = CONF[n]
            if conf == "-":
                continue
            if conf is None:
                yield f"L{n}", SourceResult("PG", False, None, "No match", {})
                yield f"L{n}", SourceResult("FL", False, None, "No location", {})
                continue
            assert isinstance(conf, int)
            yield f"L{n}", SourceResult("PG", True, conf, None, {
                "latitude": LAT[n], "longitude": LON[n], "formatted_address": f"{n} MAIN ST",
                "precision": "ADDRESS" if conf >= 70 else "POSTAL_CODE"})
            yield f"L{n}", SourceResult("FL", True, None, None, {
                "flood_zone": ZONE[n], "firm_panel": f"12057C{n:04d}"})

    store.store_results(run_id, job_id, None, pairs())
    store.set_run_phase(run_id, RunPhase.COMPLETE_WITH_PROBLEMS)
    return store, run_id


@pytest.fixture
def ten(tmp_path: Path) -> Iterator[tuple[RunStore, int]]:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    yield store, run_id
    store.close()


def counts(chart_bars: tuple[object, ...]) -> dict[str, tuple[int, float | None]]:
    return {b.label: (b.rows, b.tiv) for b in chart_bars}  # type: ignore[attr-defined]


def test_outcomes_per_source_count_rows_and_insured_value(ten: tuple[RunStore, int]) -> None:
    store, run_id = ten
    summary = summarize(store.path, store.get_run(run_id), THRESHOLD)
    assert summary.rows == 10
    assert summary.has_tiv
    pg, fl = summary.outcomes
    # Located: rows 0,1,2,3,7 (>= 70); low: 4,5; not found: 6; not sent: 8 (no result), 9.
    # TIV = building + contents (10): "$1,000" is read as 1000.
    assert counts(pg.bars) == {
        "located": (5, 100 + 200 + 1000 + 300 + 700 + 50),
        "low confidence": (2, 400 + 500 + 20),
        "not found": (1, 610),
        "not sent": (2, 800 + 900 + 20),
    }
    # FL has no confidence: every success is located.
    assert counts(fl.bars)["located"][0] == 7
    assert summary.match_rates == {"PG": pytest.approx(0.7)}


def test_geocoder_confidence_bands_and_field_classes(ten: tuple[RunStore, int]) -> None:
    store, run_id = ten
    summary = summarize(store.path, store.get_run(run_id), THRESHOLD)
    (bands,) = summary.geocoding
    assert {b.label: b.rows for b in bands.bars} == {
        "90\u2013100": 3, "70\u201389": 2, "50\u201369": 1, "0\u201349": 1}
    charts = {c.title: c for c in summary.fields}
    # Addresses and panel numbers are not classes; precision and flood zone are.
    assert set(charts) == {"PG: precision", "FL: flood zone"}
    assert counts(charts["FL: flood zone"].bars) == {
        "AE": (3, 1000 + 300 + 400 + 30), "X": (3, 100 + 200 + 700 + 30), "VE": (1, 510)}


@pytest.mark.parametrize(("key", "expected"), [
    (BarKey("outcome", "PG", "low confidence"), [4, 5]),
    (BarKey("outcome", "PG", "not sent"), [8, 9]),
    (BarKey("confidence", "PG", "70\u201389"), [2, 3]),
    (BarKey("field", "FL", "AE", "flood_zone"), [2, 3, 4]),
    (BarKey("field", "PG", "POSTAL_CODE", "precision"), [4, 5]),
])
def test_rows_for_a_bar_are_the_rows_it_counts(
    ten: tuple[RunStore, int], key: BarKey, expected: list[int]
) -> None:
    store, run_id = ten
    assert rows_for(store.path, run_id, key, THRESHOLD) == [n + FIRST_ROW for n in expected]


def test_no_value_columns_means_no_insured_value(ten: tuple[RunStore, int]) -> None:
    store, run_id = ten
    run = store.get_run(run_id)
    from dataclasses import replace
    bare = replace(run, mapping={"fields": {"address": "Address"}})
    summary = summarize(store.path, bare, THRESHOLD)
    assert not summary.has_tiv
    assert all(b.tiv is None for c in summary.outcomes for b in c.bars)


def test_summary_text_lists_every_chart(ten: tuple[RunStore, int]) -> None:
    store, run_id = ten
    text = summary_text(summarize(store.path, store.get_run(run_id), THRESHOLD))
    lines = text.splitlines()
    assert lines[0] == "10 rows"
    assert "PG: rows by outcome (match rate 70%)" in lines
    assert any(line.split()[:2] == ["low", "confidence"] and line.split()[2] == "2"
               and "920 insured" in line for line in lines)
    assert "FL: flood zone" in lines
