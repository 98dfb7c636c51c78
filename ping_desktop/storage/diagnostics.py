"""Support bundle: a zip of logs, settings and an about.txt, with every token removed."""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ping_desktop import __version__
from ping_desktop.storage.credentials import TOKEN_ENV, CredentialStore
from ping_desktop.storage.logging_setup import log_files, redact, register_secret
from ping_desktop.storage.paths import AppPaths, app_paths
from ping_desktop.storage.settings import SETTINGS_FILE

log = logging.getLogger(__name__)


def describe_diagnostics() -> list[str]:
    """What the bundle contains, in plain words, for the GUI to show before zipping."""
    return [
        "The app's log files (the current one and up to 4 older ones), with tokens removed",
        "Your settings (settings.json), which never contain your token",
        "about.txt: app version, Python version, operating system, Qt version and the "
        "keyring (password store) in use",
    ]


def _about(extra: Mapping[str, str] | None) -> str:
    lines = [
        f"Ping Desktop {__version__}",
        f"Python {sys.version.split()[0]} ({platform.python_implementation()})",
        f"OS {platform.platform()}",
        f"Keyring backend {CredentialStore().backend_name()}",
        f"Created {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
    ]
    lines.extend(f"{key}: {value}" for key, value in (extra or {}).items())
    return redact("\n".join(lines) + "\n")


def _settings_text(path: Path) -> str | None:
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return redact(raw)
    if isinstance(data, dict):
        # settings.save() refuses these keys; drop them anyway in case a file was hand-edited.
        data = {k: v for k, v in data.items()
                if not any(w in str(k).lower() for w in ("token", "secret", "password"))}
    return redact(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


def export_diagnostics(
    dest: Path,
    *,
    paths: AppPaths | None = None,
    extra: Mapping[str, str] | None = None,
    secrets: Iterable[str] = (),
) -> Path:
    """Write the support zip to ``dest`` (atomically) and return its path; raises OSError.

    ``extra`` adds ``key: value`` lines to about.txt (e.g. the Qt version from the GUI).
    ``secrets`` are further values to scrub, e.g. a token read from the keyring just now.
    """
    paths = paths or app_paths()
    for secret in secrets:
        register_secret(secret)
    env_token = os.environ.get(TOKEN_ENV, "")
    if env_token:
        register_secret(env_token)
    for handler in logging.getLogger().handlers:
        handler.flush()

    dest = Path(dest)
    fd, tmp_name = tempfile.mkstemp(prefix=f".~{dest.stem}.", suffix=".zip", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as fh:
            for log_file in log_files(paths.log_dir):
                try:
                    text = log_file.read_text(encoding="utf-8", errors="replace")
                except OSError as exc:
                    text = f"(could not read {log_file.name}: {type(exc).__name__})\n"
                fh.writestr(f"logs/{log_file.name}", redact(text))
            settings = _settings_text(paths.config_dir / SETTINGS_FILE)
            if settings is not None:
                fh.writestr(SETTINGS_FILE, settings)
            fh.writestr("about.txt", _about(extra))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("Diagnostics written to %s", dest)
    return dest
