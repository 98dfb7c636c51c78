"""Per-user folders: PING_DESKTOP_HOME wins, nothing is created until ensure()."""

from __future__ import annotations

from pathlib import Path

import pytest

from ping_desktop.storage import paths
from ping_desktop.storage.paths import APP_ID, app_paths


def test_home_env_puts_everything_under_it(app_home: Path) -> None:
    p = app_paths()
    assert p.data_dir == app_home / "data"
    assert p.config_dir == app_home / "config"
    assert p.log_dir == app_home / "logs"
    assert p.cache_dir == app_home / "cache"
    assert p.runs_dir == app_home / "data" / "runs"


def test_nothing_created_until_ensure(app_home: Path) -> None:
    p = app_paths()
    assert list(app_home.iterdir()) == []
    assert p.ensure() is p
    for folder in (p.data_dir, p.config_dir, p.log_dir, p.cache_dir, p.runs_dir):
        assert folder.is_dir()
    p.ensure()  # idempotent


def test_platformdirs_without_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PING_DESKTOP_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    p = paths.app_paths()
    assert "PingDesktop" in str(p.data_dir)
    assert "PingDesktop" in str(p.config_dir)
    assert "PingDesktop" in str(p.log_dir)
    assert not p.data_dir.exists()


def test_app_id_is_reverse_dns() -> None:
    assert APP_ID == "com.pingintel.PingDesktop"
