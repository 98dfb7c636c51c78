"""Fixtures shared by every test: no real user folders, an in-memory keyring, the emulator."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Before anything imports Qt: never need a display, and make qasync pick PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import keyring
import pytest

from tests.support.memory_keyring import MemoryKeyring

TEST_TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(autouse=True)
def app_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user folder (data, config, logs) at a fresh temporary directory."""
    home = tmp_path_factory.mktemp("ping-home")
    monkeypatch.setenv("PING_DESKTOP_HOME", str(home))
    monkeypatch.delenv("PING_DATA_AUTH_TOKEN", raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Replace the OS keyring with an in-memory backend for the test's duration."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def emulator_config() -> Any:
    """The emulator's configuration; override in a module to change rate, limits or tokens."""
    from ping_desktop.emulator.config import EmulatorConfig

    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=0.0)


@pytest.fixture
def emulator(emulator_config: Any) -> Iterator[Any]:
    """A real Ping.Data emulator served over HTTP on a free loopback port."""
    from ping_desktop.emulator.server import EmulatorServer

    with EmulatorServer(emulator_config) as server:
        yield server
