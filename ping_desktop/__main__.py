"""``python -m ping_desktop`` starts the desktop app."""

from ping_desktop.app import main

raise SystemExit(main())
