"""Programs started without stdout/stderr (the windowed Windows build) must still work.

A Windows program built without a console starts with ``sys.stdout``/``sys.stderr`` set to None.
A POSIX process started with descriptors 1 and 2 closed gets exactly the same (CPython sets a
stream to None when its descriptor is not valid), so these tests run the real entry points that
way; on Windows they use ``pythonw.exe``, which is a windowed program itself.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ping_desktop import std_streams
from tests.packaging.conftest import PACKAGING, ROOT

# Closes descriptors 1 and 2, then becomes the given Python program (exit code preserved).
_CLOSE_AND_EXEC = (
    "import os, sys; os.close(1); os.close(2); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def _without_std_streams(*args: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``python *args`` with no stdout/stderr; stdin comes from the null device."""
    if sys.platform == "win32":
        pythonw = Path(sys.executable).with_name("pythonw.exe")
        return subprocess.run(
            [str(pythonw), *args], stdin=subprocess.DEVNULL, timeout=timeout, check=False
        )
    return subprocess.run(
        [sys.executable, "-c", _CLOSE_AND_EXEC, *args],
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


def test_install_replaces_only_missing_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    kept_stdin = sys.stdin
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert std_streams.install() == ["stdout", "stderr"]
    assert sys.stdin is kept_stdin
    for stream in (sys.stdout, sys.stderr):
        assert stream is not None
        stream.write("nothing \u2713 to see\n")  # any text: no UnicodeEncodeError either
        stream.flush()
    print("a stray print", file=sys.stderr, flush=True)
    handler = logging.StreamHandler()  # the default stream is sys.stderr, now the null device
    assert handler.stream is sys.stderr
    handler.emit(logging.makeLogRecord({"msg": "a log line"}))
    handler.close()
    sys.stdout.close()
    sys.stderr.close()


def test_install_leaves_existing_streams_alone() -> None:
    before = (sys.stdin, sys.stdout, sys.stderr)
    assert std_streams.install() == []
    assert (sys.stdin, sys.stdout, sys.stderr) == before


def test_std_streams_imports_nothing_of_the_app() -> None:
    # It runs first in the frozen programs, before the app's own imports may fail or print.
    code = textwrap.dedent(
        """
        import sys
        before = set(sys.modules)
        import ping_desktop.std_streams
        new = set(sys.modules) - before
        print(sorted(m for m in new if m.startswith("ping_desktop.")))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "['ping_desktop.std_streams']"


def test_descriptors_and_streams_work_after_install(tmp_path: Path) -> None:
    # Without the descriptor-level guard, the first file opened would become descriptor 1 or 2
    # and C code writing to stderr (Qt's warnings) would write into it.
    marker = tmp_path / "result.txt"
    script = tmp_path / "probe.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys, warnings
            assert sys.stdout is None and sys.stderr is None, "the streams were not missing"
            from ping_desktop import std_streams
            replaced = std_streams.install()
            print("hello"); sys.stdout.flush(); sys.stderr.write("x\\n"); sys.stderr.flush()
            warnings.warn("a stray warning", stacklevel=1)
            with open({str(marker)!r}, "w") as f:
                f.write(",".join(replaced) + ";" + str(f.fileno()))
            """
        ),
        encoding="utf-8",
    )
    result = _without_std_streams(str(script), timeout=60)
    assert result.returncode == 0
    replaced, fileno = marker.read_text(encoding="utf-8").split(";")
    assert replaced.split(",")[-2:] == ["stdout", "stderr"]
    assert int(fileno) > 2


def test_frozen_cli_entry_point_runs_without_std_streams(tmp_path: Path) -> None:
    sample = ROOT / "resources" / "sample" / "sample-sov.xlsx"
    result = _without_std_streams(
        str(PACKAGING / "entry_cli.py"), "inspect", str(sample), "--json", timeout=120
    )
    assert result.returncode == 0


def test_gui_self_test_passes_without_std_streams() -> None:
    # The windowed build's situation: the whole demo flow through the real window (offscreen),
    # started through the same entry script PyInstaller freezes. Exit 0 = every check passed.
    result = _without_std_streams(str(PACKAGING / "entry_gui.py"), "--self-test", timeout=280)
    assert result.returncode == 0
