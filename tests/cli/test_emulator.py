"""`ping-desktop-cli emulator` as a real process: start, serve the seed workflow, stop cleanly."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx

from ping_desktop.cli import build_parser
from tests.emulator.conftest import SEED_PAYLOAD

LINE = re.compile(
    r"^Ping\.Data emulator listening on (http://127\.0\.0\.1:(\d+)/api/v1) "
    r"\(token: cli-token\)$"
)


def test_subcommand_is_registered_with_its_options() -> None:
    args = build_parser().parse_args(
        [
            "emulator",
            "--port",
            "0",
            "--token",
            "a",
            "--token",
            "b",
            "--rate",
            "5",
            "--max-locations",
            "10",
        ]
    )
    assert (args.port, args.tokens, args.rate, args.max_locations) == (0, ["a", "b"], 5.0, 10)
    assert args.host == "127.0.0.1"
    assert callable(args.func)


def test_seed_workflow_against_the_cli_process() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ping_desktop.cli",
            "emulator",
            "--port",
            "0",
            "--token",
            "cli-token",
            "--token",
            "second",
            "--rate",
            "20",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        match = LINE.match(line)
        assert match, line
        api = match.group(1)
        headers = {"Authorization": "Token cli-token"}
        with httpx.Client(headers=headers, timeout=10) as http:
            started = http.post(f"{api}/bulk_enhance", json=SEED_PAYLOAD)
            assert started.status_code == 201
            job_id = started.json()["id"]
            deadline = time.monotonic() + 20
            while True:
                status = http.get(f"{api}/bulk_enhance/{job_id}").json()
                if status["request"]["status"] == "COMPLETE":
                    break
                assert time.monotonic() < deadline, status
                time.sleep(0.1)
            url = status["result"]["outputs"][0]["url"]
            assert url.startswith(api)
            output = http.get(url).json()
            assert set(output) == {"item-1", "item-2"}
            assert (
                httpx.get(
                    f"{api}/datasources", headers={"Authorization": "Token second"}
                ).status_code
                == 200
            )
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Emulator stopped." in out
    assert "Traceback" not in err


def test_bad_port_is_refused_with_a_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ping_desktop.cli", "emulator", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "port must be between 0 and 65535" in result.stderr


def test_port_in_use_is_reported_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "ping_desktop.cli", "emulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"Could not start the emulator on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
