"""Statistics tests rely on to prove what reached the server."""

from __future__ import annotations

from typing import Any

import httpx

from tests.emulator.conftest import SEED_PAYLOAD, fetch_output, start_job, wait_done


def test_counters_follow_the_traffic(emulator: Any, client: httpx.Client) -> None:
    job_id = start_job(client, SEED_PAYLOAD)
    status = wait_done(client, job_id)
    client.get(f"/bulk_enhance/{job_id}")
    fetch_output(client, status)
    client.get("/datasources")
    stats = emulator.stats()
    assert stats["jobs_created"] == 1
    assert stats["jobs"] == 1
    assert stats["locations_received"] == 2
    assert stats["status_requests"] == 2
    assert stats["output_requests"] == 1
    assert stats["authorization_failures"] == 0
    assert stats["requests_by_route"] == {
        "POST /bulk_enhance": 1,
        "GET /bulk_enhance/{id}": 2,
        "GET /bulk_enhance/{id}/output/{filename}": 1,
        "GET /datasources": 1,
    }
    over_http = httpx.get(emulator.base_url + "/__emulator__/stats").json()
    assert over_http == stats
    emulator.reset_stats()
    after = emulator.stats()
    assert after["jobs_created"] == 0
    assert after["requests_by_route"] == {}
    assert after["jobs"] == 1  # jobs survive a statistics reset
    assert client.get(f"/bulk_enhance/{job_id}").status_code == 200


def test_reset_with_jobs_forgets_them(emulator: Any, client: httpx.Client) -> None:
    job_id = start_job(client, SEED_PAYLOAD)
    httpx.post(emulator.base_url + "/__emulator__/reset", params={"jobs": "1"})
    assert client.get(f"/bulk_enhance/{job_id}").status_code == 404
    assert emulator.stats()["jobs"] == 0


def test_server_urls(emulator: Any) -> None:
    assert emulator.base_url == f"http://127.0.0.1:{emulator.port}"
    assert emulator.api_url == emulator.base_url + "/api/v1"
    assert emulator.port > 0
