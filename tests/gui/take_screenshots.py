"""Screenshots of each main state (welcome, file + mapping, running, demo done, dialogs).

Not a test: ``python -m tests.gui.take_screenshots OUT_DIR`` (offscreen by default; run under
``xvfb-run`` with QT_QPA_PLATFORM=xcb to see what X shows). Uses a temporary home folder and
the in-memory keyring, and a slow demo emulator so the "running" state can be captured.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
os.environ["PING_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="ping-shots-")


async def _until(pred: object, limit: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not pred():  # type: ignore[operator]
        if loop.time() > end:
            raise TimeoutError("state not reached")
        await asyncio.sleep(0.05)


def _root(out: Path, name: str) -> None:
    """Under Xvfb (SHOTS_ROOT=1) also capture what X shows, dialogs included."""
    if os.environ.get("SHOTS_ROOT"):
        subprocess.run(["import", "-window", "root", str(out / f"x-{name}")], check=False)


async def shoot(out: Path) -> None:
    import keyring

    from ping_desktop.gui.main_window import MainWindow
    from ping_desktop.gui.window_layout import Tab
    from ping_desktop.session import DemoBackend, build_services
    from ping_desktop.storage.paths import app_paths
    from tests.support.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    services = build_services(app_paths())
    services.demo = DemoBackend(locations_per_second=6.0)
    window = MainWindow(services)
    window.resize(1280, 800)
    window.show()
    await window.startup()
    await asyncio.sleep(0.3)
    window.grab().save(str(out / "1-welcome.png"))
    _root(out, "1-welcome.png")
    window.start_demo()
    await _until(lambda: window.start_button.isEnabled())
    await asyncio.sleep(0.3)
    window.grab().save(str(out / "2-demo-file-mapping.png"))
    _root(out, "2-demo-file-mapping.png")
    window.start_run()
    await _until(lambda: window.jobs_model.rowCount() > 0)
    await asyncio.sleep(2.5)
    window.grab().save(str(out / "3-running.png"))
    _root(out, "3-running.png")
    await _until(lambda: all(
        (j := window.jobs_model.job_at(r)) is not None and j.phase.is_final
        for r in range(window.jobs_model.rowCount())), limit=60)
    await asyncio.sleep(0.5)
    window.grab().save(str(out / "4-demo-done.png"))
    _root(out, "4-demo-done.png")
    window.tabs.show_tab(Tab.HISTORY)
    await asyncio.sleep(0.5)
    if window.history_panel.runs:
        window.history_panel.open_run(window.history_panel.runs[0].id)
        await asyncio.sleep(1.0)
    window.grab().save(str(out / "5-history.png"))
    _root(out, "5-history.png")
    window.dialogs.open_token_dialog()
    await asyncio.sleep(0.5)
    window.dialogs.token_dialog.grab().save(str(out / "6-token-dialog.png"))
    _root(out, "6-token-dialog.png")
    window.dialogs.token_dialog.reject()
    window.dialogs.open_settings_dialog()
    await asyncio.sleep(0.3)
    window.dialogs.settings_dialog.grab().save(str(out / "7-settings-dialog.png"))
    _root(out, "7-settings-dialog.png")
    window.dialogs.settings_dialog.reject()
    if os.environ.get("SHOTS_HOLD"):
        await asyncio.sleep(float(os.environ["SHOTS_HOLD"]))
    await window.shutdown(keep=False)
    await services.aclose()


def main() -> int:
    """Take the screenshots into ``sys.argv[1]`` (default /tmp/shots)."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")
    out.mkdir(parents=True, exist_ok=True)
    import PySide6  # noqa: F401
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["shots"])
    app.setQuitOnLastWindowClosed(False)
    # Not qasync.run: on 3.11 it installs a loop *policy*, so threads that make their own loop
    # (the emulator's uvicorn) would get a Qt loop too.
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(shoot(out))
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
