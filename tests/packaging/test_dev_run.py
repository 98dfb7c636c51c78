"""`python3 dev.py run` keeps a checkout's data out of the user's real data folder unless asked."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from tests.packaging.conftest import ROOT

PYTHON = Path("/venv/bin/python")


@pytest.fixture
def dev(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, list[list[str]]]:
    """dev.py loaded as a module, with installing and launching replaced by a recorder."""
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    launched: list[list[str]] = []

    def call(cmd: list[str], **_kwargs: object) -> int:
        launched.append(cmd)
        return 0

    monkeypatch.setattr(module, "ensure_system_packages", lambda: None)
    monkeypatch.setattr(module, "ensure_venv", lambda: PYTHON)
    monkeypatch.setattr(subprocess, "call", call)
    monkeypatch.setenv("DISPLAY", ":99")
    return module, launched


def test_run_uses_a_throwaway_folder_by_default(
    dev: tuple[ModuleType, list[list[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    module, launched = dev
    monkeypatch.delenv("PING_DESKTOP_HOME", raising=False)
    assert module.cmd_run(["SOV.xlsx"]) == 0
    assert launched == [[str(PYTHON), "-m", "ping_desktop", "--demo", "--temp-basedir", "SOV.xlsx"]]


def test_real_data_when_asked(
    dev: tuple[ModuleType, list[list[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    module, launched = dev
    monkeypatch.delenv("PING_DESKTOP_HOME", raising=False)
    assert module.cmd_run(["--real-data"]) == 0
    assert launched == [[str(PYTHON), "-m", "ping_desktop", "--demo"]]


def test_a_chosen_home_is_kept(dev: tuple[ModuleType, list[list[str]]], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    module, launched = dev
    monkeypatch.setenv("PING_DESKTOP_HOME", str(tmp_path))
    assert module.cmd_run([]) == 0
    assert "--temp-basedir" not in launched[0]
