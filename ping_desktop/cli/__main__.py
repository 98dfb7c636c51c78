"""``python -m ping_desktop.cli``: the command-line front end."""

from ping_desktop.cli import main

raise SystemExit(main())
