"""The token store: keyring first, session-only fallback, env var, plaintext backends refused."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from ping_desktop.api.environments import origin_of
from ping_desktop.storage.credentials import (
    TOKEN_ENV,
    CredentialStore,
    TokenStorage,
    account_for,
)
from ping_desktop.storage.paths import APP_ID
from tests.support.memory_keyring import MemoryKeyring

ORIGIN = "https://api.example.test"
TOKEN = "tok-0123456789abcdefSECRET"


UseBackend = Callable[[keyring.backend.KeyringBackend], None]


def _fail_backend() -> keyring.backend.KeyringBackend:
    return keyring.backends.fail.Keyring()  # type: ignore[no-untyped-call]


@pytest.fixture
def use_backend() -> Iterator[UseBackend]:
    """Swap in a backend for one test and restore whatever was there."""
    previous = keyring.get_keyring()

    def install(backend: keyring.backend.KeyringBackend) -> None:
        keyring.set_keyring(backend)

    yield install
    keyring.set_keyring(previous)


def test_keyring_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore()
    assert store.set_token(ORIGIN, TOKEN) is TokenStorage.KEYRING
    assert memory_keyring.passwords[(APP_ID, f"api-token:{ORIGIN}")] == TOKEN
    assert CredentialStore().get_token(ORIGIN) == TOKEN  # a new instance reads the keyring
    assert store.is_persistent()
    assert "MemoryKeyring" in store.backend_name()
    store.delete_token(ORIGIN)
    assert memory_keyring.passwords == {}
    assert store.get_token(ORIGIN) is None
    store.delete_token(ORIGIN)  # deleting a missing token is fine


def test_origin_normalised() -> None:
    assert account_for("https://API.Example.test/api/v1/") == f"api-token:{ORIGIN}"
    store = CredentialStore()
    store.set_token("https://API.example.test/", TOKEN)
    assert store.get_token(ORIGIN + "/api/v1") == TOKEN
    assert store.get_token("https://other.example.test") is None


@pytest.mark.parametrize(("url", "account"), [
    ("https://data-api.pingintel.com", "api-token:https://data-api.pingintel.com"),
    ("https://data-api.pingintel.com/api/v1", "api-token:https://data-api.pingintel.com"),
    ("https://Data-API.PingIntel.com/api/v1/", "api-token:https://data-api.pingintel.com"),
    ("http://127.0.0.1:8765/api/v1", "api-token:http://127.0.0.1:8765"),
    ("https://api.example.test:8443", "api-token:https://api.example.test:8443"),
])
def test_keyring_account_is_the_api_origin(url: str, account: str) -> None:
    # The account keys saved by earlier versions for ordinary URLs stay the same, and they are
    # the origin the HTTP client's guard checks (one origin function for both).
    assert account_for(url) == account
    assert account == f"api-token:{origin_of(url)}"


def test_no_backend_is_session_only(use_backend: UseBackend) -> None:
    use_backend(_fail_backend())
    store = CredentialStore()
    assert not store.is_persistent()
    assert store.set_token(ORIGIN, TOKEN) is TokenStorage.SESSION_ONLY
    assert store.get_token(ORIGIN) == TOKEN
    assert "session only" in store.backend_name()
    store.delete_token(ORIGIN)
    assert store.get_token(ORIGIN) is None


class _LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.InitError("Prompt dismissed")


def test_locked_keyring_falls_back(use_backend: UseBackend) -> None:
    use_backend(_LockedKeyring())
    store = CredentialStore()
    assert store.set_token(ORIGIN, TOKEN) is TokenStorage.SESSION_ONLY
    assert store.get_token(ORIGIN) == TOKEN
    assert not store.is_persistent()


# A stand-in for keyrings.alt.file.PlaintextKeyring: only its module name matters.
PlaintextLike = type(
    "PlaintextKeyring",
    (MemoryKeyring,),
    {"__module__": "keyrings.alt.file", "priority": 0.5},
)


def test_plaintext_backend_refused(use_backend: UseBackend) -> None:
    plaintext = PlaintextLike()
    use_backend(plaintext)
    store = CredentialStore()
    assert not store.is_persistent()
    assert store.set_token(ORIGIN, TOKEN) is TokenStorage.SESSION_ONLY
    assert plaintext.passwords == {}  # nothing written to the plaintext store
    assert store.get_token(ORIGIN) == TOKEN


def test_env_var_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    store = CredentialStore()
    assert store.get_token(ORIGIN) is None
    monkeypatch.setenv(TOKEN_ENV, " env-token-value-123 ")
    assert store.get_token(ORIGIN) == "env-token-value-123"
    store.set_token(ORIGIN, TOKEN)
    assert store.get_token(ORIGIN) == TOKEN  # the keyring comes first


def test_empty_token_rejected() -> None:
    with pytest.raises(ValueError, match="empty"):
        CredentialStore().set_token(ORIGIN, "   ")


def test_token_not_in_repr_or_logs(
    use_backend: UseBackend, caplog: pytest.LogCaptureFixture
) -> None:
    use_backend(_fail_backend())
    store = CredentialStore()
    with caplog.at_level(logging.DEBUG):
        store.set_token(ORIGIN, TOKEN)
        store.get_token(ORIGIN)
        store.delete_token(ORIGIN)
    assert TOKEN not in repr(store)
    assert caplog.records  # something was logged, and none of it holds the token
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text


def test_thread_safe_concurrent_use() -> None:
    store = CredentialStore()
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            origin = f"https://h{i % 4}.example.test"
            for _ in range(50):
                store.set_token(origin, f"token-value-{i % 4}-xyz")
                assert store.get_token(origin) == f"token-value-{i % 4}-xyz"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
