"""ReviewQuery: filters, search, sort and paging on a generated 100,000-row run, checked against
a plain-Python reference computed from the same generator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.storage.review import ReviewFilter, ReviewQuery
from ping_desktop.storage.runstore import PlannedJob, RowProblem, RunStore, SourceResult

COLUMNS = ["Location ID", "Address", "City", "State", "ZIP", "Year Built", "TIV"]
CITIES = ["Pingville", "Orlando", "Tampa", "Miami", "Gainesville", "Zürich", "ocala"]
SOURCES = ("PG", "PH")
FIRST_ROW = 2  # the sheet's header is row 1
BIG = 100_000


def row_values(n: int) -> tuple[Any, ...]:
    return (
        f"LOC-{n:06d}",
        f"{n % 9000 + 1} Main St",
        CITIES[n % 7],
        "FL",
        f"{(n * 7) % 100000:05d}",
        1900 + n % 120,
        float(n * 1000),
    )


def origin(n: int) -> int | None:
    """The row whose location row ``n`` uses (every 5th row repeats the previous location)."""
    if n % 1000 == 999:
        return None  # no address: an intake problem, never sent
    return n - 1 if n % 5 == 4 else n


def pg(m: int) -> SourceResult:
    if m % 13 == 0:
        return SourceResult("PG", False, None, "No match found for this address.", {})
    data = {
        "latitude": 28 + m / 1e6,
        "longitude": -81 - m / 1e6,
        "match_level": "ROOFTOP" if m % 2 else "STREET",
        "formatted_address": f"{m % 9000 + 1} Main St, {CITIES[m % 7]}, FL",
        "status_code": 200,
        "fetch_time": 0.1,
    }
    return SourceResult("PG", True, float((m * 37) % 100), None, data)


def ph(m: int) -> SourceResult | None:
    if m % 29 == 0:
        return None  # missing from the output
    if m % 31 == 0:
        return SourceResult("PH", False, None, "Source timed out.", {"status_code": 504})
    return SourceResult(
        "PH", True, float((m * 53) % 100), None, {"flood_zone": "AE" if m % 3 == 0 else "X"}
    )


def results_of(n: int) -> dict[str, SourceResult]:
    m = origin(n)
    if m is None:
        return {}
    found = {"PG": pg(m)}
    extra = ph(m)
    if extra is not None:
        found["PH"] = extra
    return found


def build_review_store(path: Path, n_rows: int) -> tuple[RunStore, int]:
    """A finished run of ``n_rows`` rows with PG and PH results, stored through RunStore."""
    store = RunStore(path)
    folder = store.new_run_folder()
    locations = [
        (f"L{n}", {"address": row_values(n)[1]}, n + FIRST_ROW)
        for n in range(n_rows)
        if origin(n) == n
    ]
    run_id = store.create_run(
        folder=folder,
        file_name="big-sov.xlsx",
        input_path=path.parent / "big-sov.xlsx",
        input_copy=None,
        sheet="Locations",
        header_row=1,
        columns=COLUMNS,
        mapping={"address": "Address"},
        sources=SOURCES,
        api_origin="http://127.0.0.1:1",
        rows=((n + FIRST_ROW, row_values(n)) for n in range(n_rows)),
        row_locations=(
            (n + FIRST_ROW, None if origin(n) is None else f"L{origin(n)}") for n in range(n_rows)
        ),
        locations=locations,
        jobs=[PlannedJob(tuple(loc for loc, _, _ in locations))],
        problems=[
            RowProblem(n + FIRST_ROW, "Address", "No address: this row was not sent.")
            for n in range(n_rows)
            if origin(n) is None
        ],
    )
    job_id = store.jobs(run_id)[0].id

    def pairs() -> Iterator[tuple[str, SourceResult]]:
        for loc, _, first in locations:
            m = first - FIRST_ROW
            yield loc, pg(m)
            extra = ph(m)
            if extra is not None:
                yield loc, extra

    store.store_results(run_id, job_id, None, pairs())
    store.set_run_phase(run_id, RunPhase.COMPLETE_WITH_PROBLEMS)
    return store, run_id


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewQuery]:
    store, run_id = build_review_store(tmp_path_factory.mktemp("review") / "runs.sqlite3", BIG)
    query = ReviewQuery(store, run_id)
    yield query
    query.close()
    store.close()


# ----- the reference -----------------------------------------------------------------------


def low(result: SourceResult | None, threshold: int) -> bool:
    return bool(
        result is not None
        and result.is_success
        and result.confidence is not None
        and result.confidence < threshold
    )


@cache
def reference() -> tuple[list[tuple[Any, ...]], list[dict[str, SourceResult]], list[str]]:
    """Every row's values, results and searchable text (lower-cased), computed once."""
    values = [row_values(n) for n in range(BIG)]
    results = [results_of(n) for n in range(BIG)]
    texts = []
    for n in range(BIG):
        parts = [str(v) for v in values[n]]
        for r in results[n].values():
            parts += [str(v) for v in r.data.values()]
            parts.append(r.error_message or "")
        texts.append("\x00".join(parts).casefold())
    return values, results, texts


def matches(n: int, f: ReviewFilter) -> bool:
    _, all_results, all_texts = reference()
    results = all_results[n]
    if f.kind == "problems":
        keep = (
            origin(n) is None or len(results) < 2 or any(not r.is_success for r in results.values())
        )
    elif f.kind == "low_confidence":
        keep = any(low(r, f.threshold) for r in results.values())
    elif f.kind == "source":
        mine = results.get(f.source or "")
        keep = origin(n) is None or mine is None or not mine.is_success or low(mine, f.threshold)
    else:
        keep = True
    if keep and f.search:
        keep = f.search.casefold() in all_texts[n]
    return keep


def expected_rows(f: ReviewFilter, key: Callable[[int], Any] | None = None) -> list[int]:
    numbers = [n for n in range(BIG) if matches(n, f)]
    if key is not None:
        present = [n for n in numbers if key(n) is not None]
        absent = [n for n in numbers if key(n) is None]
        present.sort(key=key, reverse=f.descending)
        numbers = present + absent
    return [n + FIRST_ROW for n in numbers]


def check(query: ReviewQuery, f: ReviewFilter, expected: list[int]) -> None:
    assert query.count(f) == len(expected)
    for offset in (0, len(expected) // 2, max(len(expected) - 50, 0)):
        page = query.page(f, offset, 50)
        assert [r.row_number for r in page] == expected[offset : offset + 50]
        values, results, _ = reference()
        for row in page:
            n = row.row_number - FIRST_ROW
            assert row.values == values[n]
            assert row.results == results[n]


# ----- the tests -----------------------------------------------------------------------------


def test_columns_and_sources(big: ReviewQuery) -> None:
    assert big.sources() == ["PG", "PH"]
    headers = [c.header for c in big.columns()]
    assert headers[:7] == COLUMNS
    assert headers[7:9] == ["PG status", "PG confidence"]
    # Fields as the source returned them, without fetch metadata.
    assert "PG latitude" in headers
    assert "PG match level" in headers
    assert "PG status code" not in headers
    assert "PG fetch time" not in headers
    assert "PH flood zone" in headers


def test_all_rows_in_sheet_order(big: ReviewQuery) -> None:
    f = ReviewFilter()
    check(big, f, [n + FIRST_ROW for n in range(BIG)])
    last = big.page(f, BIG - 1, 10)
    assert len(last) == 1
    assert big.page(f, BIG, 10) == []


@pytest.mark.parametrize(
    "f",
    [
        ReviewFilter(kind="problems"),
        ReviewFilter(kind="low_confidence", threshold=50),
        ReviewFilter(kind="source", source="PH", threshold=20),
        ReviewFilter(kind="source", source="PG", threshold=0),
    ],
    ids=["problems", "low50", "PH20", "PG0"],
)
def test_filters_match_the_reference(big: ReviewQuery, f: ReviewFilter) -> None:
    expected = expected_rows(f)
    assert 0 < len(expected) < BIG
    check(big, f, expected)


def test_problem_rows_carry_their_intake_message(big: ReviewQuery) -> None:
    f = ReviewFilter(kind="problems")
    rows = big.page(f, 0, 200)
    no_address = [r for r in rows if r.row_number == 999 + FIRST_ROW]
    assert no_address
    assert no_address[0].problems == ("No address: this row was not sent.",)
    assert no_address[0].results == {}
    assert big.row_problems(999 + FIRST_ROW) == ("No address: this row was not sent.",)


@pytest.mark.parametrize("search", ["pingville", "ZÜRICH", "rooftop", "timed OUT"])
def test_search_is_case_insensitive_over_values_and_results(big: ReviewQuery, search: str) -> None:
    f = ReviewFilter(search=search)
    expected = expected_rows(f)
    assert expected
    check(big, f, expected)


def test_search_wildcards_are_literal_and_field_names_are_not_content(big: ReviewQuery) -> None:
    for search in ("100%", "_", "latitude"):
        assert big.count(ReviewFilter(search=search)) == 0, search
    one = ReviewFilter(search="LOC-099999")
    assert [r.row_number for r in big.page(one, 0, 10)] == [99_999 + FIRST_ROW]


def test_search_combines_with_a_filter(big: ReviewQuery) -> None:
    f = ReviewFilter(kind="problems", search="tampa")
    expected = expected_rows(f)
    assert expected
    check(big, f, expected)


def _column(query: ReviewQuery, header: str) -> int:
    return [c.header for c in query.columns()].index(header)


def test_sort_by_original_column(big: ReviewQuery) -> None:
    f = ReviewFilter(sort_column=_column(big, "City"), descending=True)
    check(big, f, expected_rows(f, key=lambda n: CITIES[n % 7].lower()))


def test_sort_by_number_column_within_a_filter(big: ReviewQuery) -> None:
    f = ReviewFilter(kind="low_confidence", threshold=30, sort_column=_column(big, "Year Built"))
    check(big, f, expected_rows(f, key=lambda n: row_values(n)[5]))


@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_confidence_puts_missing_results_last(big: ReviewQuery, descending: bool) -> None:
    f = ReviewFilter(sort_column=_column(big, "PH confidence"), descending=descending)

    def key(n: int) -> float | None:
        result = reference()[1][n].get("PH")
        return None if result is None else result.confidence

    expected = expected_rows(f, key=key)
    check(big, f, expected)
    assert results_of(expected[-1] - FIRST_ROW).get("PH") is None


def test_sort_by_result_field_and_status(big: ReviewQuery) -> None:
    f = ReviewFilter(
        kind="source",
        source="PG",
        threshold=10,
        sort_column=_column(big, "PG match level"),
        descending=True,
    )

    def level(n: int) -> str | None:
        result = reference()[1][n].get("PG")
        return None if result is None else result.data.get("match_level")

    check(big, f, expected_rows(f, key=lambda n: None if level(n) is None else level(n).lower()))
    status = ReviewFilter(sort_column=_column(big, "PG status"))

    def ok(n: int) -> int | None:
        result = reference()[1][n].get("PG")
        return None if result is None else int(result.is_success)

    check(big, status, expected_rows(status, key=ok))


def test_detail_has_every_field(big: ReviewQuery) -> None:
    detail = big.detail(5 + FIRST_ROW)
    assert detail == results_of(5)
    assert detail["PG"].data["status_code"] == 200  # nothing dropped, fetch metadata included
    assert big.detail(999 + FIRST_ROW) == {}


def test_open_by_path_and_unfinished_run_has_no_missing_problems(tmp_path: Path) -> None:
    store, run_id = build_review_store(tmp_path / "small.sqlite3", 60)
    store.set_run_phase(run_id, RunPhase.RUNNING)
    query = ReviewQuery(store.path, run_id)
    try:
        f = ReviewFilter(kind="problems")
        # While running, a missing result is "not yet", not a problem: only failures count.
        expected = [
            n + FIRST_ROW
            for n in range(60)
            if origin(n) is None or any(not r.is_success for r in results_of(n).values())
        ]
        assert [r.row_number for r in query.page(f, 0, 100)] == expected
        assert query.count(ReviewFilter()) == 60
    finally:
        query.close()
        store.close()
