"""Placeholder: the owning package replaces this with its subcommands."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: "argparse._SubParsersAction[Any]") -> None:
    """Add this package's subcommands to the top-level parser."""
