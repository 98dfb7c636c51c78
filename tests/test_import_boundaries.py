"""Qt stays in ping_desktop/gui and the composition root: everything else runs headless."""

from __future__ import annotations

import ast
from pathlib import Path

import ping_desktop

PACKAGE = Path(ping_desktop.__file__).resolve().parent
QT_MODULES = {"PySide6", "qasync", "shiboken6"}
ALLOWED = {PACKAGE / "app.py", PACKAGE / "__main__.py"}


def _imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_qt_outside_gui_and_app() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in ALLOWED or (PACKAGE / "gui") in path.parents:
            continue
        hits = _imported_top_modules(path) & QT_MODULES
        if hits:
            offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {sorted(hits)}")
    assert offenders == [], "Qt imported outside ping_desktop/gui:\n" + "\n".join(offenders)


def test_the_check_detects_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport qasync\n")
    assert _imported_top_modules(sample) & QT_MODULES == {"PySide6", "qasync"}
