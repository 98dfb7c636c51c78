"""The token goes only to the configured origin and never shows up in reprs, errors or logs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.api import (
    AuthenticationError,
    ForeignOriginError,
    PermissionDeniedError,
    PingApiError,
    PingDataClient,
)
from ping_desktop.emulator.config import EmulatorConfig
from tests.api.conftest import ClientFactory, RecorderServer
from tests.api.test_client_lifecycle import LOCATIONS
from tests.conftest import TEST_TOKEN

WRONG_TOKEN = "wrong-secret-token-9f8e7d6c5b4a"


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        tokens=frozenset({TEST_TOKEN}),
        locations_per_second=0.0,
        allowed_sources=frozenset({"PG", "PH", "GG", "DTC"}),
    )


async def test_output_on_another_origin_is_refused_without_traffic(
    client: PingDataClient, recorder: RecorderServer, tmp_path: Path
) -> None:
    url = f"{recorder.url}/api/v1/bulk_enhance/x/output/out.json"
    with pytest.raises(ForeignOriginError) as info:
        await client.download_output(url, tmp_path / "out.json")
    assert recorder.url in info.value.message
    assert client.origin in info.value.message
    assert recorder.requests == []
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:{port}/api/v1/x",  # other scheme
        "http://localhost:{port}/api/v1/x",  # other host name for the same machine
        "http://127.0.0.1:1/api/v1/x",  # other port
        "ftp://127.0.0.1:{port}/x",
    ],
)
async def test_every_other_origin_is_foreign(
    client: PingDataClient, emulator: Any, tmp_path: Path, url: str
) -> None:
    port = emulator.base_url.rsplit(":", 1)[1]
    with pytest.raises(ForeignOriginError):
        await client.download_output(url.format(port=port), tmp_path / "o.json")
    assert sum(emulator.stats()["requests_by_route"].values()) == 0


async def test_redirect_to_another_origin_is_refused(
    make_client: ClientFactory, recorder: RecorderServer, other_recorder: RecorderServer
) -> None:
    # The "API" answers every request with a redirect to a different origin.
    recorder.status = 302
    recorder.headers = {"Location": f"{other_recorder.url}/api/v1/datasources"}
    client = make_client(api_url=recorder.url)
    with pytest.raises(ForeignOriginError):
        await client.list_datasources()
    with pytest.raises(ForeignOriginError):
        await client.start_bulk_enhance(LOCATIONS, ["PG"])
    assert len(recorder.requests) == 2
    assert recorder.requests[0].headers["authorization"] == f"Token {TEST_TOKEN}"
    assert other_recorder.requests == []


async def test_same_origin_redirect_is_followed_for_get(
    make_client: ClientFactory, recorder: RecorderServer
) -> None:
    recorder.status = 301
    recorder.headers = {"Location": "/api/v1/elsewhere"}
    client = make_client(api_url=recorder.url)
    with pytest.raises(PingApiError, match="unexpected"):
        await client.list_datasources()
    # Followed up to the redirect limit, always on the same origin, then gave up.
    assert 2 <= len(recorder.requests) <= 7
    assert all(r.path.startswith("/api/v1/") for r in recorder.requests)


async def test_permission_denied_keeps_server_detail(client: PingDataClient) -> None:
    with pytest.raises(PermissionDeniedError) as info:
        await client.enhance({"address": "1 main st, miami, fl"}, ["LBG"])
    assert info.value.status_code == 403
    assert info.value.detail
    assert info.value.detail in info.value.message


async def test_token_absent_from_repr_errors_and_logs(
    make_client: ClientFactory,
    emulator: Any,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    recorder: RecorderServer,
) -> None:
    caplog.set_level(logging.DEBUG)
    good = make_client()
    bad = make_client(token=WRONG_TOKEN)
    assert TEST_TOKEN not in repr(good)
    assert WRONG_TOKEN not in repr(bad)
    assert "token=set" in repr(good)

    errors: list[BaseException] = []
    started = await good.start_bulk_enhance(LOCATIONS, ["PG"])
    status = await good.get_job(started.id)
    assert status.result is not None
    await good.download_output(status.result.outputs[0].url, tmp_path / "o.json")
    emulator.set_faults(throttle=1, retry_after=0.01, server_errors=1)
    await good.list_datasources()
    for call in (
        bad.check_token(),
        bad.start_bulk_enhance(LOCATIONS, ["PG"]),
        good.download_output(recorder.url + "/x", tmp_path / "x.json"),
    ):
        with pytest.raises(PingApiError) as info:
            await call
        errors.append(info.value)
    assert isinstance(errors[0], AuthenticationError)
    assert isinstance(errors[1], AuthenticationError)

    for error in errors:
        for text in (str(error), repr(error), getattr(error, "message", "")):
            assert TEST_TOKEN not in text
            assert WRONG_TOKEN not in text
    api_records = [r for r in caplog.records if r.name == "ping_desktop.api"]
    assert any("/api/v1/bulk_enhance" in r.getMessage() for r in api_records)
    assert any("attempt 2" in r.getMessage() for r in api_records)
    for record in caplog.records:
        text = record.getMessage() + repr(record.args)
        assert TEST_TOKEN not in text
        assert WRONG_TOKEN not in text
