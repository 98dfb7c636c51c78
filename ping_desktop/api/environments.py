"""Ping.Data API hosts: the documented presets, and checking/normalising a custom API URL.

The official client and the docs disagree on the host (reference §1.1), so the desktop app lets
the user pick one of the documented hosts or type their own URL. Every URL goes through
:func:`normalise_api_url`, which is also where plain ``http://`` is refused for anything but the
local emulator: the API token must never travel unencrypted over a network.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

API_PREFIX = "/api/v1"
DEFAULT_ENVIRONMENT = "prod"

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Environment:
    """A documented Ping.Data deployment the user can choose in Settings."""

    key: str
    label: str
    origin: str

    @property
    def api_url(self) -> str:
        """The base URL of the API (origin + ``/api/v1``)."""
        return self.origin + API_PREFIX


ENVIRONMENTS: dict[str, Environment] = {
    env.key: env
    for env in (
        Environment(
            "prod", "Production (data-api.pingintel.com)", "https://data-api.pingintel.com"
        ),
        Environment(
            "prod-sovfixer",
            "Production, docs host (data-api.sovfixer.com)",
            "https://data-api.sovfixer.com",
        ),
        Environment(
            "prod-api",
            "Production, official client host (api.pingintel.com)",
            "https://api.pingintel.com",
        ),
        Environment(
            "prodeu", "Production EU (api.eu.pingintel.com)", "https://api.eu.pingintel.com"
        ),
        Environment(
            "staging", "Staging (api-staging.pingintel.com)", "https://api-staging.pingintel.com"
        ),
    )
}


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (the only hosts allowed over plain http)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split(url: str) -> tuple[str, str, int | None, str]:
    """Return (scheme, host, port-or-None, path) of ``url`` or raise a readable ValueError."""
    text = url.strip()
    if not text:
        raise ValueError(
            "The API URL is empty. Enter an address such as https://data-api.pingintel.com."
        )
    if "://" not in text:
        # People paste bare host names; https is the only sensible default.
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(
            f"The API URL must start with https:// (got '{scheme}://'). "
            "Enter an address such as https://data-api.pingintel.com."
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "The API URL must not contain a user name or password. "
            "Enter the API token in Settings > API token instead."
        )
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(
            "The API URL has no host name. Enter an address such as https://data-api.pingintel.com."
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(
            "The API URL has an invalid port number. Check the part after the ':'."
        ) from None
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return scheme, host, port, parts.path


def _format_origin(scheme: str, host: str, port: int | None) -> str:
    shown_host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown_host}" + (f":{port}" if port is not None else "")


def origin_of(url: str) -> str:
    """The origin (``scheme://host[:port]``, lower-case, default port dropped) of an http(s) URL.

    Raises ValueError for anything that is not an http(s) URL with a host.
    """
    scheme, host, port, _ = _split(url)
    return _format_origin(scheme, host, port)


def normalise_api_url(url: str) -> str:
    """Check a user-supplied API URL and return its ``<origin>/api/v1`` base.

    Accepts an origin (``https://data-api.pingintel.com``) or a URL that already ends in
    ``/api/v1``. Refuses other schemes, URLs with credentials, queries or fragments, and plain
    ``http://`` to anything but a loopback host (the local emulator), with a message that says
    what to change.
    """
    scheme, host, port, path = _split(url)
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    if parts.query or parts.fragment:
        raise ValueError("The API URL must not contain '?' or '#'. Enter just the server address.")
    if scheme == "http" and not is_loopback_host(host):
        raise ValueError(
            f"Plain http:// is not allowed for {host}: the API token would be sent unencrypted. "
            "Use https:// (plain http is only allowed for the local emulator on 127.0.0.1)."
        )
    path = path.rstrip("/")
    if path.endswith(API_PREFIX):
        prefix = path
    elif path == "":
        prefix = API_PREFIX
    else:
        raise ValueError(
            "The API URL should be the server address (e.g. https://data-api.pingintel.com) "
            f"or end in {API_PREFIX}; '{path}' is not an API address."
        )
    return _format_origin(scheme, host, port) + prefix
