"""session: the one place the window and the command line get the API URL and the token."""

from __future__ import annotations

import pytest

from ping_desktop.session import lookup_token, resolve_api_url
from ping_desktop.storage.credentials import TOKEN_ENV, CredentialStore
from ping_desktop.storage.settings import Settings, SettingsStore

KEYRING_TOKEN = "keyring-token-0123456789"
ENV_TOKEN = "env-token-0123456789"


def test_api_url_from_flags_then_environment_then_settings() -> None:
    assert resolve_api_url("https://Api.Example.test/", None) == "https://api.example.test/api/v1"
    assert resolve_api_url(None, "staging").startswith("https://")
    assert resolve_api_url(None, "staging") != resolve_api_url(None, "prod")
    saved = Settings(custom_api_url="http://127.0.0.1:8123")
    assert resolve_api_url(None, None, lambda: saved) == "http://127.0.0.1:8123/api/v1"
    # Without a loader, the saved settings file is read (defaults: production).
    SettingsStore().save(Settings(environment="staging"))
    assert resolve_api_url(None, None) == resolve_api_url(None, "staging")


def test_bad_api_addresses_are_plain_value_errors() -> None:
    with pytest.raises(ValueError, match=r"Unknown environment 'mars'\. Choose one of: "):
        resolve_api_url(None, "mars")
    with pytest.raises(ValueError, match="Plain http:// is not allowed"):
        resolve_api_url("http://api.example.test", None)


def test_token_lookup_env_first_for_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    credentials = CredentialStore()
    credentials.set_token("https://api.example.test", KEYRING_TOKEN)
    url = "https://API.example.test/api/v1"
    assert lookup_token(credentials, url, env_first=True) == KEYRING_TOKEN
    assert lookup_token(credentials, url, env_first=False) == KEYRING_TOKEN
    monkeypatch.setenv(TOKEN_ENV, f" {ENV_TOKEN} ")
    assert lookup_token(credentials, url, env_first=True) == ENV_TOKEN
    # The window reads the keyring first; the variable is only its fallback.
    assert lookup_token(credentials, url, env_first=False) == KEYRING_TOKEN
    assert lookup_token(credentials, "https://other.example.test", env_first=False) == ENV_TOKEN
    monkeypatch.delenv(TOKEN_ENV)
    assert lookup_token(credentials, "https://other.example.test", env_first=True) is None
