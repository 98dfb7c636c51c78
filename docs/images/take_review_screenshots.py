"""The README's pictures of a run's review: the Summary tab, the Map tab and the map the command
line draws, all of the demo run (made-up results from the built-in demo server).

Not a test: ``.venv/bin/python docs/images/take_review_screenshots.py [OUT_DIR]`` (default:
this folder). Offscreen, in a temporary home folder with an in-memory keyring; the window is
1180x760, the size it first opens at on a laptop.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
os.environ["PING_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="ping-review-shots-")


async def _until(pred: object, limit: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not pred():  # type: ignore[operator]
        if loop.time() > end:
            raise TimeoutError("state not reached")
        await asyncio.sleep(0.05)


async def shoot(out: Path) -> int:
    """Run the demo, open it in History, grab Summary and Map; returns the run id."""
    import keyring

    from ping_desktop.gui.main_window import MainWindow
    from ping_desktop.gui.window_layout import Tab
    from ping_desktop.session import build_services
    from ping_desktop.storage.paths import app_paths
    from tests.support.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    services = build_services(app_paths())
    window = MainWindow(services)
    window.resize(1180, 760)
    window.show()
    await window.startup()
    window.start_demo()
    await _until(lambda: window.start_button.isEnabled())
    finished: list[object] = []
    window.runs.run_finished.connect(finished.append)
    window.start_run()
    await _until(lambda: bool(finished), 180)
    run_id = int(finished[0].run_id)  # type: ignore[attr-defined]
    window.tabs.show_tab(Tab.HISTORY)
    await _until(lambda: bool(window.history_panel.runs))
    window.history_panel.open_run(run_id)
    review = window.history_panel.results_view
    review.tabs.setCurrentWidget(review.summary)
    await _until(lambda: review.summary.summary is not None)
    await asyncio.sleep(0.5)
    window.grab().save(str(out / "review-summary.png"))
    review.tabs.setCurrentWidget(review.map.view)
    await _until(lambda: bool(review.map.view.classes))
    # Coloured by a hazard class rather than the outcome (every demo row is located).
    box = review.map.view.colour_box
    wanted = next((i for i in range(box.count()) if "zone" in box.itemText(i)), 0)
    if wanted:
        before = review.map.view.classes
        box.setCurrentIndex(wanted)
        await _until(lambda: review.map.view.classes is not before)
    await asyncio.sleep(0.5)
    window.grab().save(str(out / "review-map.png"))
    await window.shutdown(keep=False)
    window._close_ready = True
    window.close()
    await services.aclose()
    return run_id


def main() -> int:
    """Take the pictures into ``sys.argv[1]`` (default: this folder)."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    import PySide6  # noqa: F401
    import qasync
    from PySide6.QtWidgets import QApplication

    import ping_desktop.gui  # noqa: F401  - installs the Qt binding fixes

    app = QApplication.instance() or QApplication(["shots"])
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        run_id = runner.run(shoot(out))
    # The command line's own map of the same run, drawn by a process of its own.
    subprocess.run([sys.executable, "-m", "ping_desktop.cli", "export", str(run_id), "--map",
                    str(out / "cli-map.png")], check=True, cwd=ROOT)
    print(f"pictures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
