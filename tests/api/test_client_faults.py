"""Every emulator fault, and what the client does about it (retries, errors, no duplicates)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.api import (
    JobNotFoundError,
    JobState,
    JobTooLargeError,
    OfflineError,
    OutputIncompleteError,
    PingDataClient,
    RetryPolicy,
    ServerUnavailableError,
    SubmissionUncertainError,
    ThrottledError,
)
from ping_desktop.emulator.config import EmulatorConfig
from tests.api.conftest import ClientFactory, RecordingSleep
from tests.api.test_client_lifecycle import LOCATIONS, POST_ROUTE, STATUS_ROUTE
from tests.conftest import TEST_TOKEN

OUTPUT_ROUTE = "GET /bulk_enhance/{id}/output/{filename}"


def route_count(emulator: Any, route: str) -> int:
    return int(emulator.stats()["requests_by_route"].get(route, 0))


async def finished_job(client: PingDataClient) -> tuple[str, str]:
    """Start a job (instant rate) and return (job id, first output URL)."""
    started = await client.start_bulk_enhance(LOCATIONS, ["PG", "PH"])
    status = await client.get_job(started.id)
    assert status.result is not None
    return started.id, status.result.outputs[0].url


# -- throttling -------------------------------------------------------------------------------
async def test_throttled_get_is_retried_honouring_retry_after(
    client: PingDataClient, emulator: Any, sleeps: RecordingSleep
) -> None:
    job_id, _ = await finished_job(client)
    emulator.set_faults(throttle=2, retry_after=0.05, only_method="GET")
    status = await client.get_job(job_id)
    assert status.state is JobState.COMPLETE
    assert route_count(emulator, STATUS_ROUTE) == 4  # 1 before + 1 + 2 throttled retries
    assert len(sleeps.waits) == 2
    for wait in sleeps.waits:
        assert 0.05 <= wait <= 0.05 * 1.2 + 1e-9


async def test_long_retry_after_raises_throttled_with_the_wait(
    client: PingDataClient, emulator: Any, sleeps: RecordingSleep
) -> None:
    job_id, _ = await finished_job(client)
    emulator.set_faults(throttle=1, retry_after=90.0, only_method="GET")
    with pytest.raises(ThrottledError) as info:
        await client.get_job(job_id)
    assert info.value.retry_after == pytest.approx(90.0)
    assert info.value.retryable
    assert "2 minutes" in info.value.message or "90 seconds" in info.value.message
    assert sleeps.waits == []
    assert route_count(emulator, STATUS_ROUTE) == 2


async def test_throttled_post_is_retried_once_submitted(
    client: PingDataClient, emulator: Any, sleeps: RecordingSleep
) -> None:
    emulator.set_faults(throttle=2, retry_after=0.01, only_method="POST")
    started = await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert started.id
    assert route_count(emulator, POST_ROUTE) == 3
    assert emulator.stats()["jobs_created"] == 1
    assert len(sleeps.waits) == 2


# -- 5xx --------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [502, 503, 504])
async def test_5xx_burst_then_success(
    client: PingDataClient, emulator: Any, sleeps: RecordingSleep, status: int
) -> None:
    emulator.set_faults(server_errors=2, server_error_status=status, only_method="GET")
    configs = await client.list_datasources()
    assert "PG" in configs
    assert route_count(emulator, "GET /datasources") == 3
    assert len(sleeps.waits) == 2
    assert sleeps.waits[1] > sleeps.waits[0]  # backoff grows


async def test_5xx_beyond_budget_is_server_unavailable(
    make_client: ClientFactory, emulator: Any, sleeps: RecordingSleep
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=3, base_delay=0.01))
    emulator.set_faults(server_errors=10, server_error_status=502, only_method="GET")
    with pytest.raises(ServerUnavailableError) as info:
        await client.list_datasources()
    assert info.value.status_code == 502
    assert info.value.retryable
    assert route_count(emulator, "GET /datasources") == 3
    assert len(sleeps.waits) == 2


async def test_500_on_get_is_not_retried(client: PingDataClient, emulator: Any) -> None:
    emulator.set_faults(server_errors=5, server_error_status=500, only_method="GET")
    with pytest.raises(ServerUnavailableError):
        await client.list_datasources()
    assert route_count(emulator, "GET /datasources") == 1


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_5xx_on_post_is_uncertain_and_never_repeated(
    client: PingDataClient, emulator: Any, status: int
) -> None:
    emulator.set_faults(server_errors=5, server_error_status=status, only_method="POST")
    with pytest.raises(SubmissionUncertainError) as info:
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert info.value.status_code == status
    assert "may exist" in info.value.message
    assert "credits" in info.value.message
    assert route_count(emulator, POST_ROUTE) == 1


async def test_accept_then_502_on_post_is_uncertain_with_one_job(
    client: PingDataClient, emulator: Any
) -> None:
    emulator.set_faults(accept_then_error=1, accept_then_error_status=502)
    with pytest.raises(SubmissionUncertainError):
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    stats = emulator.stats()
    assert stats["jobs_created"] == 1
    assert route_count(emulator, POST_ROUTE) == 1


# -- dropped connections ----------------------------------------------------------------------
async def test_dropped_connection_on_get_is_retried(
    client: PingDataClient, emulator: Any, sleeps: RecordingSleep
) -> None:
    emulator.set_faults(drop_connections=2, only_method="GET")
    assert "PG" in await client.list_datasources()
    assert len(sleeps.waits) == 2
    assert route_count(emulator, "GET /datasources") == 3


async def test_dropped_connection_on_post_is_uncertain_never_twice(
    client: PingDataClient, emulator: Any
) -> None:
    emulator.set_faults(drop_connections=1, only_method="POST")
    with pytest.raises(SubmissionUncertainError) as info:
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert not info.value.retryable
    assert emulator.stats()["jobs_created"] in (0, 1)
    assert route_count(emulator, POST_ROUTE) == 1


# -- size limit, FAILED, truncated, expired ---------------------------------------------------
@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        tokens=frozenset({TEST_TOKEN}), locations_per_second=0.0, max_locations_per_job=3
    )


async def test_too_many_locations(client: PingDataClient, emulator: Any) -> None:
    locations = [{"id": f"l{i}", "address": f"{i} main st, miami, fl"} for i in range(5)]
    with pytest.raises(JobTooLargeError) as info:
        await client.start_bulk_enhance(locations, ["PG"])
    assert info.value.max_locations == 3
    assert info.value.status_code == 413
    assert "3" in info.value.message
    assert emulator.stats()["jobs_created"] == 0


async def test_failed_job_without_result(client: PingDataClient, emulator: Any) -> None:
    emulator.set_faults(fail_jobs=1)
    started = await client.start_bulk_enhance(LOCATIONS, ["PG"])
    status = await client.get_job(started.id)
    assert status.state is JobState.FAILED
    assert status.is_terminal
    assert status.result is None


@pytest.mark.parametrize("mode", ["disconnect", "short_body"])
async def test_truncated_output(
    client: PingDataClient, emulator: Any, tmp_path: Path, mode: str
) -> None:
    _, url = await finished_job(client)
    emulator.set_faults(truncate_outputs=1, truncate_mode=mode)
    dest = tmp_path / "out.json"
    with pytest.raises(OutputIncompleteError) as info:
        await client.download_output(url, dest)
    assert info.value.retryable
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []  # noqa: ASYNC240 - no .part left behind
    # The next attempt (no fault) works.
    done = await client.download_output(url, dest)
    assert done.size == dest.stat().st_size > 0


async def test_expired_job(client: PingDataClient, emulator: Any, tmp_path: Path) -> None:
    job_id, url = await finished_job(client)
    emulator.set_faults(expire_jobs=True)
    with pytest.raises(JobNotFoundError) as info:
        await client.get_job(job_id)
    assert "expired or does not exist" in info.value.message
    assert info.value.status_code == 404
    assert route_count(emulator, STATUS_ROUTE) == 2  # 404 is not retried
    with pytest.raises(JobNotFoundError):
        await client.download_output(url, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


# -- slow server, unreachable server ----------------------------------------------------------
async def test_slow_get_times_out_then_server_unavailable(
    make_client: ClientFactory, emulator: Any, sleeps: RecordingSleep
) -> None:
    client = make_client(timeout=0.2, retry=RetryPolicy(max_attempts=2, base_delay=0.01))
    emulator.set_faults(slow_seconds=1.0, only_method="GET")
    with pytest.raises(ServerUnavailableError) as info:
        await client.list_datasources()
    assert "did not answer" in info.value.message
    assert len(sleeps.waits) == 1


async def test_slow_post_is_uncertain(make_client: ClientFactory, emulator: Any) -> None:
    client = make_client(timeout=0.2)
    emulator.set_faults(slow_seconds=1.0, only_method="POST")
    with pytest.raises(SubmissionUncertainError, match="no answer"):
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert route_count(emulator, POST_ROUTE) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_server_is_offline_for_get_and_post(
    make_client: ClientFactory, sleeps: RecordingSleep
) -> None:
    client = make_client(api_url=f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(OfflineError) as info:
        await client.get_job("abc")
    assert "Cannot reach 127.0.0.1" in info.value.message
    assert info.value.retryable
    assert len(sleeps.waits) == 3  # FAST_RETRY: 4 attempts
    # Connection refused means the POST never arrived, so it is retried too, then Offline.
    with pytest.raises(OfflineError):
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert len(sleeps.waits) == 6
