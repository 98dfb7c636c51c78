"""``export RUN --map`` from the installed ``ping-desktop-cli``, which is built without Qt: the
windowed ``ping-desktop`` beside it draws the map (``--render-map``, offscreen); without it,
a plain message. Simulated unfrozen: Qt's map module hidden, ``python -m ping_desktop`` as the
windowed program (the same ``app.main`` the installed one runs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ping_desktop.cli import main, run_views
from ping_desktop.storage.runstore import default_store_path
from tests.storage.test_run_summary import build_summary_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> int:
    """The ten-row run stored, and this process made to look like the frozen CLI."""
    path = default_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    store, run = build_summary_store(path)
    store.close()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setitem(sys.modules, "ping_desktop.gui.map_export", None)
    return run


def test_the_window_program_beside_it_draws_the_map(
    installed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(run_views, "window_program", lambda: [sys.executable, "-m",
                                                              "ping_desktop"])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH",
                                                                                 "")]))
    monkeypatch.delenv("DISPLAY", raising=False)
    target = tmp_path / "map.png"
    assert main(["export", str(installed), "--map", str(target)]) == 0
    assert "Saved the map of 7 located rows" in capsys.readouterr().err
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(target))
    assert (image.width(), image.height()) == (1600, 1000)
    green = QColor("#2e7d32").rgb()
    xs = [x for x in range(0, 1600, 3) for y in range(0, 1000, 3) if image.pixel(x, y) == green]
    assert max(xs) - min(xs) > 800
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_window_program_is_found_beside_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    name = "ping-desktop.exe" if os.name == "nt" else "ping-desktop"
    monkeypatch.setattr(sys, "executable", str(tmp_path / "ping-desktop-cli"))
    assert run_views.window_program() is None
    (tmp_path / name).write_bytes(b"")
    assert run_views.window_program() == [str(tmp_path / name)]


def test_without_the_window_program_it_says_what_to_do(
    installed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "ping-desktop-cli"))
    assert main(["export", str(installed), "--map", str(tmp_path / "m.png")]) == 1
    err = capsys.readouterr().err
    assert "cannot draw maps: it is built without Qt" in err
    assert "Save map as image" in err
    assert list(tmp_path.iterdir()) == []


def test_a_failing_window_program_is_a_plain_failure(
    installed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(run_views, "window_program",
                        lambda: [sys.executable, "-c", "raise SystemExit(1)"])
    assert main(["export", str(installed), "--map", str(tmp_path / "m.png")]) == 1
    assert f"The map could not be written to {tmp_path / 'm.png'}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone too
