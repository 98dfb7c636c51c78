"""Frozen entry point of ``ping-desktop`` (the windowed app); PyInstaller's script."""

# First, before anything else runs: a windowed build has no stdout/stderr (None), and any
# print, flush or warning would fail. Null streams stand in for them (ping_desktop.std_streams).
from ping_desktop import std_streams

std_streams.install()

from ping_desktop.app import main  # noqa: E402

# Guarded: a multiprocessing child started from this script unfrozen (the tests do) imports it
# again as __mp_main__, and must not start a second program.
if __name__ == "__main__":
    raise SystemExit(main())
