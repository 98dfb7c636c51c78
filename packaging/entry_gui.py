"""Frozen entry point of ``ping-desktop`` (the windowed app); PyInstaller's script."""

from ping_desktop.app import main

raise SystemExit(main())
