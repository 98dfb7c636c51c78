"""The worker process runs below the app's priority and its log records reach the app's log."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time

import pytest

from ping_desktop.storage.logging_setup import LOG_FILE, configure_logging, shutdown_logging
from ping_desktop.storage.paths import app_paths
from ping_desktop.worker.pool import OffloadPool
from ping_desktop.worker.process_setup import NICE_INCREMENT

SECRET = "tok-ABCDEFGH12345678"


def _log_from_worker(message: str) -> tuple[int, int]:
    logging.getLogger("ping_desktop.engine.test_worker").warning(message)
    logging.getLogger("ping_desktop.engine.test_worker").debug("debug is below the app's level")
    return os.getpid(), os.nice(0) if hasattr(os, "nice") else 0


def test_worker_logs_reach_the_app_log_and_it_runs_at_lower_priority(
        caplog: pytest.LogCaptureFixture) -> None:
    log_dir = app_paths().log_dir
    configure_logging(log_dir, level=logging.INFO)
    pool = OffloadPool()
    try:
        with caplog.at_level(logging.INFO):
            pid, niceness = asyncio.run(
                pool._call("", _log_from_worker, f"hello from the worker, Token {SECRET}"))
            deadline = time.monotonic() + 10
            while not [r for r in caplog.records if "hello from the worker" in r.getMessage()]:
                assert time.monotonic() < deadline, "the worker's record never arrived"
                time.sleep(0.05)
    finally:
        pool.shutdown()
        shutdown_logging()
    assert pid != os.getpid()
    record = next(r for r in caplog.records if "hello from the worker" in r.getMessage())
    assert record.name == "ping_desktop.engine.test_worker"
    assert record.levelno == logging.WARNING
    assert record.processName == "worker"
    assert record.process == pid
    assert not [r for r in caplog.records if "below the app's level" in r.getMessage()]
    text = (log_dir / LOG_FILE).read_text(encoding="utf-8")
    assert "hello from the worker" in text
    assert SECRET not in text  # the app's redacting handler wrote it
    if sys.platform != "win32":
        assert niceness >= min(os.nice(0) + NICE_INCREMENT, 19)
