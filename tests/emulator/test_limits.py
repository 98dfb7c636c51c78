"""Account limits: the per-job maximum (413) and sources the account may not use (403)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ping_desktop.emulator.config import EmulatorConfig
from tests.conftest import TEST_TOKEN


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        tokens=frozenset({TEST_TOKEN}),
        locations_per_second=0.0,
        max_locations_per_job=5,
        allowed_sources=frozenset({"PG", "PH", "DTC"}),
    )


def test_too_many_locations_is_413_with_the_maximum(emulator: Any, client: httpx.Client) -> None:
    locations = [{"id": str(i), "address": f"{i} main st, miami, fl"} for i in range(6)]
    response = client.post("/bulk_enhance", json={"locations": locations, "sources": ["PG"]})
    assert response.status_code == 413
    assert response.json() == {
        "detail": "Too many locations in one request (6). The maximum is 5.",
        "max_locations": 5,
    }
    assert emulator.stats()["jobs_created"] == 0
    assert (
        client.post(
            "/bulk_enhance", json={"locations": locations[:5], "sources": ["PG"]}
        ).status_code
        == 201
    )


def test_sources_the_account_may_not_use_are_403(emulator: Any, client: httpx.Client) -> None:
    location: dict[str, Any] = {"id": "a", "address": "1 main st, miami, fl", "sources": ["GG"]}
    body = {
        "locations": [location],
        "sources": ["PG", "PFF"],
    }
    response = client.post("/bulk_enhance", json=body)
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to use source(s): GG."}
    location.pop("sources")
    response = client.post("/bulk_enhance", json=body)
    assert response.json() == {"detail": "You do not have permission to use source(s): PFF."}
    assert emulator.stats()["jobs_created"] == 0
    listed = client.get("/datasources").json()["configs"]
    assert set(listed) == {"PG", "PH", "DTC"}
    assert client.get("/datasources/pff").status_code == 404
    response = client.get("/enhance", params={"sources": ["GG"], "address": "1 main st, a, fl"})
    assert response.status_code == 403
