"""The client against the real emulator over loopback HTTP: the happy paths of every endpoint."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.api import (
    AuthenticationError,
    JobState,
    JobStatus,
    NotFoundError,
    PingDataClient,
    ValidationError,
    safe_output_filename,
)
from tests.api.conftest import ClientFactory, SpyTransport
from tests.conftest import TEST_TOKEN

LOCATIONS = [
    {"id": "item-1", "address": "123 main st, miami, fl", "sources": ["PG", "PH"]},
    {"id": "item-2", "address": "456 elm st, los angeles, ca", "sources": ["PG", "PH"]},
]

POST_ROUTE = "POST /bulk_enhance"
STATUS_ROUTE = "GET /bulk_enhance/{id}"


async def poll_until_terminal(client: PingDataClient, job_id: str, limit: int = 200) -> JobStatus:
    import asyncio

    for _ in range(limit):
        status = await client.get_job(job_id)
        if status.is_terminal:
            return status
        await asyncio.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish")


async def test_whole_lifecycle(client: PingDataClient, emulator: Any, tmp_path: Path) -> None:
    started = await client.start_bulk_enhance(LOCATIONS, ["PG", "PH"])
    assert started.id
    assert emulator.stats()["jobs_created"] == 1

    status = await poll_until_terminal(client, started.id)
    assert status.id == started.id
    assert status.state is JobState.COMPLETE
    assert status.request.num_requested == 2
    assert status.request.num_completed == 2
    assert status.request.completed_at is not None
    assert status.result is not None
    assert status.result.succeeded
    assert status.result.outputs
    assert {s.source for s in status.result.sources} >= {"PG", "PH"}

    output = status.result.outputs[0]
    dest = tmp_path / "out" / safe_output_filename(output.filename, f"{started.id}.json")
    downloaded = await client.download_output(output.url, dest)
    body = dest.read_bytes()
    assert downloaded.path == dest
    assert downloaded.size == len(body)
    assert downloaded.sha256 == hashlib.sha256(body).hexdigest()
    assert not dest.with_name(dest.name + ".part").exists()

    data = json.loads(body)
    assert set(data) == {"item-1", "item-2"}
    for per_source in data.values():
        assert {"PG", "PH"} <= set(per_source)
        for entry in per_source.values():
            assert "is_success" in entry


async def test_job_options_reach_the_server(client: PingDataClient, emulator: Any) -> None:
    started = await client.start_bulk_enhance(
        [{"id": "a", "address": "1 main st, boston, ma"}],
        ["PG"],
        timeout=60.0,
        include_raw_response=False,
        check_cache=False,
    )
    status = await poll_until_terminal(client, started.id)
    assert status.state is JobState.COMPLETE
    assert emulator.stats()["locations_received"] == 1


async def test_validation_error_quotes_server(client: PingDataClient, emulator: Any) -> None:
    with pytest.raises(ValidationError) as info:
        await client.start_bulk_enhance([{"address": "no id here"}], ["PG"])
    error = info.value
    assert error.status_code == 400
    assert error.details
    assert "id" in error.message
    assert not error.retryable
    assert emulator.stats()["jobs_created"] == 0


async def test_datasources(client: PingDataClient) -> None:
    configs = await client.list_datasources()
    assert {"PG", "PH", "GG", "DTC"} <= set(configs)
    pg = configs["PG"]
    assert pg.source_name
    assert pg.required_attrs or pg.optional_attrs
    assert pg.output_fields
    one = await client.get_datasource("pg")
    assert one.source_code == "PG"
    assert one.source_name == pg.source_name
    with pytest.raises(NotFoundError) as info:
        await client.get_datasource("NOPE")
    assert info.value.status_code == 404


async def test_enhance_one_location(client: PingDataClient) -> None:
    result = await client.enhance(
        {"address": "123 main st, miami, fl", "country": "US", "latitude": None}, ["PG", "PH"]
    )
    assert result.id
    assert {"PG", "PH"} <= set(result.location_data)
    assert "is_success" in result.location_data["PG"]


async def test_usage_counts_submitted_work(client: PingDataClient) -> None:
    started = await client.start_bulk_enhance(LOCATIONS, ["PG", "PH"])
    await poll_until_terminal(client, started.id)
    report = await client.get_usage(start="-1d")
    assert report.granularity in {"5m", "1h", "1d"}
    assert report.start is not None
    assert report.end is not None
    assert report.totals.get("total", 0) >= 4


async def test_check_token(make_client: ClientFactory, emulator: Any) -> None:
    await make_client().check_token()
    bad = make_client(token="wrong-token-" + "x" * 20)
    with pytest.raises(AuthenticationError) as info:
        await bad.check_token()
    assert info.value.status_code == 401
    assert "Settings > API token" in info.value.message
    assert emulator.stats()["authorization_failures"] == 1


async def test_missing_token_fails_without_a_request(
    make_client: ClientFactory, emulator: Any
) -> None:
    client = make_client(token=None)
    assert not client.has_token
    with pytest.raises(AuthenticationError, match="No API token"):
        await client.list_datasources()
    assert sum(emulator.stats()["requests_by_route"].values()) == 0
    client.set_token(TEST_TOKEN)
    assert await client.list_datasources()


async def test_large_bodies_are_gzipped(make_client: ClientFactory, emulator: Any) -> None:
    spy = SpyTransport()
    client = make_client(transport=spy)
    locations = [
        {"id": f"loc-{i:04d}", "address": f"{i} Ocean Drive, Miami Beach, FL 33139, United States"}
        for i in range(900)
    ]
    started = await client.start_bulk_enhance(locations, ["PG"])
    post = next(r for r in spy.sent if r.method == "POST")
    raw_size = len(json.dumps({"locations": locations}, separators=(",", ":")))
    assert raw_size > 50_000
    assert post.headers["Content-Encoding"] == "gzip"
    assert len(post.content) < raw_size / 3
    # The emulator decoded it: all locations arrived in one job.
    assert emulator.stats()["jobs_created"] == 1
    assert emulator.stats()["locations_received"] == 900
    status = await poll_until_terminal(client, started.id)
    assert status.request.num_requested == 900


async def test_small_bodies_are_plain_json(make_client: ClientFactory) -> None:
    spy = SpyTransport()
    client = make_client(transport=spy)
    await client.start_bulk_enhance(LOCATIONS, ["PG"])
    post = next(r for r in spy.sent if r.method == "POST")
    assert "Content-Encoding" not in post.headers
    assert json.loads(post.content)["locations"][0]["id"] == "item-1"
    assert post.headers["Authorization"] == f"Token {TEST_TOKEN}"
    assert post.headers["User-Agent"].startswith("PingDesktop/")
    assert post.headers["Accept-Encoding"] == "gzip"


async def test_server_relative_output_link_and_reuse_after_close(
    client: PingDataClient, tmp_path: Path
) -> None:
    started = await client.start_bulk_enhance(LOCATIONS, ["PG"])
    status = await poll_until_terminal(client, started.id)
    assert status.result is not None
    output = status.result.outputs[0]
    path = output.url[len(client.origin) :]
    assert path.startswith("/api/v1/")
    await client.aclose()  # the pool is recreated on the next call
    first = await client.download_output(path, tmp_path / "a.json")
    second = await client.download_output(output.url, tmp_path / "b.json")
    assert first.sha256 == second.sha256
    assert first.size == second.size > 0
