"""Command-line front end: the same services as the window, without Qt.

Each module of this package offers commands through a ``register(subparsers)`` function;
this module only assembles them, so the command set grows without this file knowing their
options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import cast

from ping_desktop import __version__

CommandFunc = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser with every package's subcommands."""
    # Imported here so that `ping-desktop-cli --version` stays instant.
    from ping_desktop.cli import (
        emulator,
        enhance,
        export,
        inspect,
        resubmit,
        resume,
        retry,
        review,
        run_again,
        runs,
    )

    parser = argparse.ArgumentParser(
        prog="ping-desktop-cli",
        description="Enrich a statement of values with Ping.Data Bulk Enhance, without a window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    # One module per subcommand, in the order `--help` lists them.
    for command in (inspect, enhance, runs, resume, retry, review, resubmit, run_again,
                    export, emulator):
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ping-desktop-cli``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ping_desktop.cli.support import configure_console, release_console

    func = cast(CommandFunc | None, getattr(args, "func", None))
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    configure_console(int(args.verbose))
    try:
        return func(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        release_console()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
