"""``ping-desktop --self-test``: the demo flow end to end through the real window, offscreen.

Sample SOV in -> mapping -> sources PG + PH -> start -> every job COMPLETE -> enriched .xlsx
exported to a temporary folder -> checked with openpyxl (every original row and value is there,
result columns exist). Prints a short report and exits 0, or non-zero with the reason. Runs in
a temporary home folder with an in-memory keyring, so it touches no user data; bounded by a
timeout. :func:`demo_flow` is also used in-process by the GUI tests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ping_desktop.gui.main_window import MainWindow

#: Builds the QApplication (the composition root's ``create_application``).
AppFactory = Callable[[Sequence[str]], Any]
DEFAULT_TIMEOUT = 120.0
SELF_TEST_SOURCES = ("PG", "PH")


class SelfTestError(Exception):
    """A self-test step failed; the message says which and why."""


@dataclass
class SelfTestReport:
    """What the self-test saw, printed line by line."""

    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        """Record one line."""
        self.lines.append(text)


async def until(pred: Callable[[], bool], limit: float, what: str) -> None:
    """Poll ``pred`` on the event loop (never a nested Qt loop) until true or timeout."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not pred():
        if loop.time() > end:
            raise SelfTestError(f"Timed out after {limit:.0f} s waiting for {what}.")
        await asyncio.sleep(0.05)


def _norm(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    return str(value).strip()


def verify_workbook(source: Path, exported: Path, sources: Sequence[str]) -> tuple[int, int]:
    """Every data row of ``source`` (as intake reads it) is in ``exported`` with its original
    values in order, and result columns for each source exist. Returns (rows, result columns).
    Blocking (openpyxl)."""
    import openpyxl

    from ping_desktop.intake.reader import read_table

    table = read_table(source)
    wb = openpyxl.load_workbook(exported, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    width = len(table.columns)
    header_index = next(
        (i for i, r in enumerate(rows)
         if [_norm(v) for v in r[:width]] == [_norm(c) for c in table.columns]),
        None,
    )
    if header_index is None:
        raise SelfTestError(f"The header row of {source.name} is missing from the export.")
    header = [_norm(v) for v in rows[header_index]]
    extra = header[width:]
    for code in sources:
        if not any(code in h for h in extra):
            raise SelfTestError(f"The export has no result columns for {code}.")
    data = [r for r in rows[header_index + 1:] if any(v is not None for v in r[:width])]
    if len(data) != len(table.rows):
        raise SelfTestError(
            f"The export has {len(data)} data rows; the input has {len(table.rows)}.")
    for n, (original, out) in enumerate(zip(table.rows, data, strict=True)):
        want = [_norm(v) for v in original]
        got = [_norm(v) for v in out[:width]]
        # Intake restores lost ZIP zeros in what it sends; the export keeps the user's value.
        if [w.lstrip("0") for w in want] != [g.lstrip("0") for g in got]:
            raise SelfTestError(
                f"Row {table.row_numbers[n]} differs in the export: {got} instead of {want}.")
    return len(data), len(extra)


async def demo_flow(window: MainWindow, out_dir: Path, report: SelfTestReport,
                    limit: float = DEFAULT_TIMEOUT) -> Path:
    """Drive the demo through ``window``; returns the verified enriched workbook."""
    from ping_desktop.domain import JobPhase
    from ping_desktop.export.from_store import export_run

    started = time.monotonic()
    window.start_demo()
    await until(lambda: window.intake.current is not None, limit, "the sample to be read")
    await until(lambda: window.sources_panel.list.count() > 0, limit,
                "the emulator's list of sources")
    window.sources_panel.set_selected(SELF_TEST_SOURCES)
    await until(window.start_button.isEnabled, limit,
                "the Start button (" + " ".join(window.draft.start_blockers()) + ")")
    loaded, plan = window.intake.current, window.intake.plan
    assert loaded is not None
    assert plan is not None
    report.add(f"Sample: {loaded.path.name}, {plan.rows} rows, {plan.unique_locations} unique "
               f"locations, {plan.rows_with_problems} row(s) with problems")
    report.add(f"Sources: {', '.join(window.sources_panel.selected())}; "
               f"{window.sources_panel.cost_label.text()}")
    window.start_button.click()
    model = window.jobs_model

    def jobs() -> list[Any]:
        return [j for r in range(model.rowCount()) if (j := model.job_at(r)) is not None]

    await until(lambda: bool(jobs()) and all(j.phase.is_final for j in jobs()), limit,
                "the jobs to finish")
    bad = [j for j in jobs() if j.phase is not JobPhase.COMPLETE]
    if bad:
        raise SelfTestError(f"Job {bad[0].job_number} ended {bad[0].phase.value}: "
                            f"{bad[0].message or 'no message'}")
    run_id = jobs()[0].run_id
    report.add(f"Jobs: {len(jobs())} COMPLETE, {sum(j.completed for j in jobs())} locations "
               f"in {time.monotonic() - started:.1f} s")
    dest = out_dir / "self-test-enriched.xlsx"
    await asyncio.to_thread(export_run, window.services.run_store, run_id, dest, "xlsx")
    rows, extra = await asyncio.to_thread(verify_workbook, loaded.path, dest,
                                          SELF_TEST_SOURCES)
    report.add(f"Export: {dest.name}, {dest.stat().st_size:,} bytes, {rows} rows kept, "
               f"{extra} result columns")
    return dest


async def _run(limit: float, report: SelfTestReport, out_dir: Path) -> None:
    from ping_desktop.gui.main_window import MainWindow
    from ping_desktop.session import build_services
    from ping_desktop.storage.paths import app_paths

    services = await asyncio.to_thread(build_services, app_paths())
    window = MainWindow(services)
    window.show()
    try:
        await window.startup()
        await asyncio.wait_for(demo_flow(window, out_dir, report, limit), limit)
    except TimeoutError:
        raise SelfTestError(f"The self-test did not finish within {limit:.0f} s.") from None
    finally:
        await window.shutdown(keep=False)
        window._close_ready = True
        window.close()
        await services.aclose()


class _SessionKeyring:
    """An in-memory keyring so the self-test never reads or writes the user's real one."""

    @staticmethod
    def install() -> str:
        import keyring
        import keyring.backend

        from ping_desktop.storage.credentials import CredentialStore

        # Before defining the class below: keyring picks backends from every subclass it knows.
        real = CredentialStore().backend_name()

        class Memory(keyring.backend.KeyringBackend):
            priority = 1

            def __init__(self) -> None:
                super().__init__()  # type: ignore[no-untyped-call]
                self.data: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.data.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.data[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.data.pop((service, username), None)

        keyring.set_keyring(Memory())
        return real


def main(create_app: AppFactory, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Run the self-test in this process; prints the report; returns the exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_API"] = "pyside6"
    home = tempfile.mkdtemp(prefix="ping-desktop-selftest-")
    os.environ["PING_DESKTOP_HOME"] = home
    os.environ.pop("PING_DATA_AUTH_TOKEN", None)
    report = SelfTestReport()
    started = time.monotonic()
    code = 1
    try:
        code = _main(create_app, timeout, report, Path(home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    for line in report.lines:
        print(line)
    print(f"Self-test {'PASSED' if code == 0 else 'FAILED'} in {time.monotonic() - started:.1f} s")
    if sys.stdout is not None:  # a windowed build may have no console at all
        sys.stdout.flush()
    return code


def _main(create_app: AppFactory, timeout: float, report: SelfTestReport, home: Path) -> int:
    from ping_desktop import __version__
    from ping_desktop.storage.logging_setup import configure_logging
    from ping_desktop.storage.paths import app_paths

    configure_logging(app_paths().log_dir)
    backend = _SessionKeyring.install()
    import PySide6
    import qasync
    from PySide6.QtCore import qVersion

    from ping_desktop.gui.crash import unhandled_count

    app = create_app([])
    report.add(f"Ping Desktop {__version__} self-test")
    report.add(f"Python {platform.python_version()} on {platform.platform()}")
    report.add(f"Qt {qVersion()} (PySide6 {PySide6.__version__}), "
               f"platform plugin {app.platformName()}")
    report.add(f"Keyring backend: {backend}; the self-test used a temporary in-memory one")
    out_dir = home / "export"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            runner.run(_run(timeout, report, out_dir))
    except SelfTestError as error:
        report.add(f"FAILED: {error}")
        return 1
    except Exception as error:  # the report must say what broke, whatever it was
        report.add(f"FAILED: unexpected {type(error).__name__}: {error}")
        return 2
    if unhandled_count():
        report.add(f"FAILED: {unhandled_count()} unhandled exception(s); see the log")
        return 3
    return 0
