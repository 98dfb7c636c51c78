"""Request handling: auth, validation, limits, permissions, gzip bodies and the small endpoints."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest

from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.emulator.server import EmulatorServer
from tests.conftest import TEST_TOKEN
from tests.emulator.conftest import SEED_PAYLOAD, run_job

AUTH_CASES = [
    (None, "Authentication credentials were not provided."),
    ("Bearer " + TEST_TOKEN, "Authentication credentials were not provided."),
    ("Token", "Invalid token header. No credentials provided."),
    ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ("Token wrong-token", "Invalid token."),
]
ENDPOINTS = [
    ("POST", "/bulk_enhance"),
    ("GET", "/bulk_enhance/abc"),
    ("GET", "/bulk_enhance/abc/output/x.json"),
    ("GET", "/enhance?sources=PG&address=1+main+st"),
    ("GET", "/datasources"),
    ("GET", "/datasources/PG"),
    ("GET", "/usage"),
]


def test_every_endpoint_requires_a_valid_token(emulator: Any) -> None:
    with httpx.Client(base_url=emulator.api_url) as http:
        for method, path in ENDPOINTS:
            for header, detail in AUTH_CASES:
                headers = {"Authorization": header} if header else {}
                body = SEED_PAYLOAD if method == "POST" else None
                response = http.request(method, path, headers=headers, json=body)
                assert response.status_code == 401, (method, path, header)
                assert response.json() == {"detail": detail}
                assert response.headers["WWW-Authenticate"] == "Token"
    stats = emulator.stats()
    assert stats["jobs_created"] == 0
    assert stats["authorization_failures"] == len(ENDPOINTS) * len(AUTH_CASES)


def test_authorization_failures_are_counted(emulator: Any) -> None:
    httpx.get(emulator.api_url + "/datasources", headers={"Authorization": "Token nope"})
    assert emulator.stats()["authorization_failures"] == 1


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({}, "locations", "This field is required."),
        ({"locations": [], "sources": ["PG"]}, "locations", "This list may not be empty."),
        ({"locations": "x", "sources": ["PG"]}, "locations", "Expected a list"),
        ({"locations": [{"address": "1 a st, b, tx"}], "sources": ["PG"]}, "locations", '"id"'),
        (
            {"locations": [{"id": 7, "address": "1 a st, b, tx"}], "sources": ["PG"]},
            "locations",
            '"id"',
        ),
        (
            {"locations": [{"id": "a"}, {"id": "a"}], "sources": ["PG"]},
            "locations",
            'duplicate id "a"',
        ),
        ({"locations": [{"id": "a"}], "sources": ["PG", "NOPE"]}, "sources", "NOPE"),
        ({"locations": [{"id": "a", "sources": ["ZZZ"]}], "sources": ["PG"]}, "locations", "ZZZ"),
        ({"locations": [{"id": "a"}]}, "sources", "required"),
        ({"locations": [{"id": "a", "latitude": 123}], "sources": ["PH"]}, "locations", "latitude"),
        ({"locations": [{"id": "a"}], "sources": "PG"}, "sources", "list"),
        (
            {"locations": [{"id": "a", "address": 12}], "sources": ["PG"]},
            "locations",
            "address must be a string",
        ),
        (
            {"locations": [{"id": "a", "const__bldg_area": "big"}], "sources": ["E2V"]},
            "locations",
            "const__bldg_area must be a number",
        ),
        (
            {"locations": [{"id": "a"}], "sources": ["PG"], "include_raw_response": "yes"},
            "include_raw_response",
            "boolean",
        ),
    ],
)
def test_invalid_bodies_get_drf_style_400s(
    emulator: Any, client: httpx.Client, body: dict[str, Any], field: str, fragment: str
) -> None:
    response = client.post("/bulk_enhance", json=body)
    assert response.status_code == 400, response.text
    messages = response.json()[field]
    assert isinstance(messages, list)
    assert any(fragment in m for m in messages), messages
    assert emulator.stats()["jobs_created"] == 0


def test_malformed_json_and_gzip_are_400(client: httpx.Client) -> None:
    response = client.post(
        "/bulk_enhance", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    response = client.post(
        "/bulk_enhance",
        content=b"not gzip",
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Malformed gzip request body."}


def test_gzip_body_is_accepted(emulator: Any, client: httpx.Client) -> None:
    locations = [{"id": f"g{i}", "address": f"{i} maple st, tulsa, ok"} for i in range(400)]
    raw = json.dumps({"locations": locations, "sources": ["PG"]}).encode()
    assert len(raw) > 20_000
    response = client.post(
        "/bulk_enhance",
        content=gzip.compress(raw),
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 201, response.text
    stats = emulator.stats()
    assert stats["jobs_created"] == 1
    assert stats["locations_received"] == 400


def test_unknown_job_and_unknown_output_are_404(client: httpx.Client) -> None:
    response = client.get("/bulk_enhance/3c90c3cc-0d44-4b50-8888-8dd25736052a")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    job_id = client.post(
        "/bulk_enhance",
        json={"locations": [{"id": "a", "address": "1 main st, miami, fl"}], "sources": ["PG"]},
    ).json()["id"]
    response = client.get(f"/bulk_enhance/{job_id}/output/other.json")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_enhance_one_location_synchronously(emulator: Any, client: httpx.Client) -> None:
    params = {
        "address": "123 main st, miami, fl",
        "sources": ["PG", "PH"],
        "include_raw_response": "False",
    }
    response = client.get("/enhance", params=params)
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["id"], str)
    assert set(body["location_data"]) == {"PG", "PH"}
    bulk = run_job(
        client,
        {"locations": [{"id": "x", "address": "123 main st, miami, fl"}], "sources": ["PG", "PH"]},
    )
    assert body["location_data"] == bulk["x"]
    assert client.get("/enhance", params={"address": "1 a st"}).status_code == 400
    assert emulator.stats()["enhance_requests"] == 2


def test_usage_counts_locations_times_sources(client: httpx.Client) -> None:
    run_job(client, SEED_PAYLOAD)
    client.get("/enhance", params={"address": "1 main st, miami, fl", "sources": ["DTC"]})
    body = client.get("/usage", params={"start": "-1h"}).json()
    assert body["granularity"] == "5m"
    assert body["totals"] == {"PG": 2, "PH": 2, "DTC": 1, "total": 5}
    assert sum(b["counts"]["total"] for b in body["buckets"]) == 5
    assert client.get("/usage").json()["granularity"] == "1h"
    assert client.get("/usage", params={"start": "-90d"}).json()["granularity"] == "1d"
    assert client.get("/usage", params={"start": "yesterday"}).status_code == 400
    later = client.get(
        "/usage", params={"start": "2099-01-01T00:00:00Z", "end": "2099-01-02T00:00:00Z"}
    )
    assert later.json()["totals"] == {"total": 0}


def test_datasource_lookup_is_case_insensitive(emulator: Any) -> None:
    config = EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=0.0)
    with EmulatorServer(config) as server:
        headers = {"Authorization": f"Token {TEST_TOKEN}"}
        response = httpx.get(server.api_url + "/datasources/lbg", headers=headers)
        assert response.status_code == 200
        assert response.json()["config"]["source_code"] == "LBG"
        assert httpx.get(server.api_url + "/datasources/XYZ", headers=headers).status_code == 404
