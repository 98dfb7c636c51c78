"""Environment presets and API URL normalising."""

from __future__ import annotations

import re

import pytest

from ping_desktop.api.environments import (
    ENVIRONMENTS,
    is_loopback_host,
    normalise_api_url,
    origin_of,
)


def test_documented_presets() -> None:
    assert ENVIRONMENTS["prod"].origin == "https://data-api.pingintel.com"
    assert ENVIRONMENTS["prod-sovfixer"].origin == "https://data-api.sovfixer.com"
    assert ENVIRONMENTS["prod-api"].origin == "https://api.pingintel.com"
    assert ENVIRONMENTS["prodeu"].origin == "https://api.eu.pingintel.com"
    assert ENVIRONMENTS["staging"].origin == "https://api-staging.pingintel.com"
    for key, env in ENVIRONMENTS.items():
        assert env.key == key
        assert env.label
        assert env.api_url == env.origin + "/api/v1"
        assert normalise_api_url(env.origin) == env.api_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://data-api.pingintel.com", "https://data-api.pingintel.com/api/v1"),
        ("https://data-api.pingintel.com/", "https://data-api.pingintel.com/api/v1"),
        ("https://data-api.pingintel.com/api/v1", "https://data-api.pingintel.com/api/v1"),
        ("https://data-api.pingintel.com/api/v1/", "https://data-api.pingintel.com/api/v1"),
        ("  HTTPS://Data-API.PingIntel.com:443  ", "https://data-api.pingintel.com/api/v1"),
        ("data-api.sovfixer.com", "https://data-api.sovfixer.com/api/v1"),
        ("https://proxy.corp:8443/ping/api/v1", "https://proxy.corp:8443/ping/api/v1"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/api/v1"),
        ("http://localhost:8765/api/v1", "http://localhost:8765/api/v1"),
        ("http://[::1]:8765", "http://[::1]:8765/api/v1"),
    ],
)
def test_normalise_accepts(given: str, expected: str) -> None:
    assert normalise_api_url(given) == expected


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ("http://data-api.pingintel.com", "unencrypted"),
        ("http://10.0.0.5:8000", "unencrypted"),
        ("ftp://data-api.pingintel.com", "https://"),
        ("file:///etc/passwd", "https://"),
        ("", "empty"),
        ("https://user:pw@data-api.pingintel.com", "user name"),
        ("https://data-api.pingintel.com/api/v1?x=1", "'?'"),
        ("https://data-api.pingintel.com/bulk_enhance", "not an API address"),
        ("https://host:99999", "port"),
    ],
)
def test_normalise_rejects_with_clear_message(given: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        normalise_api_url(given)


def test_origin_of() -> None:
    assert origin_of("https://A.example.com:443/x/y?z") == "https://a.example.com"
    assert origin_of("http://127.0.0.1:8000/api/v1/") == "http://127.0.0.1:8000"
    assert origin_of("https://a.example.com:444/") == "https://a.example.com:444"
    assert origin_of("http://[::1]:80/") == "http://[::1]"
    with pytest.raises(ValueError, match="https://"):
        origin_of("ftp://files.example.com/x")


def test_loopback_hosts() -> None:
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("localhost")
    assert is_loopback_host("::1")
    assert is_loopback_host("[::1]")
    assert not is_loopback_host("10.0.0.1")
    assert not is_loopback_host("localhost.evil.com")
