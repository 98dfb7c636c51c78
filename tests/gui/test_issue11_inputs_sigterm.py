"""Issue 11, finding 11 (processes): SIGTERM closes the app like a close that keeps the runs:
settings saved, the background worker stopped, no "leaked semaphore" warning, exit code 0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
ROOT = Path(__file__).resolve().parents[2]


def _log_text(home: Path) -> str:
    return "".join(f.read_text(errors="replace") for f in (home / "logs").glob("*.log*"))


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_signal_closes_like_the_window(tmp_path: Path, sig: signal.Signals) -> None:
    home = tmp_path / "home"
    env = dict(os.environ, PING_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               PYTHONWARNINGS="default")
    app = subprocess.Popen([sys.executable, "-m", "ping_desktop", "--no-err-windows"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        # Up once the worker process (started early) exists and the log says so.
        while time.monotonic() < deadline:
            children = _children(app.pid)
            if "starting" in _log_text(home) and len(children) >= 2:
                break
            assert app.poll() is None, app.stderr.read() if app.stderr else ""
            time.sleep(0.2)
        assert len(children) >= 2, "the worker process never started"
        time.sleep(1.0)
        app.send_signal(sig)
        _, err = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        leftovers = [c for c in children if _alive(c)]
        if app.returncode != 0:  # a failed close must not leave its worker behind
            for child in leftovers:
                os.kill(child, signal.SIGKILL)
    stderr = err.decode(errors="replace")
    assert app.returncode == 0, stderr
    assert "leaked semaphore" not in stderr
    assert "closing, unfinished runs kept for next time" in _log_text(home)
    assert "Ping Desktop closed" in _log_text(home)
    settings = next(home.rglob("settings.json"))
    assert json.loads(settings.read_text()).get("window_geometry")  # the close flow ran
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.2)
    assert not [c for c in children if _alive(c)]
