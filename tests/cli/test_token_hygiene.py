"""Token hygiene edges (issue 17, finding 8): tokens with a line break, a space or non-ASCII
characters are refused on entry in plain words (never echoed), and the command line's console
log is redacted like the log files, at -vv too."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ping_desktop.api import PingDataClient, TokenFormatError, check_token
from ping_desktop.cli import main
from ping_desktop.cli.support import configure_console, release_console
from ping_desktop.emulator.server import EmulatorServer
from ping_desktop.storage.credentials import CredentialStore
from ping_desktop.storage.logging_setup import register_secret
from tests.conftest import TEST_TOKEN

GOOD = "pk_live_0123456789abcdef"
HOSTILE = {
    "a line break": GOOD[:8] + "\nX-Injected: 1",
    "a tab": GOOD[:8] + "\t" + GOOD[8:],
    "a space": GOOD[:8] + " " + GOOD[8:],
    "not plain ASCII": GOOD[:8] + "\u00e9" + GOOD[8:],
    "invisible non-ASCII": GOOD[:8] + "\u200b" + GOOD[8:],
    "control character": GOOD[:8] + "\x00" + GOOD[8:],
}


@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_hostile_tokens_are_refused_in_plain_words_without_echoing_them(what: str) -> None:
    token = HOSTILE[what]
    with pytest.raises(TokenFormatError) as caught:
        check_token(token)
    message = caught.value.message
    assert what.split()[-1] in message
    assert "position 9" in message
    assert token not in message
    assert GOOD[8:] not in message
    with pytest.raises(TokenFormatError):
        PingDataClient("http://127.0.0.1:9/api/v1", token)
    with pytest.raises(ValueError, match="cannot be a Ping API token"):
        CredentialStore().set_token("http://127.0.0.1:9", token)


def test_a_pasted_token_loses_only_its_surrounding_whitespace() -> None:
    assert check_token(f"  {GOOD}\r\n") == GOOD
    with pytest.raises(TokenFormatError, match="empty"):
        check_token(" \n ")


def test_enhance_with_a_broken_token_says_so_before_any_request(
    emulator: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sov = tmp_path / "sov.csv"
    sov.write_text("Address,City,State,Zip\n1 Main St,Springfield,IL,62701\n", encoding="utf-8")
    monkeypatch.setenv("PING_DATA_AUTH_TOKEN", TEST_TOKEN[:6] + "\n" + TEST_TOKEN[6:])
    code = main(["enhance", str(sov), "--sources", "PG", "--api-url", emulator.api_url])
    err = capsys.readouterr().err
    assert code == 1
    assert "line break" in err
    assert "PING_DATA_AUTH_TOKEN" in err
    assert "Cannot reach" not in err
    assert "Unexpected problem" not in err
    assert TEST_TOKEN[6:] not in err
    assert emulator.stats()["requests_by_route"] == {}


def test_the_cli_console_is_redacted_at_the_most_verbose_level(
    capsys: pytest.CaptureFixture[str],
) -> None:
    register_secret(GOOD)
    configure_console(2)
    try:
        log = logging.getLogger("httpx")
        log.debug("Request headers: {'Authorization': 'Token %s'}", GOOD)
        log.debug("sent %s", GOOD)
    finally:
        release_console()
    err = capsys.readouterr().err
    assert "DEBUG httpx" in err
    assert GOOD not in err
    assert err.count("[REDACTED]") == 2
