"""Helpers for the emulator's own tests: an authenticated httpx client and job polling."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_TOKEN

SEED_PAYLOAD: dict[str, Any] = {
    "locations": [
        {"id": "item-1", "address": "123 main st, miami, fl", "sources": ["PG", "PH"]},
        {"id": "item-2", "address": "456 elm st, los angeles, ca", "sources": ["PG", "PH"]},
    ],
    "sources": ["PG", "PH"],
}


@pytest.fixture
def client(emulator: Any) -> Iterator[httpx.Client]:
    """An httpx client for the emulator's API, sending the test token."""
    with httpx.Client(
        base_url=emulator.api_url,
        headers={"Authorization": f"Token {TEST_TOKEN}"},
        timeout=10.0,
    ) as http:
        yield http


def start_job(client: httpx.Client, payload: dict[str, Any]) -> str:
    """POST a bulk job and return its id (asserting it was accepted)."""
    response = client.post("/bulk_enhance", json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"] == "OK"
    return str(body["id"])


def wait_done(client: httpx.Client, job_id: str, limit: float = 20.0) -> dict[str, Any]:
    """Poll a job until COMPLETE or FAILED and return the last status body."""
    deadline = time.monotonic() + limit
    while True:
        response = client.get(f"/bulk_enhance/{job_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["request"]["status"] in ("COMPLETE", "FAILED"):
            return body
        assert time.monotonic() < deadline, f"job never finished: {body}"
        time.sleep(0.05)


def fetch_output(client: httpx.Client, status: dict[str, Any]) -> dict[str, Any]:
    """Download the job's single output file and parse it."""
    outputs = status["result"]["outputs"]
    assert len(outputs) == 1
    response = client.get(outputs[0]["url"])
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def run_job(client: httpx.Client, payload: dict[str, Any]) -> dict[str, Any]:
    """Start a job, wait for it, and return its parsed output."""
    status = wait_done(client, start_job(client, payload))
    assert status["request"]["status"] == "COMPLETE"
    return fetch_output(client, status)
