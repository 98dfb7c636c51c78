"""The API token in the OS keyring, with a clear session-only fallback.

Service = the app id, account = ``api-token:<origin>``. Backends that would put the token on disk
in plain text (``keyrings.alt``, keyring's null backend) count as "no backend": the token is then
kept in memory for this session only and callers are told so (:attr:`TokenStorage.SESSION_ONLY`).
All calls block (Secret Service can take a second or more): run them via ``asyncio.to_thread``.
"""

from __future__ import annotations

import enum
import logging
import os
import threading

import keyring
import keyring.backend
import keyring.errors

from ping_desktop.api.environments import origin_of
from ping_desktop.api.token_check import check_token
from ping_desktop.storage.logging_setup import register_secret
from ping_desktop.storage.paths import APP_ID

log = logging.getLogger(__name__)

TOKEN_ENV = "PING_DATA_AUTH_TOKEN"  # noqa: S105 - a variable name, not a secret
_REFUSED_MODULE_PREFIXES = ("keyrings.alt", "keyring.backends.null", "keyring.backends.fail")


class TokenStorage(enum.Enum):
    """Where :meth:`CredentialStore.set_token` put the token."""

    KEYRING = "keyring"
    SESSION_ONLY = "session_only"


def account_for(api_origin: str) -> str:
    """The keyring account name used for an API origin (or any URL of it): ``api-token:`` and
    :func:`~ping_desktop.api.environments.origin_of`, the one origin function of the app, so
    the key is the origin the HTTP guard checks. Text that is no URL at all is used as it
    stands (lower-case), so such a call still finds what it saved."""
    return f"api-token:{_origin(api_origin)}"


def _origin(api_origin: str) -> str:
    try:
        return origin_of(api_origin)
    except ValueError:
        return api_origin.strip().rstrip("/").lower()


def _qualname(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_refused(backend: object) -> bool:
    return type(backend).__module__.startswith(_REFUSED_MODULE_PREFIXES)


def _usable_backend() -> keyring.backend.KeyringBackend | None:
    """The active keyring backend if it is a real secret store, else None."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # broken backend configuration must not crash the app
        log.warning("Keyring unavailable: %s", type(exc).__name__)
        return None
    # A chainer may hold a plaintext backend beside a real one: use only the real ones.
    children = getattr(backend, "backends", None)
    if type(backend).__name__ == "ChainerBackend" and isinstance(children, list):
        for child in children:
            if not _is_refused(child):
                return child  # type: ignore[no-any-return]
        return None
    if _is_refused(backend):
        return None
    return backend


class CredentialStore:
    """Get, set and delete the API token per API origin; thread-safe, never logs the token."""

    def __init__(self, service: str = APP_ID) -> None:
        self.service = service
        self._session: dict[str, str] = {}
        self._lock = threading.RLock()
        self._last_write_failed = False

    def __repr__(self) -> str:
        # Only origins, never the values.
        return f"CredentialStore(service={self.service!r}, session_origins={sorted(self._session)})"

    def get_token(self, api_origin: str) -> str | None:
        """Keyring first, then the session-only copy, then ``PING_DATA_AUTH_TOKEN``."""
        account = account_for(api_origin)
        with self._lock:
            backend = _usable_backend()
            if backend is not None:
                try:
                    token = backend.get_password(self.service, account)
                except Exception as exc:  # locked, dismissed prompt, D-Bus gone...
                    log.warning("Could not read the token from the keyring (%s)",
                                type(exc).__name__)
                    token = None
                if token:
                    register_secret(token)
                    return str(token)
            token = self._session.get(account)
            if token:
                return token
        env_token = os.environ.get(TOKEN_ENV, "").strip()
        if env_token:
            register_secret(env_token)
            return env_token
        return None

    def set_token(self, api_origin: str, token: str) -> TokenStorage:
        """Store ``token``; returns where it went (SESSION_ONLY when no usable keyring exists)."""
        register_secret(token.strip())
        token = check_token(token)  # TokenFormatError (a ValueError) in plain words
        account = account_for(api_origin)
        with self._lock:
            backend = _usable_backend()
            if backend is not None:
                try:
                    backend.set_password(self.service, account, token)
                except Exception as exc:  # NoKeyringError, KeyringLocked, InitError, OS errors
                    log.warning("Keyring %s refused the token (%s); keeping it for this session",
                                _qualname(backend), type(exc).__name__)
                else:
                    self._session.pop(account, None)
                    self._last_write_failed = False
                    log.info("Token for %s saved in keyring %s", _origin(api_origin),
                             _qualname(backend))
                    return TokenStorage.KEYRING
            self._session[account] = token
            self._last_write_failed = True
            log.info("Token for %s kept for this session only", _origin(api_origin))
            return TokenStorage.SESSION_ONLY

    def delete_token(self, api_origin: str) -> None:
        """Forget the token for ``api_origin`` in the keyring and in memory (missing is fine)."""
        account = account_for(api_origin)
        with self._lock:
            self._session.pop(account, None)
            backend = _usable_backend()
            if backend is None:
                return
            try:
                backend.delete_password(self.service, account)
            except keyring.errors.PasswordDeleteError:
                pass
            except Exception as exc:
                log.warning("Could not delete the token from the keyring (%s)",
                            type(exc).__name__)

    def backend_name(self) -> str:
        """The active keyring backend's class path (for settings and diagnostics)."""
        try:
            backend = keyring.get_keyring()
        except Exception as exc:
            return f"unavailable ({type(exc).__name__})"
        usable = _usable_backend()
        if usable is None:
            return f"{_qualname(backend)} (not used: no secure store; session only)"
        return _qualname(usable)

    def is_persistent(self) -> bool:
        """True when tokens survive a restart (a real keyring that accepted the last write)."""
        with self._lock:
            return _usable_backend() is not None and not self._last_write_failed
