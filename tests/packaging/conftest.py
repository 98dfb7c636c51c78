"""Helpers for the packaging tests: the repository root and the spec file read as Python."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


@pytest.fixture(scope="session")
def spec_tree() -> ast.Module:
    """The PyInstaller spec parsed (it is Python, executed by PyInstaller with extra globals)."""
    return ast.parse((PACKAGING / "ping_desktop.spec").read_text(encoding="utf-8"))
