"""Every switchable fault, observed over real HTTP the way a client would see it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_TOKEN
from tests.emulator.conftest import SEED_PAYLOAD, fetch_output, start_job, wait_done


def test_throttle_answers_429_with_retry_after_then_recovers(
    emulator: Any, client: httpx.Client
) -> None:
    emulator.set_faults(throttle=2, retry_after=0.2)
    for _ in range(2):
        response = client.get("/datasources")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "0.2"
        assert response.json() == {
            "detail": "Request was throttled. Expected available in 1 second."
        }
    assert client.get("/datasources").status_code == 200
    emulator.set_faults(throttle=1, retry_after=3)
    response = client.post("/bulk_enhance", json=SEED_PAYLOAD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert "in 3 seconds" in response.json()["detail"]
    stats = emulator.stats()
    assert stats["faults_injected"]["throttle"] == 3
    assert stats["jobs_created"] == 0


def test_server_error_burst(emulator: Any, client: httpx.Client) -> None:
    emulator.set_faults(server_errors=3, server_error_status=502)
    codes = [client.get("/datasources").status_code for _ in range(4)]
    assert codes == [502, 502, 502, 200]
    emulator.set_faults(server_errors=1)  # status stays 502 until changed
    assert client.get("/usage").status_code == 502
    emulator.set_faults(server_errors=1, server_error_status=503)
    response = client.get("/usage")
    assert response.status_code == 503
    assert "detail" in response.json()


def test_dropped_connection_is_a_transport_error_and_creates_nothing(
    emulator: Any, client: httpx.Client
) -> None:
    emulator.set_faults(drop_connections=2)
    with pytest.raises(httpx.TransportError):
        client.post("/bulk_enhance", json=SEED_PAYLOAD)
    with pytest.raises(httpx.TransportError):
        client.get("/datasources")
    assert emulator.stats()["jobs_created"] == 0
    assert client.get("/datasources").status_code == 200
    start_job(client, SEED_PAYLOAD)
    stats = emulator.stats()
    assert stats["jobs_created"] == 1
    assert stats["faults_injected"]["drop_connections"] == 2
    assert stats["requests_by_route"]["POST /bulk_enhance"] == 2


def test_accept_then_error_creates_the_job_but_answers_5xx(
    emulator: Any, client: httpx.Client
) -> None:
    emulator.set_faults(accept_then_error=1)
    response = client.post("/bulk_enhance", json=SEED_PAYLOAD)
    assert response.status_code == 502
    assert "id" not in response.json()
    assert emulator.stats()["jobs_created"] == 1
    emulator.set_faults(accept_then_error=1, accept_then_error_status=504)
    assert client.post("/bulk_enhance", json=SEED_PAYLOAD).status_code == 504
    assert client.post("/bulk_enhance", json=SEED_PAYLOAD).status_code == 201
    assert emulator.stats()["jobs_created"] == 3


def test_accept_then_drop_creates_the_job_but_never_answers(
    emulator: Any, client: httpx.Client
) -> None:
    emulator.set_faults(accept_then_drop=1)
    with pytest.raises(httpx.TransportError):
        client.post("/bulk_enhance", json=SEED_PAYLOAD)
    stats = emulator.stats()
    assert stats["jobs_created"] == 1
    assert stats["faults_injected"] == {"accept_then_drop": 1}
    assert client.post("/bulk_enhance", json=SEED_PAYLOAD).status_code == 201


def test_slow_responses_trip_client_timeouts(emulator: Any) -> None:
    emulator.set_faults(slow_seconds=1.0)
    headers = {"Authorization": f"Token {TEST_TOKEN}"}
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(emulator.api_url + "/datasources", headers=headers, timeout=0.2)
    emulator.set_faults(slow_seconds=0.0)
    assert httpx.get(emulator.api_url + "/datasources", headers=headers).status_code == 200


def test_failed_job_has_no_result_and_no_output(emulator: Any, client: httpx.Client) -> None:
    emulator.set_faults(fail_jobs=1)
    failed_id = start_job(client, SEED_PAYLOAD)
    body = wait_done(client, failed_id)
    assert body["request"]["status"] == "FAILED"
    assert "result" not in body
    assert body["request"]["completed_at"] is not None
    output = client.get(f"/bulk_enhance/{failed_id}/output/output-data-{failed_id}.json")
    assert output.status_code == 404
    ok = wait_done(client, start_job(client, SEED_PAYLOAD))
    assert ok["request"]["status"] == "COMPLETE"
    assert emulator.stats()["jobs_failed"] == 1


def test_truncated_download_disconnects_mid_body_once(emulator: Any, client: httpx.Client) -> None:
    status = wait_done(client, start_job(client, SEED_PAYLOAD))
    url = status["result"]["outputs"][0]["url"]
    for encoding in ("gzip", "identity"):
        emulator.set_faults(truncate_outputs=1)
        with pytest.raises(httpx.TransportError):
            client.get(url, headers={"Accept-Encoding": encoding})
    assert set(fetch_output(client, status)) == {"item-1", "item-2"}
    assert emulator.stats()["output_requests"] == 3


def test_truncated_download_short_body_mode_is_invalid_json(
    emulator: Any, client: httpx.Client
) -> None:
    status = wait_done(client, start_job(client, SEED_PAYLOAD))
    url = status["result"]["outputs"][0]["url"]
    full = client.get(url).content
    emulator.set_faults(truncate_outputs=1, truncate_mode="short_body")
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) < len(full)
    assert full.startswith(response.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_expired_jobs_are_404(emulator: Any, client: httpx.Client) -> None:
    job_id = start_job(client, SEED_PAYLOAD)
    status = wait_done(client, job_id)
    url = status["result"]["outputs"][0]["url"]
    emulator.set_faults(expire_jobs=True)
    assert client.get(f"/bulk_enhance/{job_id}").json() == {"detail": "Not found."}
    assert client.get(f"/bulk_enhance/{job_id}").status_code == 404
    assert client.get(url).status_code == 404
    emulator.set_faults(expire_jobs=False)
    assert client.get(f"/bulk_enhance/{job_id}").status_code == 200


def test_failing_sources_fail_for_every_location(emulator: Any, client: httpx.Client) -> None:
    emulator.set_faults(failing_sources={"PH"})
    status = wait_done(client, start_job(client, SEED_PAYLOAD))
    assert status["request"]["num_problems"] == 2
    stats = {s["source"]: s for s in status["result"]["sources"]}
    assert stats["PH"]["num_fails"] == 2
    assert stats["PG"]["num_fails"] == 0
    data = fetch_output(client, status)
    for entry in data.values():
        assert entry["PH"]["is_success"] is False
        assert entry["PH"]["status_code"] >= 500
        assert entry["PH"]["error_message"]
        assert entry["PG"]["is_success"] is True


def test_faults_can_target_one_route(emulator: Any, client: httpx.Client) -> None:
    emulator.set_faults(throttle=1, only_path_prefix="/bulk_enhance/", only_method="GET")
    job_id = start_job(client, SEED_PAYLOAD)
    assert client.get("/datasources").status_code == 200
    assert client.get(f"/bulk_enhance/{job_id}").status_code == 429
    assert client.get(f"/bulk_enhance/{job_id}").status_code == 200


def test_faults_and_stats_over_the_control_endpoints(emulator: Any, client: httpx.Client) -> None:
    control = emulator.base_url + "/__emulator__"
    response = httpx.post(control + "/faults", json={"throttle": 1, "retry_after": 0.2})
    assert response.status_code == 200
    assert response.json()["throttle"] == 1
    assert client.get("/datasources").status_code == 429
    stats = httpx.get(control + "/stats").json()
    assert stats["faults_injected"] == {"throttle": 1}
    assert stats["requests_by_route"] == {"GET /datasources": 1}
    assert httpx.post(control + "/faults", json={"nonsense": 1}).status_code == 400
    httpx.post(control + "/faults", json={"server_errors": 5})
    assert httpx.post(control + "/reset").status_code == 200
    assert client.get("/datasources").status_code == 200
    assert emulator.faults.server_errors == 0
    assert httpx.get(control + "/stats").json()["requests_by_route"] == {"GET /datasources": 1}


def test_result_lists_can_arrive_as_single_objects(emulator: Any, client: httpx.Client) -> None:
    job_id = start_job(client, SEED_PAYLOAD)
    emulator.set_faults(result_as_objects=True)
    result = wait_done(client, job_id)["result"]
    assert isinstance(result["outputs"], dict)
    assert result["outputs"]["filename"] == f"output-data-{job_id}.json"
    assert isinstance(result["sources"], dict)
    assert result["sources"]["source"] == "PG"
    emulator.set_faults(result_as_objects=False)
    assert isinstance(wait_done(client, job_id)["result"]["outputs"], list)
