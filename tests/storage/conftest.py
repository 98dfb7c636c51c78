"""Storage test fixtures: logging configured per test and always torn down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ping_desktop.storage.logging_setup import shutdown_logging


@pytest.fixture
def clean_logging() -> Iterator[None]:
    """Remove the app's log handlers after the test so no file stays attached to root."""
    shutdown_logging()
    yield
    shutdown_logging()
