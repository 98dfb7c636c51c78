"""CPU work of the client runs off the event loop's thread (the GUI's Qt thread runs that loop)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import ping_desktop.api.client as client_module
from ping_desktop.api import JobState
from ping_desktop.api.bodies import encode_json_body
from tests.api.conftest import ClientFactory


async def test_bulk_body_is_encoded_off_the_loop_thread(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.get_ident()
    encoded_on: list[int] = []

    def recording(payload: Any, *, threshold: int) -> tuple[bytes, dict[str, str]]:
        encoded_on.append(threading.get_ident())
        return encode_json_body(payload, threshold=threshold)

    monkeypatch.setattr(client_module, "encode_json_body", recording)
    client = make_client()
    # A small job too: even 1,000 locations took 100+ ms to encode and gzip.
    started = await client.start_bulk_enhance([{"id": "a", "address": "1 Main St, Boston"}], ["PG"])
    assert started.id
    assert encoded_on
    assert loop_thread not in encoded_on
    status = await client.get_job(started.id)
    assert status.state in set(JobState)


async def test_http_client_is_built_off_the_loop_thread(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.get_ident()
    client = make_client()
    session = client._session
    built_on: list[int] = []
    original = session._client

    def recording() -> Any:
        if session._http is None:
            built_on.append(threading.get_ident())
        return original()

    monkeypatch.setattr(session, "_client", recording)
    await client.list_datasources()
    assert built_on
    assert built_on[0] != loop_thread
