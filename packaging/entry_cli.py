"""Frozen entry point of ``ping-desktop-cli`` (the command line); PyInstaller's script."""

# First, before anything else runs: started without a console (a scheduled task, a pipe that
# was closed), stdout/stderr may be missing; null streams stand in (ping_desktop.std_streams).
from ping_desktop import std_streams

std_streams.install()

from ping_desktop.cli import main  # noqa: E402

# Guarded: a multiprocessing child started from this script unfrozen (the tests do) imports it
# again as __mp_main__, and must not start a second program.
if __name__ == "__main__":
    raise SystemExit(main())
