"""``resubmit`` refuses bad input with one plain line and stores nothing it should not: the
order of --row/--set, unknown fields and rows, malformed ZIPs and coordinates, another API, a
run still running or worked on elsewhere, no token (``--save-only`` still works offline)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.domain import RunPhase
from ping_desktop.storage.runstore import LeaseOwner, RunStore
from tests.conftest import TEST_TOKEN
from tests.storage.review_runs import make_review_run


@pytest.fixture
def store(app_home: Path) -> Iterator[RunStore]:
    """The default store (under PING_DESKTOP_HOME) holding run 1, finished, never sent for
    real (its API is a closed port: nothing here may reach the network)."""
    with RunStore(app_home / "data" / "runs.sqlite3") as opened:
        assert make_review_run(opened) == 1
        yield opened


@pytest.mark.parametrize(("argv", "message"), [
    (["--set", "zip=02108"], "--set zip=02108 comes before any --row"),
    (["--row", "5"], "--row 5 has no --set after it"),
    (["--row", "5", "--set", "zip"], '--set "zip" is not FIELD=VALUE'),
    (["--row", "5", "--set", "zipp=02108"], 'Unknown field "zipp"'),
    (["--row", "99", "--set", "street=1 A St"], "Row 99 is not a data row of run 1"),
    (["--row", "5", "--set", "zip=2108x"], 'ZIP "2108x" on row 5 is not a US ZIP code'),
    (["--row", "5", "--set", "latitude=95", "--set", "longitude=1"],
     'Latitude "95" on row 5 is not a number between -90 and 90'),
    (["--row", "5", "--set", "latitude=42.1"], "only one coordinate"),
    (["--row", "5", "--set", "street=1 A St", "--api-url", "https://api.example.com"],
     "its rows can only be sent again there"),
    ([], "has no edited rows to send"),
])
def test_bad_input_is_one_plain_line_and_nothing_is_stored(
        store: RunStore, argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    assert main(["resubmit", "1", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert store.row_edit_history(1) == []
    assert len(store.jobs(1)) == 1


def test_no_token_is_said_before_anything_is_stored(
        store: RunStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resubmit", "1", "--row", "5", "--set", "street=2 Elm Street"]) == 1
    err = capsys.readouterr().err
    assert "No API token for http://127.0.0.1:1" in err
    assert store.row_edit_history(1) == []


def test_save_only_stores_the_edit_offline_and_without_a_token(
        store: RunStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resubmit", "1", "--row", "5", "--set", "street=2 Elm Street",
                 "--save-only"]) == 0
    err = capsys.readouterr().err
    assert "Row 5: 2 Elm Street, Boston, MA 02108" in err
    assert "1 row(s) to send again, 2 lookup(s) (1 location(s) x 2 source(s))" in err
    assert "send them with `ping-desktop-cli resubmit 1`" in err
    [edit] = store.row_edit_history(1)
    assert (edit.state, edit.fields["street"]) == ("pending", "2 Elm Street")
    assert len(store.jobs(1)) == 1


def test_an_edit_with_an_error_is_kept_and_nothing_is_sent(
        store: RunStore, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    code = main(["resubmit", "1", "--row", "5", "--set", "street=", "--set", "city=",
                 "--set", "state=", "--set", "zip="])
    err = capsys.readouterr().err
    assert code == 2
    assert "error: No usable address" in err
    assert "Row 5 cannot be sent (see the errors above); nothing was sent" in err
    assert store.pending_edits(1)[5].fields == {}
    assert len(store.jobs(1)) == 1


def test_a_run_still_running_or_worked_on_elsewhere_is_left_alone(
        store: RunStore, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)
    edit = ["--row", "5", "--set", "street=2 Elm Street"]
    store.set_run_phase(1, RunPhase.PAUSED)
    assert main(["resubmit", "1", *edit]) == 1
    assert "Run 1 is PAUSED: let it finish first (`ping-desktop-cli resume 1`)" in (
        capsys.readouterr().err)
    store.set_run_phase(1, RunPhase.COMPLETE)
    store.take_lease(1, LeaseOwner("other-host", 4242, "abc"), 60)
    assert main(["resubmit", "1", *edit]) == 4
    assert "other-host" in capsys.readouterr().err
    assert store.row_edit_history(1) == []
    assert main(["resubmit", "7", *edit]) == 2
    assert "There is no run 7" in capsys.readouterr().err
