"""``peercircle serve [--port N] [--host ADDR]``: the read-only mirror in web browsers,
for members who join online.

Each visitor gets a mirror process of their own (``python -m peercircle --data-dir DIR
mirror``), never the facilitator's app. It listens on 127.0.0.1 unless ``--host`` says
otherwise, and then warns what it shows and to whom. Every visitor needs the address it
prints, with its random key. Nothing is served, or sent anywhere, unless this command runs.
"""

from __future__ import annotations

import argparse
import errno
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peercircle.tui.serve_address import ServeAddress

# Here, not imported from serve_address: every command builds this parser, and that
# module's imports (ipaddress, socket, dataclasses) cost `peercircle list` some 25 ms.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

EXIT_REFUSED = 2


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="show the live session's mirror in web browsers (read-only)",
        description=(
            "Serve the read-only mirror of the live session to web browsers, one mirror per "
            "visitor. Listens on 127.0.0.1 (this computer only) unless --host says otherwise; "
            "every visitor needs the address printed at start, with its key."
        ),
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="ADDR",
        help=(
            f"address to listen on (default {DEFAULT_HOST}); another one, e.g. 0.0.0.0 or the "
            "room network's address, lets other computers in"
        ),
    )


def mirror_command(data_dir: Path) -> str:
    """The command each visitor's process runs: the mirror of the same data folder."""
    parts = [sys.executable, "-m", "peercircle", "--data-dir", str(data_dir.resolve()), "mirror"]
    if sys.platform == "win32":
        return " ".join(f'"{p}"' for p in parts)
    # exec: the shell becomes the mirror, so stopping the process stops the mirror.
    return "exec " + shlex.join(parts)


def run_serve(args: argparse.Namespace, data_dir: Path) -> int:
    from peercircle.tui.serve_address import AddressError, serve_address

    try:
        address = serve_address(args.host, args.port)
    except AddressError as exc:
        return _fail(str(exc))
    import asyncio

    from peercircle.tui.serve import MirrorServer  # aiohttp and textual-serve: only for this command

    server = MirrorServer(mirror_command(data_dir), address.host, address.port, address.token)

    def ready(port: int) -> None:
        if not address.loopback:
            _warn(address, port)  # once it listens: an address that cannot be served exposes nothing
        where = "this computer only" if address.loopback else f"{address.host}, other computers too"
        print(f"Serving the mirror of {data_dir} on port {port} ({where}).")
        print(f"Open: {address.url(port)}")
        print("Ctrl+C stops it, and every visitor's mirror.", flush=True)

    try:
        asyncio.run(server.run(ready))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        return _fail(_bind_problem(address, exc))
    print("Stopped serving.", flush=True)
    return 0


def _warn(address: ServeAddress, port: int) -> None:
    where = "every network this computer is on" if address.everywhere else f"the network of {address.host}"
    print(
        f"peercircle: warning: serving on {where}, port {port}. Anyone there who has the "
        "address below (its key included) sees the live session's mirror: the phase and its "
        "rule, the countdown, who speaks, who is next and the names in the room (never the "
        "private notes). The connection is not encrypted (http): use a network you trust, "
        "share the address only with the group, and stop this with Ctrl+C when the session ends.",
        file=sys.stderr,
        flush=True,
    )


def _bind_problem(address: ServeAddress, exc: OSError) -> str:
    where = f"{address.host} port {address.port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot serve on {where}: the port is in use (another program, or another "
            "'peercircle serve'); choose another with --port"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot serve on {where}: {address.host} is not an address of this computer"
    if exc.errno == errno.EACCES:
        return (
            f"cannot serve on {where}: not allowed (ports below 1024 need an administrator); "
            "choose a port above 1024"
        )
    return f"cannot serve on {where}: {exc.strerror or exc}"


def _fail(message: str) -> int:
    print(f"peercircle: {message}", file=sys.stderr)
    return EXIT_REFUSED
