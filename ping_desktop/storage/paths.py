"""Per-user folders for data, settings, logs and cache.

Nothing is created at import time: callers decide when folders appear by calling
:meth:`AppPaths.ensure`. Setting ``PING_DESKTOP_HOME`` puts every folder under one directory,
which tests, portable installs and support sessions use to keep the real profile untouched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_ID = "com.pingintel.PingDesktop"
APP_NAME = "PingDesktop"
APP_AUTHOR = "Ping"
HOME_ENV = "PING_DESKTOP_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The app's per-user folders."""

    data_dir: Path
    config_dir: Path
    log_dir: Path
    cache_dir: Path

    @property
    def runs_dir(self) -> Path:
        """Folder holding one sub-folder per run (input copy, mapping, raw outputs)."""
        return self.data_dir / "runs"

    def ensure(self) -> AppPaths:
        """Create every folder (and its parents) if missing; returns ``self`` for chaining."""
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.cache_dir, self.runs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """Return the per-user folders, honouring ``PING_DESKTOP_HOME`` when it is set."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        root = Path(home).expanduser()
        return AppPaths(
            data_dir=root / "data",
            config_dir=root / "config",
            log_dir=root / "logs",
            cache_dir=root / "cache",
        )
    dirs = platformdirs.PlatformDirs(appname=APP_NAME, appauthor=APP_AUTHOR)
    return AppPaths(
        data_dir=Path(dirs.user_data_dir),
        config_dir=Path(dirs.user_config_dir),
        log_dir=Path(dirs.user_log_dir),
        cache_dir=Path(dirs.user_cache_dir),
    )
