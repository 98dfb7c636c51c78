"""``export RUN --summary`` and ``export RUN --map MAP.png``: a stored run's Summary counts as
text, and its map as a PNG drawn without a window (no network, no display needed).

Drawing the map needs Qt, which the command line otherwise never loads: the one Qt module it
may use (``ping_desktop.gui.map_export``, an exception written into pyproject's import
contracts) is imported here only when a map is asked for. The installed ``ping-desktop-cli``
is built without Qt: there the windowed ``ping-desktop`` beside it draws the map
(``--render-map``, offscreen), and if it is missing --map says so instead of failing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ping_desktop.cli.support import EXIT_FAILED, EXIT_USAGE, CliError
from ping_desktop.export.summary_sheet import settings_threshold
from ping_desktop.storage.run_map import map_rows
from ping_desktop.storage.run_summary import summarize, summary_text
from ping_desktop.storage.runstore import RunRecord, RunStore

NO_QT = (
    "This ping-desktop-cli cannot draw maps: it is built without Qt, the drawing library the "
    "window uses, and the Ping Desktop program is not beside it. Open the run in the Ping "
    "Desktop window (History, Map tab) and use 'Save map as image…'."
)


def summary_lines(store: RunStore, run: RunRecord) -> str:
    """The run's Summary counts as plain text ("low confidence" as set in Settings)."""
    threshold = settings_threshold()
    head = f"Run {run.id}: {run.file_name} (low confidence: below {threshold})"
    return head + "\n" + summary_text(summarize(store.path, run, threshold))


def _new_file_mode() -> int:
    """The mode a file created the usual way gets (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_map_target(target: Path) -> Path:
    """``target`` if a PNG can be written there; a plain usage error saying why not."""
    if target.suffix.lower() != ".png":
        raise CliError(f"The map is written as a PNG image: give a name ending in .png "
                       f"(got '{target.name}').", EXIT_USAGE)
    folder = target.resolve().parent
    if not folder.is_dir():
        raise CliError(f"The folder {folder} does not exist. Create it first or choose "
                       "another --map file.", EXIT_USAGE)
    if target.is_dir():
        raise CliError(f"{target} is a folder; give a file name ending in .png.", EXIT_USAGE)
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CliError(f"Ping Desktop may not write {target}. Choose a folder you can write "
                       "to.", EXIT_FAILED)
    return target


def window_program() -> list[str] | None:
    """The windowed program installed beside this frozen CLI (it has Qt), if there is one."""
    if not getattr(sys, "frozen", False):
        return None
    name = "ping-desktop.exe" if os.name == "nt" else "ping-desktop"
    program = Path(sys.executable).with_name(name)
    return [str(program)] if program.is_file() else None


def _drawer(store: RunStore, run: RunRecord) -> Callable[[Path], bool]:
    """How to draw the map into a PNG: with Qt here, or (the installed CLI, built without Qt)
    by the windowed program beside it, started offscreen for just that."""
    try:
        from ping_desktop.gui.map_export import render_map_headless
    except ModuleNotFoundError:  # the installed CLI: Qt and the window are left out
        program = window_program()
        if program is None:
            raise CliError(NO_QT, EXIT_FAILED) from None
        return lambda png: _draw_in(program, run.id, png)
    except ImportError as exc:  # Qt is there but a system library it needs is not
        raise CliError(f"Qt could not be loaded to draw the map ({exc}). Install the system "
                       "libraries the README lists for Qt, then try again.",
                       EXIT_FAILED) from None
    threshold = settings_threshold()
    return lambda png: render_map_headless(store.path, run, threshold, png)


def _draw_in(program: list[str], run_id: int, png: Path) -> bool:
    try:
        done = subprocess.run([*program, "--render-map", str(run_id), str(png)],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=900,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and png.is_file() and png.stat().st_size > 0


def write_map(store: RunStore, run: RunRecord, target: Path) -> int:
    """Draw the run's map into ``target`` (replaced in one step); returns the dots drawn."""
    check_map_target(target)
    rows = map_rows(store.path, run)
    located = sum(1 for r in rows if r.lon is not None and r.lat is not None)
    if not located:
        raise CliError(
            f"Run {run.id} has no located rows to put on a map (none of its {len(rows):,} rows "
            "has coordinates from a geocoding source such as PG). No map was written.",
            EXIT_FAILED)
    draw = _drawer(store, run)
    unwritable = (f"The map could not be written to {target}{{}}. Check the free disk space, "
                  "or choose a folder you can write to.")
    try:
        # Drawn beside the target and moved over it in one step: an existing file is replaced
        # only by a whole map, never left half written.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".png",
                                        dir=target.resolve().parent)
        os.close(fd)
    except OSError as exc:
        raise CliError(unwritable.format(f" ({exc.strerror})"), EXIT_FAILED) from None
    tmp = Path(tmp_name)
    try:
        if not draw(tmp):
            raise CliError(unwritable.format(""), EXIT_FAILED)
        os.chmod(tmp, _new_file_mode())  # mkstemp's file is private; a picture need not be
        os.replace(tmp, target)
    except OSError as exc:
        raise CliError(unwritable.format(f" ({exc.strerror})"), EXIT_FAILED) from None
    finally:
        tmp.unlink(missing_ok=True)
    return located
