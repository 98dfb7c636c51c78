"""Issue 11, finding 3 without Qt: a refused token stops Start with a reason; password stores
are named in words people know."""

from __future__ import annotations

from pathlib import Path

from ping_desktop.draft import NO_STORE, REFUSED_BY_SERVER, Draft, readable_store_name
from tests.draft.test_draft import GEO, File, plan


def test_a_refused_token_blocks_start_until_sources_are_fetched_again() -> None:
    draft = Draft(has_token=True)
    draft.open_file(File())
    draft.offer_sources({"PG": GEO}, "api")
    draft.choose_sources(["PG"])
    draft.set_plan(plan(("PG",)))
    assert draft.start_blockers() == []
    draft.reject_token()
    assert draft.start_blockers() == [REFUSED_BY_SERVER]
    assert REFUSED_BY_SERVER in draft.start_hint()
    draft.forget_sources()  # a new token: ask again
    assert REFUSED_BY_SERVER not in draft.start_blockers()


def test_the_demo_is_not_blocked_by_a_refused_token() -> None:
    draft = Draft(has_token=True, token_rejected=True)
    draft.open_file(File(path=Path("/d/DEMO.xlsx"), is_demo=True))
    assert REFUSED_BY_SERVER not in draft.start_blockers()


def test_readable_store_names() -> None:
    assert readable_store_name("keyring.backends.fail.Keyring (not used: no secure store; "
                               "session only)") == NO_STORE
    assert readable_store_name("keyring.backends.fail.Keyring") == NO_STORE
    assert readable_store_name("unavailable (RuntimeError)") == NO_STORE
    assert "Keychain" in readable_store_name("keyring.backends.macOS.Keyring")
    assert "Credential Manager" in readable_store_name("keyring.backends.Windows.WinVaultKeyring")
    assert "GNOME Keyring" in readable_store_name("keyring.backends.SecretService.Keyring")
    assert readable_store_name("keyring.backends.chainer.ChainerBackend") == (
        "the password store (chainer)")
