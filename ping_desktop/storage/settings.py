"""Non-secret user settings, stored as versioned JSON in the per-user config folder.

The file never holds a token: :meth:`SettingsStore.save` refuses any key that looks like a
secret, so a future field added by mistake fails loudly in tests instead of leaking.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ping_desktop.api.environments import ENVIRONMENTS, normalise_api_url
from ping_desktop.storage.paths import app_paths

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SETTINGS_FILE = "settings.json"

LOCATIONS_PER_JOB_RANGE = (1, 10_000)
CONCURRENT_JOBS_RANGE = (1, 10)
CONFIDENCE_RANGE = (0, 100)

_SECRET_KEY = re.compile(r"token|secret|password", re.IGNORECASE)


@dataclass
class Settings:
    """Everything the app remembers between sessions, except the token (that is in the keyring)."""

    schema_version: int = SCHEMA_VERSION
    environment: str = "prod"
    custom_api_url: str | None = None
    locations_per_job: int = 1000
    concurrent_jobs: int = 3
    low_confidence_threshold: int = 70
    last_sources: list[str] = field(default_factory=list)
    last_open_dir: str | None = None
    last_save_dir: str | None = None
    demo_mode_seen: bool = False
    # Opaque, e.g. base64 of QWidget.saveGeometry(); the GUI owns the format.
    window_geometry: str | None = None


class SettingsError(Exception):
    """A settings operation that cannot proceed; ``message`` is fit to show to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _migrate_v0(data: dict[str, Any]) -> dict[str, Any]:
    """v0 -> v1: files written before versioning, with shorter key names."""
    renames = {
        "api_url": "custom_api_url",
        "env": "environment",
        "batch_size": "locations_per_job",
        "concurrency": "concurrent_jobs",
    }
    out = dict(data)
    for old, new in renames.items():
        if old in out and new not in out:
            out[new] = out.pop(old)
    sources = out.get("last_sources")
    if isinstance(sources, str):
        out["last_sources"] = [s.strip() for s in sources.split(",") if s.strip()]
    return out


# MIGRATIONS[n] turns a schema-n dict into a schema-(n+1) dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_v0}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a raw settings dict up to :data:`SCHEMA_VERSION` (unversioned files count as v0)."""
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        version = 0
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version
    return data


def _clamp_int(value: Any, default: int, bounds: tuple[int, int]) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        return default
    low, high = bounds
    return max(low, min(high, value))


def _opt_str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _checked_api_url(value: Any) -> str | None:
    url = _opt_str(value)
    if url is None:
        return None
    try:
        normalise_api_url(url)
    except ValueError as exc:
        # e.g. plain http:// to a remote host in a hand-edited file: never send a token there.
        log.warning("Ignoring the custom API URL in settings: %s", exc)
        return None
    return url


def validate(settings: Settings) -> Settings:
    """Return a copy with every value coerced into its allowed type and range."""
    defaults = Settings()
    env = settings.environment if isinstance(settings.environment, str) else ""
    env = env.strip() or defaults.environment
    if env not in ENVIRONMENTS:
        log.warning("Unknown environment %r in settings; using %r", env, defaults.environment)
        env = defaults.environment
    sources = settings.last_sources if isinstance(settings.last_sources, list) else []
    return Settings(
        schema_version=SCHEMA_VERSION,
        environment=env,
        custom_api_url=_checked_api_url(settings.custom_api_url),
        locations_per_job=_clamp_int(
            settings.locations_per_job, defaults.locations_per_job, LOCATIONS_PER_JOB_RANGE
        ),
        concurrent_jobs=_clamp_int(
            settings.concurrent_jobs, defaults.concurrent_jobs, CONCURRENT_JOBS_RANGE
        ),
        low_confidence_threshold=_clamp_int(
            settings.low_confidence_threshold,
            defaults.low_confidence_threshold,
            CONFIDENCE_RANGE,
        ),
        last_sources=[s for s in sources if isinstance(s, str) and s],
        last_open_dir=_opt_str(settings.last_open_dir),
        last_save_dir=_opt_str(settings.last_save_dir),
        demo_mode_seen=settings.demo_mode_seen is True,
        window_geometry=_opt_str(settings.window_geometry),
    )


def _from_dict(data: dict[str, Any]) -> Settings:
    names = {f.name for f in dataclasses.fields(Settings)}
    known = {k: v for k, v in data.items() if k in names}
    return validate(Settings(**known))


def _secret_keys(obj: Any, prefix: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            name = f"{prefix}{key}"
            if _SECRET_KEY.search(str(key)):
                found.append(name)
            found.extend(_secret_keys(value, name + "."))
    elif isinstance(obj, list):
        for item in obj:
            found.extend(_secret_keys(item, prefix))
    return found


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see either the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class SettingsStore:
    """Loads and saves :class:`Settings` as JSON; safe to share between threads."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else app_paths().config_dir / SETTINGS_FILE
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SettingsStore(path={str(self.path)!r})"

    def load(self) -> Settings:
        """Read settings; a missing or unreadable file gives defaults and never raises."""
        with self._lock:
            try:
                raw = self.path.read_text(encoding="utf-8")
            except FileNotFoundError:
                return Settings()
            except OSError as exc:
                log.warning("Could not read settings %s (%s); using defaults", self.path, exc)
                return Settings()
            try:
                data = json.loads(raw)
                if not isinstance(data, dict):
                    raise ValueError("settings file does not hold a JSON object")
                return _from_dict(migrate(data))
            except (ValueError, TypeError, KeyError) as exc:
                self._keep_bad_copy(exc)
                return Settings()

    def _keep_bad_copy(self, exc: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        bad = self.path.with_name(f"{self.path.name}.bad-{stamp}")
        n = 1
        while bad.exists():
            bad = self.path.with_name(f"{self.path.name}.bad-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, bad)
            log.warning(
                "Settings file %s was unreadable (%s); kept it as %s and using defaults",
                self.path, type(exc).__name__, bad.name,
            )
        except OSError as move_exc:
            log.warning("Settings file %s was unreadable and could not be moved aside (%s)",
                        self.path, move_exc)

    def save(self, settings: Settings) -> None:
        """Validate and write ``settings`` atomically; refuses anything that looks like a secret."""
        data = dataclasses.asdict(settings)
        secret = _secret_keys(data)
        if secret:
            raise SettingsError(
                "Refusing to save settings: tokens and passwords belong in the keyring "
                f"(offending keys: {', '.join(secret)})."
            )
        clean = dataclasses.asdict(validate(settings))
        text = json.dumps(clean, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        with self._lock:
            atomic_write_text(self.path, text)
