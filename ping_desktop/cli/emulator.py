"""`ping-desktop-cli emulator`: serve the Ping.Data emulator on loopback until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import signal
import socket
import sys
import threading
from types import FrameType
from typing import Any

from ping_desktop.emulator.config import EmulatorConfig


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `emulator` subcommand to the top-level parser."""
    parser = subparsers.add_parser(
        "emulator",
        help="serve a local Ping.Data API emulator (synthetic data) for demos and tests",
        description="Serve a local emulator of the Ping.Data API under /api/v1 until Ctrl-C.",
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on (0 = any free port)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: loopback only)"
    )
    parser.add_argument(
        "--token",
        action="append",
        dest="tokens",
        metavar="TOKEN",
        help="accepted API token (repeat for several; default: demo)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=50.0,
        metavar="LOC_PER_SEC",
        help="locations processed per second per job (0 = jobs complete at once)",
    )
    parser.add_argument(
        "--max-locations",
        type=int,
        default=1000,
        metavar="N",
        help="largest number of locations accepted in one bulk request",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic results")
    parser.set_defaults(func=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _lan_address() -> str | None:
    """This computer's address on its network, if it has one (no packet is sent)."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
        address = str(probe.getsockname()[0])
        if not address.startswith("0."):
            return address
    return None


def announce(host: str, port: int, token: str) -> list[str]:
    """Where the emulator can really be reached: for 0.0.0.0 / :: this computer's network
    address as well as loopback (it used to announce 127.0.0.1 only)."""
    def url(h: str) -> str:
        return f"http://[{h}]:{port}/api/v1" if ":" in h else f"http://{h}:{port}/api/v1"

    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - naming the wildcard, not binding it
        urls = [url("127.0.0.1")]
        lan = _lan_address()
        if lan:
            urls.append(url(lan))
        where = f"every network interface ({host or 'all addresses'}), e.g. " + " and ".join(urls)
    else:
        where = url(host)
    return [f"Ping.Data emulator listening on {where} (token: {token})"]


def exposed_warning(host: str) -> str:
    """The loud warning for an emulator other computers can reach."""
    bar = "!" * 72
    return (
        f"{bar}\nWARNING: the emulator is bound to {host}, so OTHER COMPUTERS on your network "
        "can reach it.\nIt serves synthetic data to anyone who knows the token above. Its "
        "control endpoints\n(/__emulator__/...) answer only on this computer. Use the default "
        f"--host 127.0.0.1\nunless you mean to share it.\n{bar}"
    )


def run(args: argparse.Namespace) -> int:
    """Start the server, print where it listens, and serve until SIGINT/SIGTERM."""
    from ping_desktop.emulator.server import EmulatorServer

    if args.port < 0 or args.port > 65535:
        print(f"The port must be between 0 and 65535, not {args.port}.", file=sys.stderr)
        return 2
    if args.rate < 0 or args.max_locations < 1:
        print("--rate must be 0 or more and --max-locations at least 1.", file=sys.stderr)
        return 2
    tokens = [t.strip() for t in (args.tokens or ["demo"]) if t.strip()]
    if not tokens:
        print("Give a non-empty --token.", file=sys.stderr)
        return 2
    config = EmulatorConfig(
        tokens=frozenset(tokens),
        locations_per_second=args.rate,
        max_locations_per_job=args.max_locations,
        seed=args.seed,
    )
    server = EmulatorServer(config, host=args.host, port=args.port)
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        print(f"Could not start the emulator on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for line in announce(server.host, server.port, tokens[0]):
            print(line, flush=True)
        if not _is_loopback(server.host):
            print(exposed_warning(server.host), file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("Emulator stopped.", flush=True)
    return 0
