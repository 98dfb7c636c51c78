"""enhance refuses, before contacting the server, a file with nothing to send (issue 12:
header only, or no usable location) and an .xlsx result wider than Excel allows (issue 17,
finding 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ping_desktop.cli import main
from ping_desktop.cli.support import EXIT_USAGE
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.runstore import RunStore
from tests.conftest import TEST_TOKEN


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN)


def _no_requests(emulator: EmulatorServer) -> None:
    assert emulator.stats()["requests_by_route"] == {}
    with RunStore() as store:
        assert store.list_runs() == []


@pytest.mark.parametrize(("content", "words"), [
    ("Address,City,State,Zip\n", "no data rows"),
    ("Address,City,State,Zip\n,,,\n,,,\n\t, , ,\n", ""),
    ("Notes,Amount\nsomething,1\nelse,2\n", ""),
])
def test_a_file_with_nothing_to_send_is_refused_before_any_request(
    content: str, words: str, emulator: EmulatorServer, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sov = tmp_path / "sov.csv"
    sov.write_text(content, encoding="utf-8")
    code = main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Nothing was sent" in err or "nothing was sent" in err
    assert words in err
    assert "Traceback" not in err
    _no_requests(emulator)


def test_more_result_columns_than_excel_allows_is_refused_before_credits_are_spent(
    emulator: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    width = 16_380  # the file's own columns; PG's results push it past 16,384
    header = ["Address", "City", "State", "Zip"] + [f"extra {n}" for n in range(width - 4)]
    row = ["1 Main St", "Springfield", "IL", "62701"] + [""] * (width - 4)
    sov = tmp_path / "wide.csv"
    sov.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    code = main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE, err
    assert "more than Excel's 16,384" in err
    assert ".csv" in err
    assert emulator.stats()["jobs_created"] == 0
    with RunStore() as store:
        assert store.list_runs() == []
