"""Frozen entry point of ``ping-desktop-cli`` (the command line); PyInstaller's script."""

from ping_desktop.cli import main

raise SystemExit(main())
