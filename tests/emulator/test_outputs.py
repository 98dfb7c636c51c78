"""Output files: shape, base attributes, determinism, overrides and realistic failures."""

from __future__ import annotations

from typing import Any

import httpx

from ping_desktop.emulator import places
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.server import EmulatorServer
from tests.conftest import TEST_TOKEN
from tests.emulator.conftest import SEED_PAYLOAD, run_job, start_job, wait_done

BASE = {
    "is_success",
    "error_message",
    "confidence",
    "status_code",
    "fetch_time",
    "is_cache_hit",
    "worker_name",
    "persist_for",
}


def test_seed_payload_output_is_keyed_by_location_then_source(client: httpx.Client) -> None:
    data = run_job(client, SEED_PAYLOAD)
    assert set(data) == {"item-1", "item-2"}
    for entry in data.values():
        assert set(entry) == {"PG", "PH"}
        for result in entry.values():
            assert set(result) >= BASE
            assert "raw_response" not in result
            assert result["is_success"] is True
            assert result["error_message"] is None
            assert result["status_code"] == 200
            assert 0 <= result["confidence"] <= 100
    pg = data["item-1"]["PG"]
    assert pg["city"] == "Miami"
    assert pg["state"] == "FL"
    assert pg["location_type"] in ("ROOFTOP", "RANGE_INTERPOLATED")
    florida = places.STATE_BY_CODE["FL"]
    assert abs(pg["latitude"] - florida.lat) < 2 * florida.spread
    assert abs(pg["longitude"] - florida.lon) < 2 * florida.spread
    assert data["item-2"]["PG"]["state"] == "CA"


def test_same_input_same_output_across_servers_and_ids(client: httpx.Client) -> None:
    first = run_job(client, SEED_PAYLOAD)
    again = run_job(client, SEED_PAYLOAD)
    assert first == again
    renamed = {
        "locations": [{**loc, "id": f"x-{loc['id']}"} for loc in SEED_PAYLOAD["locations"]],
        "sources": ["PG", "PH"],
    }
    other = run_job(client, renamed)
    assert other["x-item-1"] == first["item-1"]
    config = EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=0.0)
    with (
        EmulatorServer(config) as server,
        httpx.Client(
            base_url=server.api_url, headers={"Authorization": f"Token {TEST_TOKEN}"}
        ) as fresh,
    ):
        assert run_job(fresh, SEED_PAYLOAD) == first
    seeded = EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=0.0, seed=7)
    with (
        EmulatorServer(seeded) as server,
        httpx.Client(
            base_url=server.api_url, headers={"Authorization": f"Token {TEST_TOKEN}"}
        ) as fresh,
    ):
        assert run_job(fresh, SEED_PAYLOAD) != first


def test_per_location_sources_override_the_batch_list(client: httpx.Client) -> None:
    payload = {
        "locations": [
            {"id": "a", "address": "1 main st, dallas, tx"},
            {"id": "b", "address": "2 main st, dallas, tx", "sources": ["DTC", "pff"]},
            {"id": "c", "address": "3 main st, dallas, tx", "sources": []},
        ],
        "sources": ["PG", "PH"],
    }
    data = run_job(client, payload)
    assert list(data["a"]) == ["PG", "PH"]
    assert list(data["b"]) == ["DTC", "PFF"]
    assert list(data["c"]) == ["PG", "PH"]


def test_unusable_addresses_fail_realistically(client: httpx.Client) -> None:
    bad = ["", "unknown", "TBD", "N/A", "...", "somewhere"]
    payload = {
        "locations": [{"id": f"bad{i}", "address": a} for i, a in enumerate(bad)],
        "sources": ["PG", "GG", "LBG", "PH", "DTC"],
    }
    data = run_job(client, payload)
    for loc_id, entry in data.items():
        for code in ("PG", "GG", "LBG"):
            result = entry[code]
            assert result["is_success"] is False, (loc_id, code)
            assert result["confidence"] == 0
            assert result["status_code"] >= 400
            assert result["error_message"]
        for code in ("PH", "DTC"):
            assert entry[code]["is_success"] is False
            assert entry[code]["error_message"] == "No location: geocoding failed."
        assert set(entry["PG"]) == BASE
    assert data["bad1"]["PG"]["error_message"] == "Address could not be geocoded."
    assert data["bad1"]["PG"]["status_code"] == 422
    assert data["bad0"]["PG"]["error_message"] == "Missing required attribute(s): address."


def test_coordinates_alone_are_enough_for_hazard_sources(client: httpx.Client) -> None:
    payload = {
        "locations": [{"id": "p", "latitude": 25.77, "longitude": -80.19}],
        "sources": ["PG", "PH", "DTC", "PFF"],
    }
    entry = run_job(client, payload)["p"]
    assert entry["PG"]["is_success"] is False  # a geocoder needs an address
    for code in ("PH", "DTC", "PFF"):
        assert entry[code]["is_success"] is True, entry[code]
    assert entry["PFF"]["sfha"] == entry["PFF"]["flood_zone"].startswith(("A", "V"))
    assert entry["PH"]["distance_to_coast_mi"] == entry["DTC"]["distance_to_coast_mi"]


def test_non_us_locations_fail_us_only_sources_with_a_coverage_message(
    client: httpx.Client,
) -> None:
    payload = {
        "locations": [
            {"id": "paris", "latitude": 48.86, "longitude": 2.35, "country": "FR"},
            {"id": "london", "address": "10 downing st, london, uk"},
        ],
        "sources": ["PG", "LBG", "PH"],
    }
    data = run_job(client, payload)
    assert data["paris"]["PH"]["is_success"] is False
    assert "coverage" in data["paris"]["PH"]["error_message"]
    assert data["london"]["PG"]["is_success"] is True
    assert data["london"]["PG"]["country"] == "GB"
    assert data["london"]["LBG"]["is_success"] is False
    assert "coverage" in data["london"]["LBG"]["error_message"]


def test_state_limited_sources_and_required_attributes(client: httpx.Client) -> None:
    payload = {
        "locations": [
            {
                "id": "fl",
                "address": "100 ocean dr, miami beach, fl 33139",
                "const__bldg_area": 2400,
            },
            {"id": "co", "address": "100 main st, denver, co 80202"},
        ],
        "sources": ["DTFS", "E2V"],
    }
    data = run_job(client, payload)
    assert data["fl"]["DTFS"]["is_success"] is True
    assert data["co"]["DTFS"]["is_success"] is False
    assert "does not cover CO" in data["co"]["DTFS"]["error_message"]
    e2v = data["fl"]["E2V"]
    assert e2v["is_success"] is True
    assert e2v["bldg_area_used"] == 2400
    assert e2v["replacement_cost"] == round(2400 * e2v["replacement_cost_per_sqft"], 2)
    assert data["co"]["E2V"]["error_message"] == "Missing required attribute(s): const__bldg_area."


def test_include_raw_response_adds_the_raw_object(client: httpx.Client) -> None:
    payload: dict[str, Any] = {**SEED_PAYLOAD, "include_raw_response": True}
    data = run_job(client, payload)
    for entry in data.values():
        for result in entry.values():
            assert isinstance(result["raw_response"], dict)


def test_structured_address_parts_geocode_like_a_single_line(client: httpx.Client) -> None:
    payload = {
        "locations": [
            {
                "id": "s",
                "address_line_1": "77 Pine St",
                "city": "Portland",
                "state": "OR",
                "postal_code": "97204",
            },
        ],
        "sources": ["PG"],
    }
    pg = run_job(client, payload)["s"]["PG"]
    assert pg["is_success"] is True
    assert (pg["state"], pg["postal_code"], pg["city"]) == ("OR", "97204", "Portland")
    assert pg["address_line_1"] == "77 Pine St"


def test_output_is_gzip_encoded_only_for_clients_that_accept_it(client: httpx.Client) -> None:
    status = wait_done(client, start_job(client, SEED_PAYLOAD))
    url = status["result"]["outputs"][0]["url"]
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Content-Type"] == "application/json"
    assert int(plain.headers["Content-Length"]) == len(plain.content)
    assert plain.json() == zipped.json()
    assert plain.content == zipped.content  # httpx decodes the gzip body transparently
