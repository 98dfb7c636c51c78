"""Datasource configs: every documented field, and output_fields equal to what outputs hold."""

from __future__ import annotations

from typing import Any

import httpx

from tests.emulator.conftest import run_job

CONFIG_FIELDS = {
    "source_name",
    "source_code",
    "required_attrs",
    "optional_attrs",
    "requires_credentials",
    "non_supported_input_values",
    "supported_countries",
    "supported_us_states",
    "excluded_us_states",
    "geocode_confidence_required",
    "geocode_precision_required",
    "output_fields",
    "base_output_fields",
}
BASE = {
    "is_success",
    "error_message",
    "confidence",
    "status_code",
    "fetch_time",
    "is_cache_hit",
    "worker_name",
    "persist_for",
    "raw_response",
}


def _configs(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/datasources")
    assert response.status_code == 200
    configs: dict[str, Any] = response.json()["configs"]
    return configs


def test_configs_carry_every_documented_field(client: httpx.Client) -> None:
    configs = _configs(client)
    assert len(configs) >= 10
    assert {"PG", "PH", "GG", "LBG", "DTC", "PFF"} <= set(configs)
    for code, config in configs.items():
        assert set(config) == CONFIG_FIELDS, code
        assert config["source_code"] == code
        assert set(config["base_output_fields"]) == BASE
        for name, spec in config["output_fields"].items():
            assert isinstance(spec["type"], str), (code, name)
            assert spec["description"], (code, name)
            assert not set(config["output_fields"]) & BASE
        single = client.get(f"/datasources/{code.lower()}").json()["config"]
        assert single == config


def test_input_conventions_the_intake_relies_on(client: httpx.Client) -> None:
    configs = _configs(client)
    for code in ("PG", "GG", "LBG"):
        assert configs[code]["required_attrs"] == ["address"]
    for code in ("PH", "DTC", "PFF", "PFPC", "DTFST", "PUSDAW"):
        assert configs[code]["required_attrs"] == []
        assert {"address", "latitude", "longitude"} <= set(configs[code]["optional_attrs"])
    assert configs["E2V"]["required_attrs"] == ["address", "const__bldg_area"]
    assert configs["DTFS"]["supported_us_states"] == ["FL"]
    assert configs["PG"]["supported_countries"] is None
    assert configs["PH"]["supported_countries"] == ["US"]


def test_output_fields_are_exactly_the_fields_of_successful_outputs(
    client: httpx.Client,
) -> None:
    codes = list(_configs(client))
    location = {
        "address": "1200 brickell ave, miami, fl 33131",
        "const__bldg_area": 5000,
        "dtc_include_coastline_within_miles": 50,
    }
    # Several addresses so that every source succeeds for at least one of them.
    payload = {
        "locations": [
            {**location, "id": f"loc{i}", "address": f"{1200 + i} brickell ave, miami, fl 33131"}
            for i in range(6)
        ],
        "sources": codes,
        "include_raw_response": True,
    }
    data = run_job(client, payload)
    configs = _configs(client)
    for code in codes:
        successes = [entry[code] for entry in data.values() if entry[code]["is_success"]]
        assert successes, f"{code} never succeeded: {next(iter(data.values()))[code]}"
        expected = set(configs[code]["output_fields"]) | BASE
        for result in successes:
            assert set(result) == expected, code
