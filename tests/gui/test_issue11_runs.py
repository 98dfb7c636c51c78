"""Issue 11, "the user always knows what the run is doing": a run that stops after Start is
shown in words with the buttons that fix it (finding 1), resume uses the token set since
(finding 2), a finished run has a summary and its saved file can be opened (finding 5), runs are
told apart and actions act on the right one (finding 6), History opens what is selected
(finding 10). Real windows, real emulator over loopback."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from ping_desktop.domain import RunPhase
from ping_desktop.gui.job_cells import JobColumn
from ping_desktop.gui.run_status_texts import Step, StopReason
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, jobs, wait_loaded, wait_sources


@pytest.fixture
def emulator_config() -> Any:
    """Slow enough that a run is still going when the test pulls the rug."""
    from ping_desktop.emulator.config import EmulatorConfig

    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=4.0)


def _start(qtbot: Any, window: Any, tmp_path: Path, name: str = "portfolio.xlsx") -> None:
    path = Path(shutil.copy(SAMPLE, tmp_path / name))
    window.open_files([path])
    wait_loaded(qtbot, window, name)
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()


def _revoke_token(emulator: Any) -> None:
    state = emulator.app.emulator
    state.config = dataclasses.replace(state.config, tokens=frozenset())


def _working(window: Any) -> list[str]:
    model = window.jobs_model
    return [model.index(r, JobColumn.STATUS).data() for r in range(model.rowCount())]


def test_token_revoked_mid_run_is_shown_with_the_fix(qtbot: Any, make_window: Any,
                                                     emulator: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, locations_per_job=20,
                         last_sources=["PG"])
    # The user is in another program while the run goes on.
    monkeypatch.setattr(window, "isActiveWindow", lambda: False)
    _start(qtbot, window, tmp_path)
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: "Running" in banner.text(), timeout=10_000)
    qtbot.waitUntil(lambda: any(j.completed > 0 for j in jobs(window)), timeout=15_000)
    _revoke_token(emulator)
    qtbot.waitUntil(lambda: "Stopped" in banner.text(), timeout=20_000)
    assert "did not accept the API token" in banner.text()
    assert banner.visible_steps()[:2] == [Step.SET_TOKEN, Step.RESUME]
    # No job row still claims to be working, and the status bar says why.
    statuses = _working(window)
    assert not any(s.startswith(("Working", "Queued", "Accepted")) for s in statuses), statuses
    assert "Stopped" in window.statusBar().currentMessage()
    assert window.run_status.last_stop is not None
    assert window.run_status.last_stop.reason is StopReason.TOKEN_REJECTED
    # History has the stored state, not "Ready to start".
    history = window.history_panel.history_view.model
    qtbot.waitUntil(lambda: history.rowCount() == 1
                    and history.index(0, 1).data() == "Needs your attention", timeout=10_000)
    # The run open in History (selected, so opened) follows too.
    title = window.history_panel.results_view.title
    qtbot.waitUntil(lambda: "Needs your attention" in title.text(), timeout=10_000)
    assert "Ready to start" not in title.text()
    # The window is in the background: the desktop was told too, in the same words.
    assert window.notifier.last is not None
    assert "did not accept the API token" in window.notifier.last[1]


def test_server_gone_mid_run_pauses_with_try_again(qtbot: Any, make_window: Any,
                                                   emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, locations_per_job=20,
                         last_sources=["PG"])
    _start(qtbot, window, tmp_path)
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: any(j.completed > 0 for j in jobs(window)), timeout=15_000)
    emulator.stop()
    qtbot.waitUntil(lambda: "Stopped" in banner.text(), timeout=30_000)
    assert "could not be reached" in banner.text()
    assert Step.RETRY in banner.visible_steps()
    assert not any(s.startswith("Working") for s in _working(window))
    run_id = window.jobs_view.selected_run()
    assert window.jobs_model.run_summary(run_id).phase is RunPhase.PAUSED
    history_banner = window.history_panel.banner
    qtbot.waitUntil(lambda: "could not be reached" in history_banner.text(), timeout=10_000)


def test_resume_after_a_new_token_uses_it_without_a_restart(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, locations_per_job=20,
                         last_sources=["PG"])
    _start(qtbot, window, tmp_path)
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: any(j.completed > 0 for j in jobs(window)), timeout=15_000)
    state = emulator.app.emulator
    state.config = dataclasses.replace(state.config, tokens=frozenset({"the-new-token-77"}))
    qtbot.waitUntil(lambda: "did not accept the API token" in banner.text(), timeout=20_000)
    run_id = banner.state.run_id
    # The user sets the right token (as the token dialog does), then presses Resume.
    window.services.credentials.set_token(window.services.api_origin(), "the-new-token-77")
    window.token_changed()
    banner.buttons[Step.RESUME].click()
    qtbot.waitUntil(lambda: window.jobs_model.run_summary(run_id).phase is RunPhase.COMPLETE,
                    timeout=30_000)
    qtbot.waitUntil(lambda: "Finished" in banner.text(), timeout=5000)


def test_cancel_on_the_line_stops_the_running_run_not_an_old_selection(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, locations_per_job=60,
                         last_sources=["PG"])
    _start(qtbot, window, tmp_path, "first.xlsx")
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: "Running" in banner.text(), timeout=10_000)
    first = banner.state.run_id
    banner.buttons[Step.CANCEL].click()
    qtbot.waitUntil(lambda: "Cancelled: first.xlsx" in banner.text(), timeout=10_000)
    window.jobs_view.select_run(first)  # an old row stays selected...
    _start(qtbot, window, tmp_path, "second.xlsx")
    qtbot.waitUntil(lambda: "Running: second.xlsx" in banner.text(), timeout=10_000)
    second = banner.state.run_id
    assert second != first
    assert window.jobs_view.selected_run() == second  # ...but the new run is the target
    banner.buttons[Step.CANCEL].click()
    qtbot.waitUntil(lambda: window.jobs_model.run_summary(second).phase is RunPhase.CANCELED,
                    timeout=10_000)
    assert window.jobs_model.run_summary(first).phase is RunPhase.CANCELED


def test_account_losing_a_source_mid_run_is_explained(qtbot: Any, make_window: Any,
                                                      emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, locations_per_job=10,
                         concurrent_jobs=1, last_sources=["PG", "PH"])
    _start(qtbot, window, tmp_path)
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: any(j.completed > 0 for j in jobs(window)), timeout=15_000)
    state = emulator.app.emulator
    state.config = dataclasses.replace(state.config, allowed_sources=frozenset({"PG"}))
    qtbot.waitUntil(lambda: "Stopped" in banner.text(), timeout=30_000)
    assert "not allowed to use one of the chosen sources" in banner.text()
    assert "PH" in banner.text()  # the server's own words name the source
    assert banner.visible_steps()[:2] == [Step.RESUME, Step.SET_TOKEN]


def test_jobs_the_server_lost_offer_send_again_or_leave(qtbot: Any, make_window: Any,
                                                        emulator: Any, tmp_path: Path) -> None:
    """The server forgets a job (expired, or restarted): Resume would only ask about it again,
    so the line offers to send those rows again, or to leave them and finish the run."""
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, locations_per_job=20,
                         last_sources=["PG"])
    _start(qtbot, window, tmp_path)
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: any(j.completed > 0 for j in jobs(window)), timeout=15_000)
    emulator.set_faults(expire_jobs=True)
    qtbot.waitUntil(lambda: "Stopped" in banner.text(), timeout=30_000)
    assert "no longer knows a job" in banner.text()
    assert banner.visible_steps()[:2] == [Step.SEND_AGAIN, Step.DROP]
    run_id = window.jobs_view.selected_run()
    created = emulator.stats()["jobs_created"]

    emulator.set_faults(expire_jobs=False)
    emulator.app.emulator.config = dataclasses.replace(emulator.app.emulator.config,
                                                       locations_per_second=500.0)
    banner.buttons[Step.SEND_AGAIN].click()
    qtbot.waitUntil(lambda: window.jobs_model.run_is_finished(run_id), timeout=30_000)
    assert emulator.stats()["jobs_created"] > created  # the lost rows went out again
    assert window.jobs_model.run_summary(run_id).phase in (RunPhase.COMPLETE,
                                                           RunPhase.COMPLETE_WITH_PROBLEMS)
