"""``download_output(validate_json=False)``: the JSON check can be left to a caller that parses
the file anyway (the engine), without weakening the completeness checks the client keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.api import OutputIncompleteError, PingDataClient
from ping_desktop.emulator.config import TRUNCATE_DISCONNECT, TRUNCATE_SHORT_BODY
from tests.api.test_client_faults import finished_job


async def test_short_json_body_is_kept_when_the_caller_validates(
    client: PingDataClient, emulator: Any, tmp_path: Path
) -> None:
    _, url = await finished_job(client)
    # A complete HTTP answer (Content-Length matches) whose JSON is cut in half.
    emulator.set_faults(truncate_outputs=2, truncate_mode=TRUNCATE_SHORT_BODY)
    checked = tmp_path / "checked.json"
    with pytest.raises(OutputIncompleteError):
        await client.download_output(url, checked)
    assert not checked.exists()

    unchecked = tmp_path / "unchecked.json"
    done = await client.download_output(url, unchecked, validate_json=False)
    assert done.path == unchecked
    assert done.size == unchecked.stat().st_size > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(unchecked.read_bytes())
    assert not list(tmp_path.glob("*.part"))  # noqa: ASYNC240 - no .part left behind


async def test_cut_connection_still_fails_without_the_json_check(
    client: PingDataClient, emulator: Any, tmp_path: Path
) -> None:
    _, url = await finished_job(client)
    emulator.set_faults(truncate_outputs=1, truncate_mode=TRUNCATE_DISCONNECT)
    dest = tmp_path / "out.json"
    with pytest.raises(OutputIncompleteError):
        await client.download_output(url, dest, validate_json=False)
    assert list(tmp_path.iterdir()) == []  # noqa: ASYNC240 - no .part left behind
    done = await client.download_output(url, dest, validate_json=False)
    assert json.loads(dest.read_bytes())
    assert done.size == dest.stat().st_size
