"""Redaction of secrets and Authorization headers; the rotating log file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ping_desktop.storage.logging_setup import (
    BACKUP_COUNT,
    MAX_BYTES,
    REDACTED,
    RedactingFilter,
    configure_logging,
    redact,
    register_secret,
)


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Authorization: Token abc123def456", "abc123def456"),
        ("headers={'Authorization': 'Token zzz-999'}", "zzz-999"),
        ("sent Token 7f3a9c0b1d2e4f5a6b7c", "7f3a9c0b1d2e4f5a6b7c"),
        ("GET /x?token=qwerty12&y=1", "qwerty12"),
        ('{"api_token": "hunter2hunter2"}', "hunter2hunter2"),
        ("PING_DATA_AUTH_TOKEN=abcdefghijk", "abcdefghijk"),
    ],
)
def test_redact_patterns(text: str, gone: str) -> None:
    out = redact(text)
    assert gone not in out
    assert REDACTED in out


def test_redact_keeps_prose() -> None:
    text = "Token for https://api.example.test saved; Token kept for this session"
    assert redact(text) == text


def test_registered_secret_redacted_anywhere() -> None:
    register_secret("s3cr3t-value-that-is-long")
    assert redact("x s3cr3t-value-that-is-longy") == f"x {REDACTED}y"
    register_secret("ab")  # too short to redact safely: ignored
    assert redact("abc") == "abc"


def test_filter_rewrites_args_and_traceback() -> None:
    register_secret("TRACEBACK-SECRET-42")
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "value %s", ("TRACEBACK-SECRET-42",), None
    )
    try:
        raise RuntimeError("boom TRACEBACK-SECRET-42")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    assert "TRACEBACK-SECRET-42" not in record.getMessage()
    assert record.exc_text is not None
    assert "TRACEBACK-SECRET-42" not in record.exc_text
    assert "boom" in record.exc_text


@pytest.mark.usefixtures("clean_logging")
def test_configure_logging_writes_redacted_file(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs")
    assert path == configure_logging(tmp_path / "logs")  # idempotent
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "baseFilename", None) == str(path)]
    assert len(ours) == 1
    assert ours[0].maxBytes == MAX_BYTES == 2 * 1024 * 1024  # type: ignore[attr-defined]
    assert ours[0].backupCount == BACKUP_COUNT == 4  # type: ignore[attr-defined]
    register_secret("file-secret-0987654321")
    logging.getLogger("ping_desktop.test").warning("token is %s", "file-secret-0987654321")
    logging.getLogger("ping_desktop.test").warning("Authorization: Token abcdefabcdef1234")
    ours[0].flush()
    content = path.read_text(encoding="utf-8")
    assert "file-secret-0987654321" not in content
    assert "abcdefabcdef1234" not in content
    assert content.count(REDACTED) == 2
