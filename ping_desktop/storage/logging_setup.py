"""Log files in the per-user log folder, with secrets redacted before anything is written."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
from pathlib import Path

LOG_FILE = "ping-desktop.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 4  # the live file + 4 rotated = 5 x 2 MB
REDACTED = "[REDACTED]"

# Shorter values would redact ordinary words; real tokens are long.
_MIN_SECRET_LEN = 6
_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_TOKEN_PATTERNS = (
    # "Authorization: Token abc", "'Authorization': 'Bearer abc'"
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:token|bearer)\s+)[^\s'\"]+"),
    # "Token abc123..." as in the HTTP scheme; case-sensitive and long so prose survives.
    re.compile(r"(\bToken\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # token=abc, "token": "abc", api_token: abc
    re.compile(r"(?i)((?:api[_-]?)?token['\"]?\s*[:=]\s*['\"]?)[^\s'\"&,;)}\]]+"),
)
_handlers_lock = threading.Lock()
_configured: dict[Path, logging.Handler] = {}
_console: list[logging.Handler] = []


def register_secret(value: str) -> None:
    """Remember ``value`` so it is replaced by ``[REDACTED]`` wherever it would be logged."""
    value = value.strip()
    if len(value) >= _MIN_SECRET_LEN:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Replace registered secrets and anything following ``Token `` with ``[REDACTED]``."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message (and traceback) with secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(log_dir: Path, level: int = logging.INFO, console: bool = False) -> Path:
    """Attach a redacting rotating file handler to the root logger; returns the log file path.

    Calling it again with the same folder changes nothing but the level.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = (log_dir / LOG_FILE).resolve()
    root = logging.getLogger()
    with _handlers_lock:
        root.setLevel(level)
        if path in _configured:
            return path
        fmt = logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        )
        handler.setFormatter(fmt)
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
        _configured[path] = handler
        if console:
            stream = logging.StreamHandler(sys.stderr)
            stream.setFormatter(fmt)
            stream.addFilter(RedactingFilter())
            root.addHandler(stream)
            _console.append(stream)
    return path


def shutdown_logging() -> None:
    """Detach and close the handlers :func:`configure_logging` added (app exit, tests)."""
    root = logging.getLogger()
    with _handlers_lock:
        for handler in [*_configured.values(), *_console]:
            root.removeHandler(handler)
            handler.close()
        _configured.clear()
        _console.clear()


def log_files(log_dir: Path) -> list[Path]:
    """The current and rotated log files in ``log_dir``, newest first."""
    if not log_dir.is_dir():
        return []
    files = [p for p in log_dir.iterdir() if p.is_file() and p.name.startswith(LOG_FILE)]
    return sorted(files, key=lambda p: (p.name != LOG_FILE, p.name))
