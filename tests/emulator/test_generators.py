"""Property tests of the result generator: never crashes, always the advertised shape."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ping_desktop.emulator import places, zipref
from ping_desktop.emulator.catalog import BASE_OUTPUT_FIELDS, sources
from ping_desktop.emulator.geocode import geocode
from ping_desktop.emulator.results import enhance_location

BASE = set(BASE_OUTPUT_FIELDS) - {"raw_response"}
ALL_CODES = list(sources())

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 ,.-#/'", max_size=40)
locations = st.fixed_dictionaries(
    {},
    optional={
        "address": st.one_of(
            words, st.sampled_from(["unknown", "N/A", "", "  ", "1 main st, a, fl"])
        ),
        "address_line_1": words,
        "city": words,
        "state": st.one_of(words, st.sampled_from([s.code for s in places.STATES])),
        "postal_code": st.from_regex(r"\d{5}", fullmatch=True),
        "country": st.sampled_from(["US", "usa", "CA", "GB", "FR", "ZZ", ""]),
        "latitude": st.floats(-90, 90),
        "longitude": st.floats(-180, 180),
        "const__bldg_area": st.integers(0, 10**7),
        "const__bldg_year_built": st.integers(1700, 2030),
        "dtc_include_coastline_within_miles": st.floats(0, 500),
    },
)


@settings(max_examples=150, deadline=None)
@given(location=locations, seed=st.integers(0, 5))
def test_every_source_answers_with_the_advertised_shape(
    location: dict[str, Any], seed: int
) -> None:
    result = enhance_location(location, ALL_CODES, seed=seed)
    assert list(result.entries) == ALL_CODES
    any_failed = False
    for code, entry in result.entries.items():
        if entry["is_success"]:
            assert set(entry) == BASE | set(sources()[code].output_fields), code
            assert entry["status_code"] == 200
        else:
            any_failed = True
            assert set(entry) == BASE
            assert entry["error_message"]
            assert entry["status_code"] >= 400
            assert entry["confidence"] == 0
    assert result.problem == any_failed
    assert enhance_location(location, ALL_CODES, seed=seed) == result


@settings(max_examples=100, deadline=None)
@given(
    state=st.sampled_from(places.STATES),
    number=st.integers(1, 99999),
    street=st.sampled_from(places.STREET_NAMES),
)
def test_geocodes_land_near_the_state_named(state: places.State, number: int, street: str) -> None:
    found = geocode({"address": f"{number} {street}, Springfield, {state.code}"}, seed=0)
    assert found is not None
    assert found.state == state.code
    real = zipref.by_city("Springfield", state.code)
    if real is not None:  # a real Springfield in that state: the point is in it
        assert abs(found.lat - real.lat) <= 0.05
        assert abs(found.lon - real.lon) <= 0.05
        assert found.county == real.county or not real.county
    else:
        assert abs(found.lat - state.lat) <= state.spread
        assert abs(found.lon - state.lon) <= state.spread
    assert found.location_type in ("ROOFTOP", "RANGE_INTERPOLATED")
