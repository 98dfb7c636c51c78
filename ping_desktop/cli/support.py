"""Shared pieces of the engine's commands: API address and token, settings, plain failures."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass

from ping_desktop.api import PingApiError, PingDataClient, TokenFormatError, check_token
from ping_desktop.engine.events import EventSink
from ping_desktop.engine.polling import PollSettings
from ping_desktop.engine.runner import Engine, EngineError, RunBusyError
from ping_desktop.engine.timings import Timings
from ping_desktop.session import lookup_token, origin_of, resolve_api_url
from ping_desktop.storage.credentials import TOKEN_ENV
from ping_desktop.storage.logging_setup import RedactingFilter, redact, register_secret
from ping_desktop.storage.runstore import RunRecord, RunStore, RunStoreError, default_store_path
from ping_desktop.storage.store_errors import classify

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Some rows have no results (failed, left unsent, needing a decision): the output was written
# but is not whole. A script can tell it from success (0) and from failure (1).
EXIT_PARTIAL = 3
# The run is being worked on by another process, so nothing was done.
EXIT_BUSY = 4


class CliError(Exception):
    """A failure to report as one plain line, with the exit code to return."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Tuning:
    """Job size, concurrency and polling for one command."""

    locations_per_job: int
    concurrent_jobs: int
    poll: PollSettings

    def engine(self, store: RunStore, client: PingDataClient, on_event: EventSink,
               timings: Timings | None = None) -> Engine:
        """An engine of ``store`` and ``client`` with these numbers (close it with
        ``aclose``)."""
        return Engine(store, client, locations_per_job=self.locations_per_job,
                      concurrent_jobs=self.concurrent_jobs, on_event=on_event, poll=self.poll,
                      timings=timings)


def fail(message: str) -> None:
    """Print a plain failure line on stderr (secrets redacted)."""
    print(redact(message), file=sys.stderr)


def guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn every failure of a command into a plain message and an exit code (no traceback)."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except CliError as exc:
            fail(exc.message)
            return exc.code
        except RunBusyError as exc:
            fail(exc.message)
            return EXIT_BUSY
        except (PingApiError, EngineError, RunStoreError) as exc:
            fail(exc.message)
            return EXIT_FAILED
        except sqlite3.Error as exc:  # a store read failing (damaged, locked, ...)
            log.debug("Store failure", exc_info=True)
            fail(classify(exc, default_store_path()).message)
            return EXIT_FAILED
        except KeyboardInterrupt:
            fail("Interrupted. Run `ping-desktop-cli resume` to continue where it stopped.")
            return EXIT_INTERRUPTED
        except Exception as exc:  # last resort: plain words, details in the log
            log.debug("Command failed", exc_info=True)
            fail(f"Unexpected problem ({type(exc).__name__}: {exc}). Run with -v for details.")
            return EXIT_FAILED

    wrapper.__doc__ = func.__doc__
    return wrapper


def api_url_from(api_url: str | None, environment: str | None) -> str:
    """The API base URL from the flags, else from the saved settings."""
    try:
        return resolve_api_url(api_url, environment)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def token_for(api_url: str) -> str:
    """The API token: ``PING_DATA_AUTH_TOKEN`` first, else the keyring (never printed)."""
    from ping_desktop.storage.credentials import CredentialStore

    token = lookup_token(CredentialStore(), api_url, env_first=True)
    if not token:
        raise CliError(
            f"No API token for {origin_of(api_url)}. Set the {TOKEN_ENV} environment variable, "
            "or save the token in Ping Desktop (Settings > API token)."
        )
    register_secret(token)
    try:
        return check_token(token)
    except TokenFormatError as exc:
        where = TOKEN_ENV if os.environ.get(TOKEN_ENV, "").strip() else "the saved token"
        raise CliError(f"{exc.message} (The token came from {where}.)") from None


_console: list[logging.Handler] = []


def release_console() -> None:
    """Remove the handler :func:`configure_console` added (at the end of ``main``: a test
    calling ``main`` again must not find it writing to a stream that is gone)."""
    root = logging.getLogger()
    for old in _console:
        root.removeHandler(old)
    _console.clear()


def configure_console(verbose: int) -> None:
    """Log to stderr at WARNING, INFO (-v) or DEBUG (-vv), through the same redaction as the
    log files: at -vv the HTTP libraries log requests, and nothing may print the token."""
    level = logging.WARNING - 10 * min(int(verbose), 2)
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    for old in _console:  # one console handler, however often main() runs in one process
        root.removeHandler(old)
    _console[:] = [handler]
    root.addHandler(handler)
    # Every handler of the root logger, including any a library or test added.
    for each in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in each.filters):
            each.addFilter(RedactingFilter())


def tuning(args: argparse.Namespace) -> Tuning:
    """Job size and concurrency from the flags, else from the saved settings."""
    from ping_desktop.storage.settings import SettingsStore

    settings = SettingsStore().load()
    per_job = getattr(args, "locations_per_job", None) or settings.locations_per_job
    concurrency = getattr(args, "concurrency", None) or settings.concurrent_jobs
    if per_job < 1 or concurrency < 1:
        raise CliError("--locations-per-job and --concurrency must be at least 1.", EXIT_USAGE)
    interval = getattr(args, "poll_interval", None)
    poll = PollSettings(initial=interval, cap=max(interval, 2.0)) if interval else PollSettings()
    return Tuning(per_job, concurrency, poll)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def stored_run(store: RunStore, run_id: int) -> RunRecord:
    """Run ``run_id`` of ``store``, or a usage error that says how to list them."""
    try:
        return store.get_run(run_id)
    except KeyError:
        raise CliError(f"There is no run {run_id}. `ping-desktop-cli runs` lists them.",
                       EXIT_USAGE) from None
