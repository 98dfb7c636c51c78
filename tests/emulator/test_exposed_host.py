"""An emulator bound beyond loopback (issue 17, finding 9): its unauthenticated control
endpoints answer only requests from this computer; the command warns loudly and names the
address it can really be reached at."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from ping_desktop.cli.emulator import announce
from ping_desktop.emulator.app import create_app
from ping_desktop.emulator.config import EmulatorConfig

CONTROL = [("GET", "/__emulator__/stats"), ("GET", "/__emulator__/faults"),
           ("POST", "/__emulator__/faults"), ("POST", "/__emulator__/reset")]


async def _status(client_host: str, method: str, path: str) -> int:
    app = create_app(EmulatorConfig(tokens=frozenset({"demo"})))
    transport = httpx.ASGITransport(app=app, client=(client_host, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        payload: dict[str, object] | None = {} if method == "POST" and "faults" in path else None
        return (await client.request(method, path, json=payload)).status_code


@pytest.mark.parametrize(("method", "path"), CONTROL)
@pytest.mark.parametrize("outsider", ["192.0.2.77", "10.1.2.3", "2001:db8::5", "::ffff:10.0.0.9"])
def test_control_endpoints_are_not_served_to_other_computers(
    method: str, path: str, outsider: str,
) -> None:
    assert asyncio.run(_status(outsider, method, path)) == 404


@pytest.mark.parametrize(("method", "path"), CONTROL)
@pytest.mark.parametrize("local", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_control_endpoints_still_answer_this_computer(method: str, path: str, local: str) -> None:
    assert asyncio.run(_status(local, method, path)) == 200


def test_the_api_itself_is_still_served_to_other_computers() -> None:
    async def datasources() -> int:
        app = create_app(EmulatorConfig(tokens=frozenset({"demo"})))
        transport = httpx.ASGITransport(app=app, client=("192.0.2.77", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as client:
            answer = await client.get("/api/v1/datasources",
                                      headers={"Authorization": "Token demo"})
            return answer.status_code

    assert asyncio.run(datasources()) == 200


def test_announce_names_the_real_addresses_of_a_wildcard_bind() -> None:
    line = announce("0.0.0.0", 8765, "demo")[0]  # noqa: S104
    assert "every network interface" in line
    assert "http://127.0.0.1:8765/api/v1" in line
    assert announce("127.0.0.1", 8765, "demo") == [
        "Ping.Data emulator listening on http://127.0.0.1:8765/api/v1 (token: demo)"]


def test_the_command_warns_loudly_when_bound_to_every_interface() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ping_desktop.cli", "emulator", "--host", "0.0.0.0",  # noqa: S104
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ))
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "every network interface" in first
    assert ":0/" not in first  # the real port, not the requested 0
    assert "WARNING" in err
    assert "OTHER COMPUTERS" in err
    assert "Traceback" not in err
