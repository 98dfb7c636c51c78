"""`ping-desktop --demo` (what `python3 dev.py run` passes): demo only while no token is set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import TEST_TOKEN


def test_demo_flag_opens_the_sample_when_no_token(
    make_window: Callable[..., Any], run_coro: Callable[..., Any], qtbot: Any
) -> None:
    window = make_window(startup=False)
    run_coro(window.startup(demo=True), timeout=10_000)
    qtbot.waitUntil(lambda: window.demo_mode, timeout=10_000)
    assert "Demo" in window.windowTitle()


def test_demo_flag_is_ignored_when_a_token_is_set(
    make_window: Callable[..., Any], run_coro: Callable[..., Any], emulator: Any
) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, startup=False)
    run_coro(window.startup(demo=True), timeout=10_000)
    assert window.has_token
    assert not window.demo_mode
